"""Reading the newest revision from the packaged migration files, without running Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from bot.store import migrate


@pytest.fixture
def versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty migrations folder that `newest_revision` reads instead of the packaged one."""
    folder = tmp_path / "versions"
    folder.mkdir()
    (folder / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (folder / "b.py").write_text('revision: str = "b"\ndown_revision: str | None = "a"\n')
    (folder / "c.py").write_text('revision = "c"\ndown_revision = "a"\n')
    monkeypatch.setattr(migrate, "MIGRATIONS", tmp_path)
    migrate.newest_revision.cache_clear()
    yield folder
    migrate.newest_revision.cache_clear()


def test_newest_revision_is_alembics_head() -> None:
    """The revision read from the files' assignments is the head Alembic finds in the same folder."""
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert head is not None
    assert migrate.newest_revision() == head


def test_annotated_lines_and_a_merge_are_read(versions: Path) -> None:
    """`revision: str = ...` lines and a merge's tuple of parents count like plain assignments."""
    (versions / "d.py").write_text('revision: str = "d"\ndown_revision = ("b", "c")\n')
    assert migrate.newest_revision() == "d"


def test_two_heads_give_no_newest_revision(versions: Path) -> None:
    """With two heads there is no one newest revision, so upgrading is left to Alembic."""
    assert migrate.newest_revision() is None


def test_a_revision_that_is_not_a_plain_value_gives_no_newest_revision(versions: Path) -> None:
    """A file whose revision only running it could tell leaves upgrading to Alembic."""
    (versions / "d.py").write_text('revision = "".join(["d"])\ndown_revision = ("b", "c")\n')
    assert migrate.newest_revision() is None
