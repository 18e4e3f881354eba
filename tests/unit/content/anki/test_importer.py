"""Importing Anki packages of both formats into a pack that validates."""

from __future__ import annotations

import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

import genanki
import pytest

from bot.content.anki.importer import import_anki
from bot.content.anki.package import PackageError
from bot.content.drafts import DraftPack, write_pack
from bot.content.loader import load_course
from bot.content.models import Course
from tests.unit.content.anki.decks import (
    BASIC_A,
    BASIC_Q,
    CLOZE_A,
    CLOZE_Q,
    REVERSE_A,
    REVERSE_Q,
    LatestNote,
    LatestNoteType,
    basic,
    genanki_package,
    latest_package,
)


def served(draft: DraftPack | None, tmp_path: Path) -> Course:
    """The draft written out and loaded back strictly, as `studybot content validate --strict` would."""
    assert draft is not None
    folder, result = write_pack(draft, tmp_path / "content")
    strict = load_course(folder, strict=True)
    assert strict.course is not None, [str(i) for i in strict.issues]
    assert result.issues == []
    return strict.course


def fronts_and_backs(course: Course) -> list[tuple[str, str, str]]:
    """(topic title, front, back) of every card in syllabus order."""
    return [(t.title, c.front, c.back) for t in course.topics for c in t.cards]


def test_genanki_deck_becomes_a_pack_of_cards(tmp_path: Path) -> None:
    """A Basic deck in the older format becomes one topic whose cards are its notes."""
    deck = genanki.Deck(2_000_000_001, "Capitals")
    deck.add_note(basic("France", "Paris"))
    deck.add_note(basic("Spain", "Madrid"))
    result = import_anki(genanki_package(tmp_path / "capitals.apkg", [deck]))
    course = served(result.pack, tmp_path)
    assert result.problems == []
    assert course.requires == ("cards",)
    assert fronts_and_backs(course) == [("Capitals", "France", "Paris"), ("Capitals", "Spain", "Madrid")]


def test_subdecks_become_topics_in_deck_order(tmp_path: Path) -> None:
    """Each deck and subdeck is a topic, in Anki's (alphabetical, nested) order, a section per top deck."""
    decks = [genanki.Deck(2_000_000_000 + i, name) for i, name in enumerate(["B", "A::Z", "A", "A::C"])]
    for deck in decks:
        deck.add_note(basic(f"q {deck.name}", f"a {deck.name}"))
    course = served(import_anki(genanki_package(tmp_path / "d.apkg", decks)).pack, tmp_path)
    assert [t.title for t in course.topics] == ["A", "C", "Z", "B"]
    assert [s.title for s in course.sections] == ["A", "B"]
    assert [len(s.topic_ids) for s in course.sections] == [3, 1]


def test_reversed_note_gives_two_cards(tmp_path: Path) -> None:
    """A Basic-and-reversed note gives a card each way."""
    deck = genanki.Deck(2_000_000_002, "Words")
    deck.add_note(genanki.Note(model=genanki.BASIC_AND_REVERSED_CARD_MODEL, fields=["hola", "hello"]))
    course = served(import_anki(genanki_package(tmp_path / "w.apkg", [deck])).pack, tmp_path)
    assert [(c.front, c.back) for c in course.topics[0].cards] == [("hola", "hello"), ("hello", "hola")]


def test_cloze_note_gives_one_card_per_cloze(tmp_path: Path) -> None:
    """A cloze note gives a card per cloze number, that one hidden on the front and bold on the back."""
    deck = genanki.Deck(2_000_000_003, "Geo")
    deck.add_note(genanki.Note(model=genanki.CLOZE_MODEL,
                               fields=["{{c1::Madrid}} is the capital of {{c2::Spain::a country}}", ""]))
    course = served(import_anki(genanki_package(tmp_path / "g.apkg", [deck])).pack, tmp_path)
    assert [(c.front, c.back) for c in course.topics[0].cards] == [
        ("[...] is the capital of Spain", "**Madrid** is the capital of Spain"),
        ("Madrid is the capital of [a country]", "Madrid is the capital of **Spain**"),
    ]


def test_html_fields_become_markdown(tmp_path: Path) -> None:
    """Bold, line breaks, lists, code and entities in fields come out as Markdown."""
    deck = genanki.Deck(2_000_000_004, "Code")
    deck.add_note(basic("What does <b>this</b> print?<br><code>x&nbsp;+&nbsp;1</code>",
                        "<div>It prints:</div><ul><li>two</li><li>lines</li></ul>"))
    card = served(import_anki(genanki_package(tmp_path / "c.apkg", [deck])).pack, tmp_path).topics[0].cards[0]
    assert card.front == "What does **this** print?\n`x + 1`"
    assert card.back == "It prints:\n\n- two\n- lines"


