"""Small Anki packages made by the tests: with genanki (the older format) and by hand (anki21b)."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import genanki
import zstandard

BASIC_Q, BASIC_A = "{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"
REVERSE_Q, REVERSE_A = "{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}"
CLOZE_Q, CLOZE_A = "{{cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}"


def genanki_package(path: Path, decks: Sequence[genanki.Deck]) -> Path:
    """Write `decks` with genanki: a `collection.anki2` package as Anki 2.1 before 2.1.50 made them."""
    genanki.Package(list(decks)).write_to_file(str(path))
    return path


def basic(front: str, back: str, guid: str | None = None) -> genanki.Note:
    """A note of genanki's Basic note type."""
    return genanki.Note(model=genanki.BASIC_MODEL, fields=[front, back], guid=guid)


# --- the newer format, by hand -------------------------------------------------------------------

def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _text(number: int, value: str) -> bytes:
    data = value.encode()
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _number(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


@dataclass(frozen=True)
class LatestNoteType:
    """A note type of the newer schema: fields, (question, answer) templates, cloze or not."""

    id: int
    name: str
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str], ...]
    cloze: bool = False


@dataclass(frozen=True)
class LatestNote:
    """A note: id, note type, fields, its deck, and which cards (template ords or cloze number - 1) it has.

    `home` is the card's home deck when `deck` is a filtered deck it was moved into (0: not moved).
    """

    id: int
    notetype: int
    fields: tuple[str, ...]
    deck: int
    ords: tuple[int, ...] = (0,)
    home: int = 0


SCHEMA = """
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
  ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text NOT NULL,
  models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
  usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT NULL,
  flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due integer NOT NULL,
  ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL, lapses integer NOT NULL,
  left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE fields (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL, config blob NOT NULL,
  PRIMARY KEY (ntid, ord)) without rowid;
CREATE TABLE templates (ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL,
  mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL, PRIMARY KEY (ntid, ord)) without rowid;
CREATE TABLE notetypes (id integer NOT NULL PRIMARY KEY, name text NOT NULL, mtime_secs integer NOT NULL,
  usn integer NOT NULL, config blob NOT NULL);
CREATE TABLE decks (id integer PRIMARY KEY NOT NULL, name text NOT NULL, mtime_secs integer NOT NULL,
  usn integer NOT NULL, common blob NOT NULL, kind blob NOT NULL);
"""


def _latest_collection(path: Path, decks: dict[int, str], notetypes: Sequence[LatestNoteType],
                       notes: Sequence[LatestNote]) -> None:
    """A collection in the newer schema (18): note types, fields, templates and decks in their own tables."""
    with closing(sqlite3.connect(path)) as db:
        db.executescript(SCHEMA)
        db.execute("INSERT INTO col VALUES (1, 0, 0, 0, 18, 0, 0, 0, '', '', '', '', '')")
        for did, name in decks.items():  # a deck's levels are separated by 0x1f
            db.execute("INSERT INTO decks VALUES (?, ?, 0, 0, x'', x'0a00')", (did, name.replace("::", "\x1f")))
        for nt in notetypes:
            # kind (1), css (3) and a field the importer does not know (255), as Anki writes them
            config = _number(1, int(nt.cloze)) + _text(3, ".card {}") + _text(255, "other")
            db.execute("INSERT INTO notetypes VALUES (?, ?, 0, 0, ?)", (nt.id, nt.name, config))
            for ord_, name in enumerate(nt.fields):
                db.execute("INSERT INTO fields VALUES (?, ?, ?, ?)", (nt.id, ord_, name, _text(3, "Arial")))
            for ord_, (q, a) in enumerate(nt.templates):
                config = _text(1, q) + _text(2, a) + _number(5, 0) + _number(7, 12)
                db.execute("INSERT INTO templates VALUES (?, ?, ?, 0, 0, ?)", (nt.id, ord_, f"Card {ord_ + 1}", config))
        for n in notes:
            db.execute("INSERT INTO notes VALUES (?, ?, ?, 0, 0, '', ?, '', 0, 0, '')",
                       (n.id, f"g{n.id}", n.notetype, "\x1f".join(n.fields)))
            for ord_ in n.ords:
                db.execute("INSERT INTO cards VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ?, 0, '')",
                           (n.id * 10 + ord_, n.id, n.deck, ord_, n.home))
        db.commit()


def latest_package(path: Path, decks: dict[int, str], notetypes: Sequence[LatestNoteType],
                   notes: Sequence[LatestNote], media: Sequence[str] = ()) -> Path:
    """A package as Anki 2.1.50 and later export it: `meta`, zstd `collection.anki21b` and `media`.

    Beside them is the legacy `collection.anki2` placeholder (a genanki deck with one note asking to
    update Anki), which the importer must not read.
    """
    tmp = path.with_suffix(".build")
    tmp.mkdir()
    _latest_collection(tmp / "c.sqlite", decks, notetypes, notes)
    placeholder = genanki.Deck(1, "Default")
    placeholder.add_note(basic("Please update to the latest Anki version, then import the .apkg file again.", ""))
    genanki_package(tmp / "placeholder.apkg", [placeholder])
    with zipfile.ZipFile(tmp / "placeholder.apkg") as old:
        legacy = old.read("collection.anki2")
    compress = zstandard.ZstdCompressor().compress
    # MediaEntries: one entry (field 1) per file, each with its name (1) and size (2)
    entries = b"".join(_varint(1 << 3 | 2) + _varint(len(e)) + e
                       for e in (_text(1, name) + _number(2, 3) for name in media))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meta", _number(1, 3))  # PackageMetadata.version = LATEST
        archive.writestr("collection.anki21b", compress((tmp / "c.sqlite").read_bytes()))
        archive.writestr("collection.anki2", legacy)
        archive.writestr("media", compress(entries))
        for index, _name in enumerate(media):
            archive.writestr(str(index), compress(b"\x89PN"))
    return path
