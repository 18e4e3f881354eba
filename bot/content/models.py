"""Immutable, typed objects for a loaded course pack."""

from __future__ import annotations

from functools import cached_property

from pydantic import BaseModel, ConfigDict


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


class Topic(_Frozen):
    """One lesson of the course with its questions."""

    id: str
    title: str
    summary: str
    lesson: str = ""
    key_points: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    quiz: tuple[QuizQuestion, ...] = ()
    interview: tuple[InterviewQuestion, ...] = ()
    tags: tuple[str, ...] = ()
    section_id: str = ""

    @property
    def is_complete(self) -> bool:
        """Whether the topic has a lesson, key points, references and questions."""
        return bool(self.lesson and self.key_points and self.references and self.quiz and self.interview)


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
    def interview_by_id(self) -> dict[str, InterviewQuestion]:
        """Interview questions indexed by their stable id."""
        return {q.id: q for t in self.topics for q in t.interview}

    def topic_number(self, topic_id: str) -> int:
        """The 1-based place of a topic in the syllabus."""
        return [t.id for t in self.topics].index(topic_id) + 1
