"""Exporting a course to an Anki package, and importing it back."""

from __future__ import annotations

import zipfile
from pathlib import Path

from bot.content.anki.exporter import export_anki
from bot.content.anki.importer import import_anki
from bot.content.drafts import write_pack
from bot.content.loader import load_course, require_course
from bot.content.models import Course
from tests.conftest import COURSE_DIR
from tests.packs import card_pack


def test_round_trip_keeps_every_card(tmp_path: Path) -> None:
    """A pack exported to .apkg and imported back has the same cards: ids, fronts and backs, in order."""
    original = require_course(card_pack(tmp_path))
    export_anki(original, tmp_path / "cards.apkg")
    result = import_anki(tmp_path / "cards.apkg", "cards-again")
    assert result.pack is not None
    assert result.problems == []
    folder, loaded = write_pack(result.pack, tmp_path / "content")
    assert loaded.course is not None
    again = loaded.course

    def cards(course: Course) -> list[list[tuple[str, str, str]]]:
        return [[(c.id, c.front, c.back) for c in t.cards] for t in course.topics]

    assert cards(again) == cards(original)
    assert folder.name == "cards-again"


def test_dotnet_course_exports_every_question(tmp_path: Path) -> None:
    """The .NET course becomes 30 decks with a note per quiz and interview question, in syllabus order."""
    course = require_course(COURSE_DIR)
    exported = export_anki(course, tmp_path / "dotnet.apkg")
    assert (exported.decks, exported.notes) == (30, 240)
    result = import_anki(tmp_path / "dotnet.apkg")
    assert result.pack is not None
    assert [t.title.split(" ", 1)[1] for t in result.pack.topics] == [t.title for t in course.topics]
    first = course.topics[0].quiz[0]
    card = result.pack.topics[0].cards[0]
    assert card.id == first.id
    assert f"**{'ABCD'[first.answer]}.**" in card.back


def test_exported_package_imports_as_a_pack_that_validates(tmp_path: Path) -> None:
    """What the export writes is a real .apkg (a zip with a collection) whose import validates strictly."""
    export_anki(require_course(card_pack(tmp_path)), tmp_path / "x.apkg")
    with zipfile.ZipFile(tmp_path / "x.apkg") as archive:
        assert "collection.anki2" in archive.namelist()
    result = import_anki(tmp_path / "x.apkg")
    assert result.pack is not None
    folder, _ = write_pack(result.pack, tmp_path / "content")
    assert load_course(folder, strict=True).errors == []


def test_double_colons_in_titles_do_not_nest_decks(tmp_path: Path) -> None:
    """A title with `::` (Anki's deck separator) stays one level: the course is one top deck."""
    course = require_course(card_pack(tmp_path)).model_copy(update={"title": "Team::Cards"})
    export_anki(course, tmp_path / "c.apkg")
    result = import_anki(tmp_path / "c.apkg")
    assert result.pack is not None
    assert [s.title for s in result.pack.course.sections] == ["Team:Cards"]
    assert [t.title for t in result.pack.topics] == ["1 GC", "2 LINQ"]