def test_media_are_reported_per_note_and_remote_images_kept(tmp_path: Path) -> None:
    """Local images and sounds are left out and reported with their note; a remote image stays a link."""
    deck = genanki.Deck(2_000_000_005, "Birds")
    note = basic("Which bird? <img src=\"robin.jpg\"> [sound:robin.mp3]", "A robin <img src=\"https://x.org/r.png\">")
    deck.add_note(note)
    result = import_anki(genanki_package(tmp_path / "b.apkg", [deck]))
    card = served(result.pack, tmp_path).topics[0].cards[0]
    assert (card.front, card.back) == ("Which bird?", "A robin ![](https://x.org/r.png)")
    assert [(p.severity, str(p)) for p in result.problems] == [(
        "warning",
        f"deck “Birds”, note {card.id.split('.')[0][1:]}: left out sound 'robin.mp3', image 'robin.jpg' "
        "(a course pack cannot carry media)",
    )]


def test_note_with_nothing_but_media_is_reported_and_the_rest_imported(tmp_path: Path) -> None:
    """A note whose front is only an image is named with its deck and id; the other notes are imported."""
    deck = genanki.Deck(2_000_000_006, "Faces")
    deck.add_note(basic("<img src=\"face.png\">", "Ada"))
    deck.add_note(basic("Who wrote the first program?", "Ada"))
    result = import_anki(genanki_package(tmp_path / "f.apkg", [deck]))
    course = served(result.pack, tmp_path)
    assert fronts_and_backs(course) == [("Faces", "Who wrote the first program?", "Ada")]
    errors = [str(p) for p in result.problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].startswith("deck “Faces”, note ")
    assert errors[0].endswith("card 1 has nothing left on its front once HTML and media are taken out; not imported")


def test_broken_note_is_reported_with_its_deck_and_id(tmp_path: Path) -> None:
    """A note whose note type is missing from the package is reported; the rest is imported."""
    deck = genanki.Deck(2_000_000_007, "Mixed")
    deck.add_note(basic("kept", "yes"))
    deck.add_note(basic("broken", "no"))
    package = genanki_package(tmp_path / "m.apkg", [deck])
    with zipfile.ZipFile(package) as archive:
        (tmp_path / "col.sqlite").write_bytes(archive.read("collection.anki2"))
    with closing(sqlite3.connect(tmp_path / "col.sqlite")) as db:
        broken = db.execute("SELECT id FROM notes WHERE sfld = 'broken'").fetchone()[0]
        db.execute("UPDATE notes SET mid = 42 WHERE id = ?", (broken,))
        db.commit()
    with zipfile.ZipFile(package, "w") as archive:
        archive.write(tmp_path / "col.sqlite", "collection.anki2")
    result = import_anki(package)
    assert fronts_and_backs(served(result.pack, tmp_path)) == [("Mixed", "kept", "yes")]
    assert [str(p) for p in result.problems] == [
        f"deck “Mixed”, note {broken}: its note or note type is missing from the package; not imported"
    ]


def test_template_naming_a_missing_field_is_reported(tmp_path: Path) -> None:
    """A card template that names a field its note type lacks is reported with deck and note."""
    model = genanki.Model(1_600_000_001, "Odd", fields=[{"name": "Front"}, {"name": "Back"}],
                          templates=[{"name": "Card 1", "qfmt": "{{Front}} {{Hint}}", "afmt": "{{Back}}"}])
    deck = genanki.Deck(2_000_000_008, "Odd")
    deck.add_note(genanki.Note(model=model, fields=["q", "a"]))
    result = import_anki(genanki_package(tmp_path / "o.apkg", [deck]))
    assert result.pack is None
    assert "its card template names a field 'Hint' that the note type does not have; not imported" in str(
        result.problems[0])


NOTETYPES = (
    LatestNoteType(1, "Basic (and reversed card)", ("Front", "Back"), ((BASIC_Q, BASIC_A), (REVERSE_Q, REVERSE_A))),
    LatestNoteType(2, "Cloze", ("Text", "Back Extra"), ((CLOZE_Q, CLOZE_A),), cloze=True),
)


def test_latest_format_is_read_from_the_zstd_collection(tmp_path: Path) -> None:
    """An anki21b package is read from its compressed collection, not its legacy placeholder."""
    notes = [
        LatestNote(1_700_000_000_001, 1, ("<i>uno</i>", "one"), deck=10, ords=(0, 1)),
        LatestNote(1_700_000_000_002, 2, ("{{c1::Rome}} is in {{c2::Italy}}", "Europe"), deck=11, ords=(0, 1)),
    ]
    package = latest_package(tmp_path / "new.apkg", {1: "Default", 10: "Lang", 11: "Lang::Places"}, NOTETYPES, notes)
    result = import_anki(package)
    assert result.problems == []
    assert fronts_and_backs(served(result.pack, tmp_path)) == [
        ("Lang", "*uno*", "one"),
        ("Lang", "one", "*uno*"),
        ("Places", "[...] is in Italy", "**Rome** is in Italy\nEurope"),
        ("Places", "Rome is in [...]", "Rome is in **Italy**\nEurope"),
    ]


