"""A course as an Anki package, so a learner can study it offline: a deck per topic, a note per question.

Every card, quiz question and interview question becomes a note of one two-field note type
(front, back) whose guid carries the question's id, so exporting again updates the notes in
Anki instead of adding copies, and importing the package back keeps the ids.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import genanki

from bot.content.anki.importer import GUID_PREFIX
from bot.content.markup import markdown_to_html
from bot.content.models import Course, InterviewQuestion, QuizQuestion, Topic

MODEL_ID = 1_739_406_211  # fixed: the note type stays the same across exports
LETTERS = "ABCD"
MODEL = genanki.Model(
    MODEL_ID,
    "StudyBot",
    fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
    css=".card { font-family: sans-serif; font-size: 18px; text-align: left; }",
)


@dataclass(frozen=True)
class Exported:
    """What an export wrote: decks and notes."""

    decks: int
    notes: int


def _deck_id(course: Course, topic: Topic) -> int:
    """A stable deck id for a topic, in the range Anki's own ids use."""
    digest = hashlib.sha256(f"{course.id}/{topic.id}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def _note(question_id: str, front: str, back: str) -> genanki.Note:
    return genanki.Note(model=MODEL, fields=[markdown_to_html(front), markdown_to_html(back)],
                        guid=GUID_PREFIX + question_id)


def _quiz_note(q: QuizQuestion) -> genanki.Note:
    choices = "\n".join(f"- **{letter}.** {choice}" for letter, choice in zip(LETTERS, q.choices, strict=False))
    answer = f"**{LETTERS[q.answer]}.** {q.correct_choice}\n\n{q.explanation}"
    return _note(q.id, f"{q.prompt}\n\n{choices}", answer)


def _interview_note(q: InterviewQuestion) -> genanki.Note:
    rubric = "\n".join(f"- {point}" for point in q.rubric)
    return _note(q.id, q.prompt, f"{q.model_answer}\n\n**A good answer makes these points:**\n\n{rubric}")


def _deck(course: Course, topic: Topic, width: int) -> genanki.Deck:
    """The topic's deck, named so Anki lists the decks in syllabus order; its lesson as the description."""
    number = f"{course.topic_number(topic.id):0{width}d}"
    description = markdown_to_html(f"{topic.summary}\n\n{topic.lesson}".strip())
    name = "::".join(part.replace("::", ":") for part in (course.title, f"{number} {topic.title}"))
    deck = genanki.Deck(_deck_id(course, topic), name, description)
    for q in topic.quiz:
        deck.add_note(_quiz_note(q))
    for iq in topic.interview:
        deck.add_note(_interview_note(iq))
    for card in topic.cards:
        deck.add_note(_note(card.id, card.front, card.back))
    return deck


def export_anki(course: Course, out: Path) -> Exported:
    """Write `course` to the Anki package `out`; what it holds."""
    width = len(str(len(course.topics)))
    decks = [_deck(course, topic, width) for topic in course.topics]
    genanki.Package(decks).write_to_file(str(out))
    return Exported(len(decks), sum(len(d.notes) for d in decks))
