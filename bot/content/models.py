"""Immutable, typed objects for a loaded course pack."""

from __future__ import annotations

import base64
import hashlib
from functools import cached_property

from pydantic import BaseModel, ConfigDict


def course_key(course_id: str) -> str:
    """A course's key in button ids: 6 lowercase base32 characters of a digest of its id.

    Short whatever the id's length, so a button id stays within Discord's 100 characters.
    """
    digest = hashlib.blake2b(course_id.encode("utf-8"), digest_size=5).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:6]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class QuizQuestion(_Frozen):
    """A multiple-choice question with one correct choice."""

    id: str
    prompt: str
    choices: tuple[str, ...]
    answer: int
    explanation: str
    difficulty: int
    topic_id: str = ""

    @property
    def correct_choice(self) -> str:
        """The text of the correct choice."""
        return self.choices[self.answer]


class InterviewQuestion(_Frozen):
    """An open question with a model answer and a rubric for self-grading."""

    id: str
    prompt: str
    model_answer: str
    rubric: tuple[str, ...]
    topic_id: str = ""


class Card(_Frozen):
    """A flash card: recall the back from the front, then grade yourself like an interview answer."""

    id: str
    front: str
    back: str
    topic_id: str = ""


SelfGraded = InterviewQuestion | Card
"""A question the learner grades themselves (Again, Hard, Good, Easy) and FSRS schedules."""

PARTS = ("lesson", "key_points", "references", "quiz", "interview", "cards")
"""What a topic can hold, in the order messages name them; a pack requires some of them."""
FULL_COURSE = ("lesson", "key_points", "references", "quiz", "interview")
"""What every topic of a pack holds unless its course.yaml says otherwise (`requires`)."""


class Topic(_Frozen):
    """One lesson of the course with its questions and cards."""

    id: str
    title: str
    summary: str
    lesson: str = ""
    key_points: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    quiz: tuple[QuizQuestion, ...] = ()
    interview: tuple[InterviewQuestion, ...] = ()
    cards: tuple[Card, ...] = ()
    tags: tuple[str, ...] = ()
    section_id: str = ""

    def missing(self, required: tuple[str, ...]) -> list[str]:
        """The parts of `required` (names from `PARTS`) that this topic does not have yet."""
        return [name for name in required if not getattr(self, name)]

    @property
    def self_graded(self) -> tuple[SelfGraded, ...]:
        """The questions learners grade themselves: interview questions, then cards."""
        return (*self.interview, *self.cards)


class Section(_Frozen):
    """A group of topics in syllabus order."""

    id: str
    title: str
    topic_ids: tuple[str, ...]


class Course(_Frozen):
    """A whole course pack: sections, topics and every question, indexed by id."""

    id: str
    title: str
    description: str
    sections: tuple[Section, ...]
    topics: tuple[Topic, ...]
    requires: tuple[str, ...] = FULL_COURSE

    @cached_property
    def key(self) -> str:
        """The course's short, stable key in button ids (`course_key` of its id)."""
        return course_key(self.id)

    @cached_property
    def topic_by_id(self) -> dict[str, Topic]:
        """Topics indexed by id."""
        return {t.id: t for t in self.topics}

    @cached_property
    def section_by_id(self) -> dict[str, Section]:
        """Sections indexed by id."""
        return {s.id: s for s in self.sections}

    @cached_property
    def quiz_by_id(self) -> dict[str, QuizQuestion]:
        """Quiz questions indexed by their stable id."""
        return {q.id: q for t in self.topics for q in t.quiz}

    @cached_property
    def quiz_ids(self) -> tuple[str, ...]:
        """The ids of every quiz question, in syllabus order."""
        return tuple(self.quiz_by_id)

    @cached_property
    def interview_by_id(self) -> dict[str, InterviewQuestion]:
        """Interview questions indexed by their stable id."""
        return {q.id: q for t in self.topics for q in t.interview}

    @cached_property
    def card_by_id(self) -> dict[str, Card]:
        """Cards indexed by their stable id."""
        return {c.id: c for t in self.topics for c in t.cards}

    @cached_property
    def self_graded_by_id(self) -> dict[str, SelfGraded]:
        """Interview questions and cards indexed by their stable id."""
        return {q.id: q for t in self.topics for q in t.self_graded}

    def is_complete(self, topic: Topic) -> bool:
        """Whether `topic` has everything this pack requires of its topics."""
        return not topic.missing(self.requires)

    @cached_property
    def topic_numbers(self) -> dict[str, int]:
        """Each topic's 1-based place in the syllabus, by id."""
        return {t.id: n for n, t in enumerate(self.topics, start=1)}

    def topic_number(self, topic_id: str) -> int:
        """The 1-based place of a topic in the syllabus (ValueError for a topic not in the course)."""
        number = self.topic_numbers.get(topic_id)
        if number is None:
            raise ValueError(f"{topic_id!r} is not a topic of {self.id!r}")
        return number
