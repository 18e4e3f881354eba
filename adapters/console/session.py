"""A console conversation: typed lines in, core messages out, with buttons by number or letter."""

from __future__ import annotations

import itertools
import uuid

from adapters.console.render import enter_button, visible
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
        text = line.strip()
        if text.startswith("/"):
            return self._shown(await self.bot.dispatch(self.actor, text))
        action = self._button_for(text) if text else self._enter_action()
        if action is not None:
            delivery = f"console:{self._session}:{next(self._counter)}"
            return self._shown(await self.bot.click(self.actor, action, delivery))
        if self._awaiting_answer():
            return self._hint()
        if not text:
            return None
        return self._shown(await self.bot.dispatch(self.actor, f"/study {text}"))

    def is_command(self, line: str) -> bool:
        """Whether `line` is a command worth keeping in the history (not a button press or a typo)."""
        text = line.strip()
        if text.startswith("/"):
            return True
        return bool(text) and self._button_for(text) is None and not self._awaiting_answer()

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
        last = self.open
        if last is None or not text:
            return None
        key = text.lower().rstrip(".)")
        if last.kind is Kind.QUIZ:
            for i, choice in enumerate(last.choices):
                if key in (choice.letter.lower(), str(i + 1)):
                    return last.buttons[i].action
            return None
        for i, button in enumerate(last.buttons):
            if key in (str(i + 1), button.label.lower()):
                return button.action
        return None
