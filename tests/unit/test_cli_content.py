"""`studybot content import` as its function: what it says about the pack that gets served."""

from __future__ import annotations

from pathlib import Path

import genanki
import pytest

from bot import cli_content
from bot.cli import _parser
from bot.settings import Settings


def deck(path: Path) -> Path:
    """A one-card Anki package."""
    d = genanki.Deck(2_000_000_200, "Alpha")
    d.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["q", "a"]))
    genanki.Package([d]).write_to_file(str(path))
    return path


def run(argv: list[str], content: Path, course: str | None = None) -> int:
    """Run a content subcommand with the content dir `content` (and STUDYBOT_COURSE `course`)."""
    settings = Settings.model_construct(content_dir=content, course=course)
    return cli_content.run(_parser().parse_args(argv), settings)


def test_import_says_when_the_new_pack_becomes_the_served_one(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Without STUDYBOT_COURSE, a pack imported first by name is served from then on, and the import says so."""
    content = tmp_path / "content"
    (content / "zeta").mkdir(parents=True)
    (content / "zeta" / "course.yaml").write_text("id: zeta\n")
    assert run(["content", "import", "anki", str(deck(tmp_path / "alpha.apkg"))], content) == 0
    assert "StudyBot now serves the first pack by name, alpha" in capsys.readouterr().out


def test_import_is_quiet_about_serving_when_a_course_is_set(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """With STUDYBOT_COURSE set, the served pack does not change and nothing is said about it."""
    content = tmp_path / "content"
    assert run(["content", "import", "anki", str(deck(tmp_path / "alpha.apkg"))], content, course="zeta") == 0
    out = capsys.readouterr().out
    assert "Wrote " in out
    assert "now serves" not in out
