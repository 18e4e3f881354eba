"""A console conversation: typed lines in, core messages out, with buttons by number or letter."""

from __future__ import annotations

import itertools
import uuid
from enum import Enum

from adapters.console.render import button_keys, enter_button, numbers_are_topics, topic_button, visible
from bot import actions
from bot.app import StudyBot
from bot.messages import Kind, Message
from bot.usecases.context import Actor

CONSOLE_WORKSPACE = "local"
CONSOLE_CHANNEL = "console"
NAME_LENGTH = 64
DEFAULT_NAME = "learner"

Reply = Message | str | None
"""What a typed line gets: a message, a one-line hint, or nothing at all."""


def console_name(user: str) -> str:
    """The user name as given, on one line, with control characters made visible and a length cap."""
    return visible(" ".join(user.split()))[:NAME_LENGTH] or DEFAULT_NAME


def console_actor(user: str) -> Actor:
    """The console user: an admin of their own local workspace."""
    name = console_name(user)
    return Actor(
        platform="console",
        workspace_id=CONSOLE_WORKSPACE,
        workspace_name="Console",
        user_id=name,
        user_name=name,
        channel_id=CONSOLE_CHANNEL,
        channel_name=CONSOLE_CHANNEL,
        is_admin=True,
    )


class Intent(Enum):
    """What a typed line asks for."""

    COMMAND = "command"  # a /study command, typed in full or as its bare words
    TOPIC = "topic"  # a topic's number typed where topics are listed by number: its lesson
    PRESS = "press"  # a button of the open message, by its key or label, or Enter for its default
    HINT = "hint"  # anything else while a question waits for its answer or grade
    NOTHING = "nothing"  # a bare Enter with nothing to press


class ConsoleSession:
    """One learner at a terminal.

    The latest message with buttons stays open, so its buttons can be pressed by number or letter
    even after other commands; Enter presses the default button of the message just shown.
    """

    def __init__(self, bot: StudyBot, user: str) -> None:
        self.bot = bot
        self.actor = console_actor(user)
        self.open: Message | None = None
        self._open_is_latest = False
        self._session = uuid.uuid4().hex[:8]
        self._counter = itertools.count(1)

    async def handle(self, line: str) -> Reply:
        """React to one typed line."""
        intent, value = self._meaning(line)
        if intent in (Intent.COMMAND, Intent.TOPIC):
            return self._shown(await self.bot.dispatch(self.actor, value))
        if intent is Intent.PRESS:
            delivery = f"console:{self._session}:{next(self._counter)}"
            return self._shown(await self.bot.click(self.actor, value, delivery))
        return self._hint() if intent is Intent.HINT else None

    def _meaning(self, line: str) -> tuple[Intent, str]:
        """What `line` asks for, with the command to run or the button action to press."""
        text = line.strip()
        if text.startswith("/"):
            return Intent.COMMAND, text
        action = self._button_for(text) if text else self._enter_action()
        if action is not None:
            return Intent.PRESS, action
        if self._awaiting_answer():
            return Intent.HINT, ""
        if not text:
            return Intent.NOTHING, ""
        return self._topic(text) or (Intent.COMMAND, f"/study {text}")

    def _topic(self, text: str) -> tuple[Intent, str] | None:
        """A topic's number typed where topics are listed by number: its button if shown, else its lesson."""
        number = text.rstrip(".)")
        if self.open is None or not numbers_are_topics(self.open) or not (number.isascii() and number.isdigit()):
            return None
        button = topic_button(self.open, number)
        if button is not None:
            return Intent.PRESS, button.action
        return Intent.TOPIC, " ".join(["/study lesson", *self._course_of_open(), number])

    def _course_of_open(self) -> list[str]:
        """The id of the course the open message's buttons are in, if they name a served one."""
        assert self.open is not None
        for button in self.open.buttons:
            try:
                key = actions.decode(button.action).course
            except actions.BadActionError:
                continue
            course = self.bot.core.catalogue.by_key(key) if key else None
            if course is not None:
                return [course.id]
        return []

    def is_command(self, line: str) -> bool:
        """Whether `line` is a command worth keeping in the history (not a button press or a typo)."""
        return self._meaning(line)[0] is Intent.COMMAND

    def _shown(self, message: Message) -> Message:
        if message.buttons:
            self.open = message
        self._open_is_latest = bool(message.buttons)
        return message

    def _awaiting_answer(self) -> bool:
        """A quiz question or a self-grade is open: only its letters or numbers (or a /command) fit."""
        return self.open is not None and self.open.kind in (Kind.QUIZ, Kind.REVEAL)

    def _hint(self) -> str:
        assert self.open is not None
        if self.open.kind is Kind.QUIZ and self.open.choices:
            first, last = self.open.choices[0].letter, self.open.choices[-1].letter
            return f"Answer with {first}-{last}, or type a /study command."
        labels = ", ".join(b.label for b in self.open.buttons)
        return f"Grade yourself with 1-{len(self.open.buttons)} ({labels}), or type a /study command."

    def _enter_action(self) -> str | None:
        if self.open is None or not self._open_is_latest:
            return None
        button = enter_button(self.open)
        return button.action if button is not None else None

    def _button_for(self, text: str) -> str | None:
        """The action of the open message's button that `text` presses: its key, or its label (a quiz's number)."""
        last = self.open
        if last is None or not text:
            return None
        typed = text.lower().rstrip(".)")
        for i, (key, button) in enumerate(zip(button_keys(last), last.buttons, strict=False)):
            other = str(i + 1) if last.kind is Kind.QUIZ else button.label.lower()
            if typed in (key.lower(), other):
                return button.action
        return None
