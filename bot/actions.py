"""Button actions: one typed value per kind of button, each encoding itself as the button's id.

Everything a click needs travels in the id (`sb1:<verb>:<parts>`), so buttons survive restarts and
no view state lives in memory; `decode` turns an id back into its action, checking its shape.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Self

from bot.boundary import button_parts_fit
from bot.domain.numbers import small_number

PREFIX = "sb1"
SEP = ":"
MAX_LENGTH = 100  # Discord's custom_id limit, the tightest of the platforms
SCOPED = "t"  # the last part of an answer whose quiz keeps to one topic


class BadActionError(ValueError):
    """A button id that StudyBot did not make."""


class DamagedActionError(BadActionError):
    """A StudyBot button id whose parts are not the ones its kind carries, or do not fit the store."""


class Encoded:
    """What every action does: say what follows its verb, and so encode itself."""

    verb: ClassVar[str]

    def parts(self) -> tuple[str, ...]:
        """What follows the verb in the id."""
        raise NotImplementedError

    def encode(self) -> str:
        """The id to put on the button."""
        text = SEP.join((PREFIX, self.verb, *self.parts()))
        if len(text) > MAX_LENGTH:
            raise ValueError(f"action id longer than {MAX_LENGTH} characters: {text}")
        return text


@dataclass(frozen=True)
class Answer(Encoded):
    """Answer `choice` of one showing (`instance`) of a quiz question; `scoped`: the quiz keeps to one topic."""

    question_id: str
    instance: str
    choice: int
    scoped: bool = False
    verb = "a"

    def parts(self) -> tuple[str, ...]:
        """The question, the showing, the choice, and the scope mark when scoped."""
        return (self.question_id, self.instance, str(self.choice), *((SCOPED,) if self.scoped else ()))

    @classmethod
    def parse(cls, parts: list[str]) -> Self | None:
        """The answer in `parts`, or None when they are not one (the choice is one ASCII digit)."""
        match parts:
            case [question_id, instance, text, *scope] if scope in ([], [SCOPED]):
                choice = small_number(text, 1)
                return None if choice is None else cls(question_id, instance, choice, bool(scope))
        return None


@dataclass(frozen=True)
class Reveal(Encoded):
    """Reveal the model answer of one showing of an interview question."""

    question_id: str
    instance: str
    verb = "r"

    def parts(self) -> tuple[str, ...]:
        """The question and the showing."""
        return (self.question_id, self.instance)

    @classmethod
    def parse(cls, parts: list[str]) -> Self | None:
        """The reveal in `parts`, or None when they are not one."""
        match parts:
            case [question_id, instance]:
                return cls(question_id, instance)
        return None


@dataclass(frozen=True)
class Grade(Encoded):
    """Self-grade one showing of an interview question (the use case checks the grade's name)."""

    question_id: str
    instance: str
    grade: str
    verb = "g"

    def parts(self) -> tuple[str, ...]:
        """The question, the showing and the grade."""
        return (self.question_id, self.instance, self.grade)

    @classmethod
    def parse(cls, parts: list[str]) -> Self | None:
        """The grade in `parts`, or None when they are not one."""
        match parts:
            case [question_id, instance, grade]:
                return cls(question_id, instance, grade)
        return None


@dataclass(frozen=True)
class _OnTopic(Encoded):
    """An action within one topic, or within all of them when `topic` is empty."""

    topic: str = ""

    def parts(self) -> tuple[str, ...]:
        """The topic, empty or not."""
        return (self.topic,)

    @classmethod
    def parse(cls, parts: list[str]) -> Self | None:
        """The action in `parts` (a topic, or nothing), or None when they are not one."""
        match parts:
            case []:
                return cls()
            case [topic]:
                return cls(topic)
        return None


@dataclass(frozen=True)
class NextQuiz(_OnTopic):
    """The next quiz question, within a topic when one is given."""

    verb = "n"


@dataclass(frozen=True)
class QuizTopic(_OnTopic):
    """A quiz question of one topic: the "Quiz me on this" button."""

    verb = "q"


@dataclass(frozen=True)
class Interview(_OnTopic):
    """Another interview question, within a topic when one is given."""

    verb = "i"


@dataclass(frozen=True)
class Lesson(Encoded):
    """Open a topic's lesson."""

    topic: str
    verb = "l"

    def parts(self) -> tuple[str, ...]:
        """The topic."""
        return (self.topic,)

    @classmethod
    def parse(cls, parts: list[str]) -> Self | None:
        """The lesson in `parts`, or None when they are not one."""
        match parts:
            case [topic]:
                return cls(topic)
        return None


@dataclass(frozen=True)
class Topics(Encoded):
    """The syllabus, or one section of it."""

    section: str = ""
    verb = "s"

    def parts(self) -> tuple[str, ...]:
        """The section, when there is one."""
        return (self.section,) if self.section else ()

    @classmethod
    def parse(cls, parts: list[str]) -> Self | None:
        """The syllabus action in `parts` (a section, or nothing), or None when they are not one."""
        match parts:
            case []:
                return cls()
            case [section]:
                return cls(section)
        return None


Action = Answer | Reveal | Grade | NextQuiz | QuizTopic | Interview | Lesson | Topics
KINDS: dict[str, Callable[[list[str]], Action | None]] = {
    kind.verb: kind.parse for kind in (Answer, Reveal, Grade, NextQuiz, QuizTopic, Interview, Lesson, Topics)
}


def decode(text: str) -> Action:
    """The action of a button id made by `encode`.

    Raises `BadActionError` for an id StudyBot did not make, and `DamagedActionError` for one
    whose parts are not what its kind carries or do not fit the store.
    """
    match text.split(SEP):
        case [prefix, verb, *parts] if prefix == PREFIX and verb in KINDS:
            action = KINDS[verb](parts) if button_parts_fit(tuple(parts)) else None
        case _:
            raise BadActionError(f"not a StudyBot button: {text!r}")
    if action is None:
        raise DamagedActionError(f"damaged StudyBot button: {text!r}")
    return action


def new_instance() -> str:
    """A fresh id for one showing of a question (10 url-safe characters)."""
    return secrets.token_urlsafe(8)[:10]
