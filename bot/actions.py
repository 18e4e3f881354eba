"""Opaque button ids: everything a click needs travels in the id, so buttons survive restarts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import Enum

PREFIX = "sb1"
SEP = ":"
MAX_LENGTH = 100  # Discord's custom_id limit, the tightest of the platforms


class Verb(Enum):
    """What a button does."""

    ANSWER = "a"  # answer a quiz instance: question, instance, choice
    NEXT = "n"  # next quiz question, optionally within a topic
    QUIZ_TOPIC = "q"  # "Quiz me on this" under a lesson: topic
    REVEAL = "r"  # reveal an interview model answer: question, instance
    GRADE = "g"  # self-grade an interview answer: question, instance, grade
    INTERVIEW = "i"  # another interview question, optionally within a topic
    LESSON = "l"  # open a lesson: topic
    TOPICS = "s"  # the syllabus, or one section of it: section (optional)


@dataclass(frozen=True)
class Action:
    """A decoded button id."""

    verb: Verb
    args: tuple[str, ...] = ()

    def encode(self) -> str:
        """The id to put on the button."""
        text = SEP.join((PREFIX, self.verb.value, *self.args))
        if len(text) > MAX_LENGTH:
            raise ValueError(f"action id longer than {MAX_LENGTH} characters: {text}")
        return text


class BadActionError(ValueError):
    """A button id that StudyBot did not make, or that is damaged."""


def decode(text: str) -> Action:
    """Parse a button id made by `Action.encode`."""
    parts = text.split(SEP)
    if len(parts) < 2 or parts[0] != PREFIX:
        raise BadActionError(f"not a StudyBot button: {text!r}")
    try:
        verb = Verb(parts[1])
    except ValueError as exc:
        raise BadActionError(f"unknown button verb in {text!r}") from exc
    return Action(verb, tuple(parts[2:]))


def new_instance() -> str:
    """A fresh id for one showing of a question (10 url-safe characters)."""
    return secrets.token_urlsafe(8)[:10]


SCOPED = "t"


def answer(question_id: str, instance: str, choice: int, scoped: bool = False) -> str:
    """Button id for answering `choice` of a quiz instance (`scoped`: the quiz keeps to one topic)."""
    args = (question_id, instance, str(choice)) + ((SCOPED,) if scoped else ())
    return Action(Verb.ANSWER, args).encode()


def next_quiz(topic_id: str = "") -> str:
    """Button id for the next quiz question."""
    return Action(Verb.NEXT, (topic_id,)).encode()


def quiz_topic(topic_id: str) -> str:
    """Button id for "Quiz me on this"."""
    return Action(Verb.QUIZ_TOPIC, (topic_id,)).encode()


def reveal(question_id: str, instance: str) -> str:
    """Button id for revealing a model answer."""
    return Action(Verb.REVEAL, (question_id, instance)).encode()


def grade(question_id: str, instance: str, grade_name: str) -> str:
    """Button id for a self-grade."""
    return Action(Verb.GRADE, (question_id, instance, grade_name)).encode()


def interview(topic_id: str = "") -> str:
    """Button id for another interview question."""
    return Action(Verb.INTERVIEW, (topic_id,)).encode()


def lesson(topic_id: str) -> str:
    """Button id for opening a lesson."""
    return Action(Verb.LESSON, (topic_id,)).encode()


def topics(section_id: str = "") -> str:
    """Button id for the syllabus (or one of its sections)."""
    return Action(Verb.TOPICS, (section_id,) if section_id else ()).encode()
