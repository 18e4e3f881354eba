"""The `studybot` command as a process: content tools, the database upgrade, and settings that stop it.

These need a process of their own: what they check is its exit code and what it prints on stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

import genanki
import pytest

from tests.conftest import COURSE_DIR
from tests.e2e.process import studybot


def test_bad_setting_stops_with_one_line(tmp_path: Path) -> None:
    """An invalid timezone stops start-up with one clear line and a non-zero exit."""
    result = studybot([], tmp_path, STUDYBOT_TIMEZONE="Mars/Base")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "studybot: invalid setting STUDYBOT_TIMEZONE: 'Mars/Base' is not an IANA timezone such as Europe/Berlin"
    ]


def test_unreachable_database_stops_with_one_line(tmp_path: Path) -> None:
    """A database that cannot be reached stops start-up with one line, no traceback."""
    result = studybot(["console"], tmp_path, DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("studybot: cannot use the database postgresql://nobody@127.0.0.1:1/none")


def test_validate_good_pack_exits_zero(tmp_path: Path) -> None:
    """The shipped course validates strictly."""
    result = studybot(["content", "validate", "--strict", str(COURSE_DIR)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OK · 8 sections, 30 topics" in result.stdout


def test_validate_bad_pack_names_file_field_and_line(tmp_path: Path) -> None:
    """A broken topic makes validate exit non-zero naming file, line and field."""
    pack = tmp_path / "pack"
    (pack / "topics").mkdir(parents=True)
    (pack / "course.yaml").write_text(
        "id: p\ntitle: P\ndescription: D\nsections:\n  - id: s\n    title: S\n    topics: [t]\n"
    )
    (pack / "topics" / "t.yaml").write_text("id: t\ntitle: T\nsummary: S\nsumary: typo\n")
    result = studybot(["content", "validate", str(pack)], tmp_path)
    assert result.returncode == 1
    assert "error: pack/topics/t.yaml:4: sumary: unknown field" in result.stderr


@pytest.mark.parametrize("flag", [[], ["--json"]])
def test_stats_lists_every_topic(tmp_path: Path, flag: list[str]) -> None:
    """`content stats` reports all 30 topics with their question counts."""
    result = studybot(["content", "stats", *flag, str(COURSE_DIR)], tmp_path)
    assert result.returncode == 0
    assert result.stdout.count("valuetask-vs-task") == 1
    assert ("\"quiz\": 6" in result.stdout) if flag else ("Total: " in result.stdout)


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    """`studybot db upgrade` migrates the default SQLite database."""
    result = studybot(["db", "upgrade"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "is up to date" in result.stdout


def test_import_anki_then_validate_then_export(tmp_path: Path) -> None:
    """An imported deck validates strictly, and exports again; a second import into the same folder is refused."""
    deck = genanki.Deck(2_000_000_100, "Capitals")
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["France", "Paris <img src=\"eiffel.jpg\">"]))
    genanki.Package([deck]).write_to_file(str(tmp_path / "capitals.apkg"))
    content = tmp_path / "content"
    imported = studybot(["content", "import", "anki", str(tmp_path / "capitals.apkg"), "--out", str(content)],
                        tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "left out image 'eiffel.jpg'" in imported.stdout
    assert "Wrote " in imported.stdout
    assert "1 topic, 0 quiz questions, 1 card." in imported.stdout
    validated = studybot(["content", "validate", "--strict", str(content / "capitals")], tmp_path)
    assert validated.returncode == 0, validated.stderr
    assert "1 cards" in validated.stdout
    exported = studybot(["content", "export", "anki", "--course", "capitals", str(tmp_path / "out.apkg")], tmp_path,
                        STUDYBOT_CONTENT_DIR=str(content))
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "out.apkg").is_file()
    again = studybot(["content", "import", "anki", str(tmp_path / "capitals.apkg"), "--out", str(content)], tmp_path)
    assert again.returncode == 1
    assert "already exists" in again.stderr


def test_import_csv_with_errors_exits_one_naming_rows(tmp_path: Path) -> None:
    """A CSV file with a bad row is not imported; the error names the row and column."""
    path = tmp_path / "cards.csv"
    path.write_text("topic,front,back\nWords,hola,\n")
    result = studybot(["content", "import", "csv", str(path), "--out", str(tmp_path / "content")], tmp_path)
    assert result.returncode == 1
    assert "error: cards.csv: row 2, column back: is empty" in result.stderr
    assert not (tmp_path / "content" / "cards").exists()
