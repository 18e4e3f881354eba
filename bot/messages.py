"""The platform-neutral message model that every use case returns and every adapter renders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum


class Visibility(Enum):
    """Who may see a message: only the person who asked, or the whole channel."""

    PRIVATE = "private"
    PUBLIC = "public"


class Kind(Enum):
    """What a message is, so renderers can lay it out (and pick colours or icons)."""

    LESSON = "lesson"
    QUIZ = "quiz"
    FEEDBACK = "feedback"
    INTERVIEW = "interview"
    REVEAL = "reveal"
    GRADED = "graded"
    STREAK = "streak"
    STATS = "stats"
    LEADERBOARD = "leaderboard"
    TEAM = "team"
    REVIEW = "review"
    TOPICS = "topics"
    SCHEDULE = "schedule"
    HELP = "help"
    INFO = "info"
    ERROR = "error"


class Style(Enum):
    """How prominent a button is."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    SUCCESS = "success"
    DANGER = "danger"


@dataclass(frozen=True)
class Button:
    """A button; `action` is an opaque id the adapter hands back to the core when clicked."""

    label: str
    action: str
    style: Style = Style.SECONDARY
    row: int | None = None  # buttons with the same row go on one line; None: packed in order


@dataclass(frozen=True)
class Field:
    """A short name/value pair shown beside the body."""

    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True)
class Choice:
    """One answer option of a quiz question, with its letter."""

    letter: str
    text: str


@dataclass(frozen=True)
class Attachment:
    """A file that goes with a message (a data export, a picture), sent by each platform its own way.

    `alt` describes it in words, for screen readers and where the file itself cannot be shown.
    """

    filename: str
    data: bytes
    mime: str
    alt: str

    def __post_init__(self) -> None:
        """A file needs a plain name (no folders), so every adapter can save or send it as it is."""
        if not self.filename or "/" in self.filename or "\\" in self.filename or self.filename.startswith("."):
            raise ValueError(f"not a plain file name: {self.filename!r}")


@dataclass(frozen=True)
class Message:
    """A message for a user or a channel: Markdown body, fields, buttons and a footer.

    The title and the footer are plain text (several platforms show them without Markdown).
    Attachments go with the message: a Discord attachment, a file in a Slack DM, a saved file in
    the console.
    """

    kind: Kind
    title: str
    body: str = ""
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    footer: str = ""
    visibility: Visibility = Visibility.PRIVATE
    choices: tuple[Choice, ...] = field(default=())
    attachments: tuple[Attachment, ...] = ()


def error(title: str, body: str = "") -> Message:
    """A friendly private error message."""
    return Message(kind=Kind.ERROR, title=title, body=body)


def info(title: str, body: str = "", *, buttons: tuple[Button, ...] = ()) -> Message:
    """A private informational message."""
    return Message(kind=Kind.INFO, title=title, body=body, buttons=buttons)


LETTERS = "ABCDEFGH"


CHANNEL_MENTION = re.compile(r"<#([A-Za-z0-9_.-]+)(?:\|([^<>|&]*))?>")
"""A channel named in a message's text, as `channel_mention` writes it: id, then name."""


def channel_mention(channel_id: str, name: str) -> str:
    """A channel in a message's text; each renderer shows it as its platform does (a live link, or `#name`)."""
    name = re.sub(r"[<>|&]", "", name)
    return f"<#{channel_id}|{name}>" if name else f"<#{channel_id}>"
