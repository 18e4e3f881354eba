"""Reading an Anki package (.apkg): its decks, note types, notes and cards, in either format.

A package is a zip file. Older ones hold the collection as SQLite in `collection.anki2` (Anki
2.0) or `collection.anki21` (Anki 2.1), with note types and decks as JSON in the `col` table.
Newer ones (Anki 2.1.50 on) say so in a `meta` file (protobuf) and hold the collection in
`collection.anki21b`, zstd-compressed, in the newer schema: note types, their fields and card
templates, and decks in tables of their own, with protobuf configs; their `collection.anki2` is
only a placeholder asking older versions to update. The media files are not read: a course pack
cannot carry them (the importer reports each one a note refers to).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import zstandard
from google.protobuf import descriptor_pb2, message, proto_builder

LEGACY_FILES = ("collection.anki21", "collection.anki2")
LATEST_FILE = "collection.anki21b"
META_VERSIONS = {1: "collection.anki2", 2: "collection.anki21", 3: LATEST_FILE}
MAX_COLLECTION_BYTES = 256 * 1024 * 1024  # a deck of 100,000 notes is well under this
FIELD_SEP = "\x1f"

_STRING = descriptor_pb2.FieldDescriptorProto.TYPE_STRING
_INT = descriptor_pb2.FieldDescriptorProto.TYPE_INT32
# The few fields read from Anki's protobuf messages (anki/import_export.proto, anki/notetypes.proto),
# numbered 1, 2, ... in the order given, as they are there; everything else is skipped unread.
_MESSAGES: dict[str, type[message.Message]] = {
    name: proto_builder.MakeSimpleProtoClass(OrderedDict(fields), full_name=f"studybot.anki.{name}")
    for name, fields in (
        ("PackageMetadata", [("version", _INT)]),
        ("NotetypeConfig", [("kind", _INT)]),  # 0 normal, 1 cloze
        ("TemplateConfig", [("q_format", _STRING), ("a_format", _STRING)]),
    )
}


class PackageError(ValueError):
    """A file that is not an Anki package StudyBot can read; the message says why."""


@dataclass(frozen=True)
class NoteType:
    """A note type: its field names and, by card number, each card's question and answer templates."""

    id: int
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Note:
    """A note: its globally unique id (guid), its note type and its fields' HTML, in the note type's order."""

    id: int
    guid: str
    notetype_id: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class CardRow:
    """A card: which note, which template (or cloze number - 1) and which deck it belongs to."""

    note_id: int
    ord: int
    deck_id: int


@dataclass(frozen=True)
class Collection:
    """What the importer needs of a collection: decks by id (as name paths), note types, notes, cards."""

    decks: dict[int, tuple[str, ...]]
    notetypes: dict[int, NoteType]
    notes: dict[int, Note]
    cards: list[CardRow]


def read_package(path: Path) -> Collection:
    """The collection inside the package at `path`; `PackageError` when it cannot be read."""
    try:
        with zipfile.ZipFile(path) as archive, _collection_file(archive) as db_path:
            return _read_collection(db_path)
    except PackageError as exc:
        raise PackageError(f"{path}: {exc}") from exc
    except FileNotFoundError as exc:
        raise PackageError(f"{path}: no such file") from exc
    except zipfile.BadZipFile as exc:
        raise PackageError(f"{path}: not an Anki package (.apkg files are zip archives)") from exc
    except (OSError, sqlite3.DatabaseError, zstandard.ZstdError, KeyError, ValueError, message.DecodeError) as exc:
        raise PackageError(f"{path}: the deck's collection cannot be read ({exc})") from exc


def _collection_name(archive: zipfile.ZipFile) -> str:
    """The member holding the collection: the one `meta` names, else the newest one present."""
    names = set(archive.namelist())
    if "meta" in names:
        meta = _MESSAGES["PackageMetadata"].FromString(archive.read("meta"))
        version = int(cast(Any, meta).version)
        if version not in META_VERSIONS:
            raise PackageError(
                "the deck was exported by a newer Anki than StudyBot knows; export it again with "
                "“Support older Anki versions” ticked"
            )
        return META_VERSIONS[version]
    for name in (LATEST_FILE, *LEGACY_FILES):
        if name in names:
            return name
    raise PackageError("the package holds no Anki collection (collection.anki21b, .anki21 or .anki2)")