def test_latest_format_reports_media(tmp_path: Path) -> None:
    """Media in an anki21b package are reported per note, as in the older format."""
    notes = [LatestNote(1_700_000_000_003, 1, ("<img src=\"a.png\">Apple", "Apfel"), deck=10)]
    package = latest_package(tmp_path / "m.apkg", {10: "Food"}, NOTETYPES, notes, media=["a.png"])
    result = import_anki(package)
    assert [str(p) for p in result.problems] == [
        "deck “Food”, note 1700000000003: left out image 'a.png' (a course pack cannot carry media)"
    ]
    assert fronts_and_backs(served(result.pack, tmp_path)) == [("Food", "Apple", "Apfel")]


def test_package_from_a_newer_anki_is_refused_with_advice(tmp_path: Path) -> None:
    """A `meta` version StudyBot does not know says how to export the deck again."""
    package = tmp_path / "future.apkg"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("meta", b"\x08\x09")
    with pytest.raises(PackageError, match="Support older Anki versions"):
        import_anki(package)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a zip", "not an Anki package"), (None, "holds no Anki collection")],
)
def test_unreadable_package_is_refused(tmp_path: Path, content: bytes | None, message: str) -> None:
    """A file that is no zip, or a zip without a collection, gets a message, not a traceback."""
    package = tmp_path / "bad.apkg"
    if content is None:
        with zipfile.ZipFile(package, "w") as archive:
            archive.writestr("readme.txt", "hi")
    else:
        package.write_bytes(content)
    with pytest.raises(PackageError, match=message):
        import_anki(package)


def test_course_id_can_be_chosen(tmp_path: Path) -> None:
    """`--course` names the pack; without it the id comes from the file name."""
    deck = genanki.Deck(2_000_000_009, "X")
    deck.add_note(basic("q", "a"))
    package = genanki_package(tmp_path / "My Deck!.apkg", [deck])
    chosen, made = import_anki(package, "team-x").pack, import_anki(package).pack
    assert chosen is not None
    assert made is not None
    assert (chosen.course.id, made.course.id) == ("team-x", "my-deck")


def test_anki21_collection_is_preferred_to_its_anki2_placeholder(tmp_path: Path) -> None:
    """A package of Anki 2.1 with `collection.anki21` is read from it, not from `collection.anki2`."""
    real, placeholder = genanki.Deck(2_000_000_010, "Real"), genanki.Deck(2_000_000_011, "Placeholder")
    real.add_note(basic("real", "yes"))
    placeholder.add_note(basic("Please update to the latest Anki version", ""))
    genanki_package(tmp_path / "real.apkg", [real])
    genanki_package(tmp_path / "placeholder.apkg", [placeholder])
    package = tmp_path / "anki21.apkg"
    with zipfile.ZipFile(tmp_path / "real.apkg") as r, zipfile.ZipFile(tmp_path / "placeholder.apkg") as p, \
            zipfile.ZipFile(package, "w") as out:
        out.writestr("collection.anki21", r.read("collection.anki2"))
        out.writestr("collection.anki2", p.read("collection.anki2"))
        out.writestr("media", "{}")
    assert fronts_and_backs(served(import_anki(package).pack, tmp_path)) == [("Real", "real", "yes")]


def test_optional_reversed_card_exists_only_when_asked_for(tmp_path: Path) -> None:
    """In the newer format, a note's cards are the ones the collection holds: no reverse unless it has one."""
    optional = LatestNoteType(3, "Basic (optional reversed card)", ("Front", "Back", "Add Reverse"),
                              ((BASIC_Q, BASIC_A), ("{{#Add Reverse}}{{Back}}{{/Add Reverse}}", REVERSE_A)))
    notes = [LatestNote(1_700_000_000_010, 3, ("one way", "only", ""), deck=10),
             LatestNote(1_700_000_000_011, 3, ("both", "ways", "y"), deck=10, ords=(0, 1))]
    package = latest_package(tmp_path / "o.apkg", {10: "Optional"}, [optional], notes)
    assert [(f, b) for _, f, b in fronts_and_backs(served(import_anki(package).pack, tmp_path))] == [
        ("one way", "only"), ("both", "ways"), ("ways", "both")]


def test_card_in_a_filtered_deck_belongs_to_its_home_deck(tmp_path: Path) -> None:
    """A card that a filtered deck holds for now is imported into the deck it comes from."""
    notes = [LatestNote(1_700_000_000_020, 1, ("moved", "back home"), deck=99, home=10),
             LatestNote(1_700_000_000_021, 1, ("stayed", "home"), deck=10)]
    package = latest_package(tmp_path / "f.apkg", {10: "Home", 99: "Filtered"}, NOTETYPES, notes)
    assert fronts_and_backs(served(import_anki(package).pack, tmp_path)) == [
        ("Home", "moved", "back home"), ("Home", "stayed", "home")]


def test_deck_with_a_blank_level_still_gets_titles(tmp_path: Path) -> None:
    """A deck name with an empty level (`  ::Sub`) becomes a topic titled by the levels that have text."""
    deck = genanki.Deck(2_000_000_012, "  ::Sub")
    deck.add_note(basic("q", "a"))
    course = served(import_anki(genanki_package(tmp_path / "odd.apkg", [deck])).pack, tmp_path)
    assert [(s.title, course.topic_by_id[s.topic_ids[0]].title) for s in course.sections] == [("Sub", "Sub")]
