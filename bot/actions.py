"""Button actions: one typed value per kind of button, each encoding itself as the button's id.

Everything a click needs travels in the id (`sb1:<verb>:<parts>`), so buttons survive restarts and
no view state lives in memory; `decode` turns an id back into its action, checking its shape. An
action within one course carries its key (`Course.key`): `sb2:<key>:<verb>:<parts>`.
An `sb1` id of such an action, made before several courses were served, is of the default course.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, fields, replace
from typing import ClassVar

from bot.boundary import button_parts_fit
from bot.domain.numbers import small_number

PREFIX = "sb1"
COURSE_PREFIX = "sb2"  # followed by the course's key
SEP = ":"
MAX_LENGTH = 100  # Discord's custom_id limit, the tightest of the platforms
SCOPED = "t"  # the last part of an answer whose quiz keeps to one topic


class BadActionError(ValueError):
    """A button id that StudyBot did not make."""


class DamagedActionError(BadActionError):
    """A StudyBot button id whose parts are not the ones its kind carries, or do not fit the store."""


@dataclass(frozen=True)
class _Action:
    """What every kind of action has: a verb, the parts that follow it, and so an id."""

    verb: ClassVar[str]
    course: str = field(default="", kw_only=True)
    """The key of the course the action is in; empty for the default course (or none)."""

    def parts(self) -> tuple[str, ...]:
        """What follows the verb in the id: every field but the course, in order."""
        return tuple(str(getattr(self, f.name)) for f in fields(self) if f.name != "course")

    def encode(self) -> str:
        """The id to put on the button."""
        head = (COURSE_PREFIX, self.course) if self.course else (PREFIX,)
        text = SEP.join((*head, self.verb, *self.parts()))
        if len(text) > MAX_LENGTH:
            raise ValueError(f"action id longer than {MAX_LENGTH} characters: {text}")
        return text


@dataclass(frozen=True)
class Answer(_Action):
    """Answer `choice` of one showing (`instance`) of a quiz question; `scoped`: the quiz keeps to one topic."""

    question_id: str
    instance: str
    choice: int
    scoped: bool = False
    verb = "a"

    def parts(self) -> tuple[str, ...]:
        """The question, the showing, the choice, and the scope mark when scoped."""
        return (self.question_id, self.instance, str(self.choice), *((SCOPED,) if self.scoped else ()))


@dataclass(frozen=True)
class Reveal(_Action):
    """Reveal the model answer of one showing of an interview question."""

    question_id: str
    instance: str
    verb = "r"


@dataclass(frozen=True)
class Grade(_Action):
    """Self-grade one showing of an interview question (the use case checks the grade's name)."""

    question_id: str
    instance: str
    grade: str
    verb = "g"


@dataclass(frozen=True)
class _OnTopic(_Action):
    """An action within one topic, or within all of them when `topic` is empty."""

    topic: str = ""


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
class Lesson(_Action):
    """Open a topic's lesson."""

    topic: str
    verb = "l"


@dataclass(frozen=True)
class Topics(_Action):
    """The syllabus, or one section of it."""

    section: str = ""
    verb = "s"

    def parts(self) -> tuple[str, ...]:
        """The section, when there is one."""
        return (self.section,) if self.section else ()


@dataclass(frozen=True)
class Mistakes(_Action):
    """A page of the learner's mistakes (`/study review`), from 0."""

    page: int = 0
    verb = "m"

    def parts(self) -> tuple[str, ...]:
        """The page, when it is not the first."""
        return (str(self.page),) if self.page else ()


@dataclass(frozen=True)
class Retry(_Action):
    """Ask a quiz question anew: the "Try again" button of a mistake."""

    question_id: str
    verb = "t"


@dataclass(frozen=True)
class Reviews(_Action):
    """The learner's own review queue: what is due for them now (the drop's "My reviews")."""

    verb = "d"


@dataclass(frozen=True)
class Forget(_Action):
    """Delete the learner's data: the confirmation of `/study forget-me`.

    It carries when it stops being valid (Unix seconds) and a digest of who asked, so only they
    can confirm it, and no id of theirs is in the button.
    """

    until: int
    owner: str
    verb = "f"


@dataclass(frozen=True)
class KeepData(_Action):
    """Keep the learner's data: the other answer to `/study forget-me`."""

    verb = "k"


@dataclass(frozen=True)
class StopReminders(_Action):
    """The reminder's **Stop reminders** button."""

    verb = "x"


@dataclass(frozen=True)
class RemindLater(_Action):
    """The reminder's **Remind me later today** button (one snooze a day)."""

    verb = "w"


Action = (
    Answer | Reveal | Grade | NextQuiz | QuizTopic | Interview | Lesson | Topics | Mistakes | Retry | Reviews
    | Forget | KeepData | StopReminders | RemindLater
)
KINDS: tuple[type[_Action], ...] = (
    Answer, Reveal, Grade, NextQuiz, QuizTopic, Interview, Lesson, Topics, Mistakes, Retry, Reviews, Forget, KeepData,
    StopReminders, RemindLater,
)
VERBS = frozenset(kind.verb for kind in KINDS)
OPTIONAL_PART = {kind.verb: kind for kind in (NextQuiz, QuizTopic, Interview, Topics)}
MAX_PAGE_DIGITS = 3
UNTIL_DIGITS = 12
MAX_KEY = 16
"""The kinds whose one part (a topic or a section) may be left out."""
NO_PARTS = {kind.verb: kind for kind in (StopReminders, RemindLater)}
"""The kinds that carry nothing but their verb."""


def decode(text: str) -> Action:
    """The action of a button id made by `encode`.

    Raises `BadActionError` for an id StudyBot did not make, and `DamagedActionError` for one
    whose parts are not what its kind carries or do not fit the store.
    """
    course = ""
    match text.split(SEP):
        case [prefix, verb, *parts] if prefix == PREFIX and verb in VERBS:
            pass
        case [prefix, key, verb, *parts] if prefix == COURSE_PREFIX and verb in VERBS:
            if not (key.isascii() and key.isalnum() and len(key) <= MAX_KEY):
                raise DamagedActionError(f"damaged StudyBot button: {text!r}")
            course = key
        case _:
            raise BadActionError(f"not a StudyBot button: {text!r}")
    action = _parsed(verb, parts) if button_parts_fit(tuple(parts)) else None
    if action is None:
        raise DamagedActionError(f"damaged StudyBot button: {text!r}")
    return replace(action, course=course) if course else action


def _parsed(verb: str, parts: list[str]) -> Action | None:
    """The action of kind `verb` with `parts`, or None when they are not the parts that kind carries."""
    match verb, parts:
        case Answer.verb, [question_id, instance, choice, *scope] if scope in ([], [SCOPED]):
            number = small_number(choice, 1)  # one ASCII digit
            return None if number is None else Answer(question_id, instance, number, bool(scope))
        case Reveal.verb, [question_id, instance]:
            return Reveal(question_id, instance)
        case Grade.verb, [question_id, instance, grade]:
            return Grade(question_id, instance, grade)
        case Lesson.verb, [topic]:
            return Lesson(topic)
        case Mistakes.verb, [] | [_]:
            page = small_number(parts[0], MAX_PAGE_DIGITS) if parts else 0
            return None if page is None else Mistakes(page)
        case Retry.verb, [question_id]:
            return Retry(question_id)
        case Reviews.verb, []:
            return Reviews()
        case KeepData.verb, []:
            return KeepData()
        case Forget.verb, [until, owner] if owner.isascii() and owner.isalnum():
            moment = small_number(until, UNTIL_DIGITS)
            return None if moment is None else Forget(moment, owner)
        case _, [] | [_] if verb in OPTIONAL_PART:
            return OPTIONAL_PART[verb](*parts)
        case _, [] if verb in NO_PARTS:
            return NO_PARTS[verb]()
    return None


def new_instance() -> str:
    """A fresh id for one showing of a question (10 url-safe characters)."""
    return secrets.token_urlsafe(8)[:10]
