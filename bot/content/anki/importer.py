"""An Anki package as a new pack: each deck a topic, each card of a note a StudyBot card."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.anki.package import CardRow, Collection, Note, read_package
from bot.content.anki.templates import TemplateError, card_sides
from bot.content.drafts import DraftPack, ImportProblem, ImportResult, slug, unique
from bot.content.loader import Severity
from bot.content.markup import html_to_markdown
from bot.content.schema import CardFile, CourseFile, SectionFile, TopicFile
from bot.text import shorten

GUID_PREFIX = "studybot:"  # the guid of a note StudyBot exported: it carries the card's id
ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
MAX_ID = 64


@dataclass
class _Deck:
    """One deck on its way to being a topic: its name path and the cards made so far."""

    path: tuple[str, ...]
    cards: list[CardFile] = field(default_factory=list)


def import_anki(package: Path, course_id: str | None = None) -> ImportResult:
    """The pack made of the Anki package at `package`, and every note that could not be carried whole.

    Raises `PackageError` when the file is not an Anki package that can be read.
    """
    collection = read_package(package)
    return _Import(collection, course_id or slug(package.stem, "anki-deck")).run(package.name)


class _Import:
    """One import: walks the cards in deck order, noting problems per note."""

    def __init__(self, collection: Collection, course_id: str) -> None:
        self.collection = collection
        self.course_id = course_id
        self.problems: list[ImportProblem] = []
        self.ids: set[str] = set()
        self.cards_of_note: dict[int, int] = defaultdict(int)
        for card in collection.cards:
            self.cards_of_note[card.note_id] += 1

    def run(self, file_name: str) -> ImportResult:
        """The draft pack (None when no card could be imported) and the problems."""
        decks: dict[int, _Deck] = {}
        for card in self.collection.cards:
            deck = decks.setdefault(card.deck_id, _Deck(self.collection.decks.get(card.deck_id, ("Unknown deck",))))
            made = self.card(card, deck.path)
            if made is not None:
                deck.cards.append(made)
        ordered = sorted((d for d in decks.values() if d.cards), key=lambda d: tuple(p.casefold() for p in d.path))
        if not ordered:
            self.problems.append(ImportProblem(file_name, "the package holds no card StudyBot can import"))
            return ImportResult(None, self.problems)
        return ImportResult(self.draft(ordered, file_name), self.problems)

    def where(self, path: tuple[str, ...], note_id: int) -> str:
        """How a report names a note: its deck and its id."""
        return f"deck “{'::'.join(path)}”, note {note_id}"

    def problem(self, path: tuple[str, ...], note_id: int, message: str, severity: Severity = "error") -> None:
        """Note a problem once per note and message (a note's cards often share one)."""
        problem = ImportProblem(self.where(path, note_id), message, severity)
        if problem not in self.problems:
            self.problems.append(problem)

    def card(self, row: CardRow, path: tuple[str, ...]) -> CardFile | None:
        """The StudyBot card for one Anki card, or None after noting why it cannot be made."""
        note = self.collection.notes.get(row.note_id)
        notetype = self.collection.notetypes.get(note.notetype_id) if note else None
        if note is None or notetype is None:
            self.problem(path, row.note_id, "its note or note type is missing from the package; not imported")
            return None
        template_ord = 0 if notetype.cloze else row.ord
        if template_ord >= len(notetype.templates):
            self.problem(path, note.id, f"its card {row.ord + 1} has no template in “{notetype.name}”; not imported")
            return None
        fields = dict(zip(notetype.fields, (*note.fields, *[""] * len(notetype.fields)), strict=False))
        question, answer = notetype.templates[template_ord]
        try:
            front_html, back_html = card_sides(question, answer, fields, row.ord + 1 if notetype.cloze else 0)
        except TemplateError as exc:
            self.problem(path, note.id, f"{exc}; not imported")
            return None
        front, back = html_to_markdown(front_html), html_to_markdown(back_html)
        left_out = list(dict.fromkeys(front.left_out + back.left_out))
        if left_out:
            self.problem(path, note.id, f"left out {', '.join(left_out)} (a course pack cannot carry media)", "warning")
        if not front.markdown or not back.markdown:
            side = "front" if not front.markdown else "back"
            self.problem(path, note.id, f"card {row.ord + 1} has nothing left on its {side} once HTML and media "
                                        "are taken out; not imported")
            return None
        return CardFile(id=self.card_id(note, row), front=front.markdown, back=back.markdown)

    def card_id(self, note: Note, row: CardRow) -> str:
        """The id a StudyBot export gave the note, else one made of the note id and the card's number."""
        kept = note.guid.removeprefix(GUID_PREFIX)
        if (note.guid.startswith(GUID_PREFIX) and self.cards_of_note[note.id] == 1 and ID.match(kept)
                and len(kept) <= MAX_ID and kept not in self.ids):
            self.ids.add(kept)
            return kept
        return unique(f"n{note.id}.{row.ord + 1}", self.ids)

    def draft(self, decks: list[_Deck], file_name: str) -> DraftPack:
        """The pack's files: a section per top-level deck, a topic per deck that has cards."""
        topic_ids: set[str] = set(self.ids)
        topics: list[TopicFile] = []
        sections: dict[str, tuple[str, list[str]]] = {}
        for deck in decks:
            topic_id = unique(slug("-".join(deck.path), "deck"), topic_ids)
            parts = [part.strip() for part in deck.path if part.strip()] or ["Untitled deck"]
            title = " › ".join(parts[1:]) or parts[0]
            count = f"{len(deck.cards)} card{'' if len(deck.cards) == 1 else 's'}"
            summary = shorten(f"{count} from the Anki deck “{'::'.join(deck.path)}”.", 200)
            topics.append(TopicFile(id=topic_id, title=title, summary=summary, cards=deck.cards))
            section = sections.setdefault(parts[0], (unique(slug(parts[0], "deck"), topic_ids), []))
            section[1].append(topic_id)
        tops = list(sections)
        course = CourseFile(
            id=self.course_id,
            title=tops[0] if len(tops) == 1 else Path(file_name).stem,
            description=f"Imported from the Anki package {file_name}: "
                        f"{sum(len(d.cards) for d in decks)} cards in {len(decks)} decks.",
            requires=["cards"],
            sections=[SectionFile(id=sid, title=name, topics=ids) for name, (sid, ids) in sections.items()],
        )
        return DraftPack(course, tuple(topics))