@contextmanager
def _collection_file(archive: zipfile.ZipFile) -> Iterator[Path]:
    """The collection as a SQLite file on disk (decompressed for the newer format), removed afterwards."""
    name = _collection_name(archive)
    if archive.getinfo(name).file_size > MAX_COLLECTION_BYTES:
        raise PackageError(f"the collection is larger than {MAX_COLLECTION_BYTES // 2**20} MB")
    with tempfile.TemporaryDirectory(prefix="studybot-anki-") as tmp:
        target = Path(tmp) / "collection.sqlite"
        with archive.open(name) as source, target.open("wb") as out:
            if name == LATEST_FILE:
                reader = zstandard.ZstdDecompressor().stream_reader(source)
                _copy_limited(reader, out)
            else:
                _copy_limited(source, out)
        yield target


def _copy_limited(source: Any, out: Any) -> None:
    """Copy a stream, refusing one that grows beyond the collection limit (a zstd bomb)."""
    total = 0
    while chunk := source.read(1 << 20):
        total += len(chunk)
        if total > MAX_COLLECTION_BYTES:
            raise PackageError(f"the collection is larger than {MAX_COLLECTION_BYTES // 2**20} MB")
        out.write(chunk)


def _read_collection(db_path: Path) -> Collection:
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "notetypes" in tables:
            decks, notetypes = _decks_latest(db), _notetypes_latest(db)
        else:
            decks, notetypes = _legacy_json(db)
        notes = {
            nid: Note(nid, str(guid), mid, tuple(str(flds).split(FIELD_SEP)))
            for nid, guid, mid, flds in db.execute("SELECT id, guid, mid, flds FROM notes")
        }
        cards = [
            CardRow(nid, ord_, odid or did)  # a card in a filtered deck belongs to its home deck
            for nid, ord_, did, odid in db.execute("SELECT nid, ord, did, odid FROM cards ORDER BY nid, ord")
        ]
    return Collection(decks, notetypes, notes, cards)


def _legacy_json(db: sqlite3.Connection) -> tuple[dict[int, tuple[str, ...]], dict[int, NoteType]]:
    """Decks and note types of the older schema: JSON in the one row of `col`."""
    models_json, decks_json = db.execute("SELECT models, decks FROM col").fetchone()
    decks = {int(d["id"]): tuple(str(d["name"]).split("::")) for d in json.loads(decks_json).values()}
    notetypes = {}
    for m in json.loads(models_json).values():
        fields = tuple(str(f["name"]) for f in sorted(m["flds"], key=lambda f: f["ord"]))
        templates = tuple((str(t["qfmt"]), str(t["afmt"])) for t in sorted(m["tmpls"], key=lambda t: t["ord"]))
        notetypes[int(m["id"])] = NoteType(int(m["id"]), str(m["name"]), int(m.get("type", 0)) == 1, fields, templates)
    return decks, notetypes


def _decks_latest(db: sqlite3.Connection) -> dict[int, tuple[str, ...]]:
    """Decks of the newer schema; a name's levels are separated by 0x1f."""
    return {int(did): tuple(str(name).split(FIELD_SEP)) for did, name in db.execute("SELECT id, name FROM decks")}


def _notetypes_latest(db: sqlite3.Connection) -> dict[int, NoteType]:
    """Note types of the newer schema, with their fields and templates from their own tables."""
    fields: dict[int, list[str]] = {}
    for ntid, name in db.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(int(ntid), []).append(str(name))
    templates: dict[int, list[tuple[str, str]]] = {}
    for ntid, config in db.execute("SELECT ntid, config FROM templates ORDER BY ntid, ord"):
        parsed = cast(Any, _MESSAGES["TemplateConfig"].FromString(bytes(config)))
        templates.setdefault(int(ntid), []).append((str(parsed.q_format), str(parsed.a_format)))
    notetypes = {}
    for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
        kind = int(cast(Any, _MESSAGES["NotetypeConfig"].FromString(bytes(config))).kind)
        nid = int(ntid)
        notetypes[nid] = NoteType(nid, str(name), kind == 1, tuple(fields.get(nid, ())), tuple(templates.get(nid, ())))
    return notetypes
