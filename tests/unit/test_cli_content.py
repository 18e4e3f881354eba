"""`studybot content import` as its function: what it says about the pack that gets served."""

from __future__ import annotations

from pathlib import Path

import genanki
import pytest

from bot import cli_content
from bot.cli import _parser
from bot.settings import Settings
from tests.packs import card_pack


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


def test_validate_checks_every_pack_of_the_content_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without a path, each pack is checked and the courses served together are listed with the default."""
    card_pack(tmp_path, name="alpha")
    card_pack(tmp_path, name="beta")
    assert run(["content", "validate"], tmp_path, course="beta") == 0
    out = capsys.readouterr().out
    assert f"{tmp_path / 'alpha'}: OK" in out
    assert f"{tmp_path / 'beta'}: OK" in out
    assert "2 courses valid (alpha: 2 topics, beta: 2 topics); the default is beta." in out


def test_validate_names_the_broken_pack_among_several(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An error in one pack is reported under its folder, and the others are still checked."""
    card_pack(tmp_path, name="alpha")
    beta = card_pack(tmp_path, name="beta")
    (beta / "topics" / "gc.yaml").write_text("id: gc\ntitle: [unclosed\n")
    assert run(["content", "validate"], tmp_path) == 1
    captured = capsys.readouterr()
    assert f"{tmp_path / 'alpha'}: OK" in captured.out
    assert "error: beta/topics/gc.yaml" in captured.err
    assert "1 of 2 pack(s) cannot be served" in captured.err


def test_validate_reports_two_packs_with_one_course_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two valid packs with the same id cannot be served together, and validate says which."""
    card_pack(tmp_path, name="alpha")
    card_pack(tmp_path, name="copy", course_id="alpha")
    assert run(["content", "validate"], tmp_path) == 1
    err = capsys.readouterr().err
    assert "error: copy/course.yaml: id: the course id 'alpha' is used by another pack too" in err
    assert "cannot be served together" in err


def test_validate_reports_a_default_course_that_is_no_pack(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """STUDYBOT_COURSE naming no pack is an error of the content dir."""
    card_pack(tmp_path, name="alpha")
    assert run(["content", "validate"], tmp_path, course="gamma") == 1
    assert "STUDYBOT_COURSE names 'gamma', but no pack has that id or folder" in capsys.readouterr().err


def test_validate_with_a_path_checks_that_pack_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Given a folder, validate checks only it, whatever the rest of the content dir holds."""
    alpha = card_pack(tmp_path, name="alpha")
    card_pack(tmp_path, name="copy", course_id="alpha")
    assert run(["content", "validate", str(alpha)], tmp_path) == 0
    assert capsys.readouterr().out.startswith(f"{alpha}: OK")
