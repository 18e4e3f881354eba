"""A console conversation: typed lines in, core messages out, with buttons by number or letter."""

from __future__ import annotations

import itertools
import uuid

from bot.app import StudyBot
from bot.messages import Kind, Message, error
from bot.usecases.context import Actor

CONSOLE_WORKSPACE = "local"
CONSOLE_CHANNEL = "console"


def console_actor(user: str) -> Actor:
    """The console user: an admin of their own local workspace."""
    return Actor(
        platform="console",
        workspace_id=CONSOLE_WORKSPACE,
        workspace_name="Console",
        user_id=user,
        user_name=user,
        channel_id=CONSOLE_CHANNEL,
        channel_name=CONSOLE_CHANNEL,
        is_admin=True,
    )


class ConsoleSession:
    """One learner at a terminal; remembers the last message so its buttons can be pressed."""

    def __init__(self, bot: StudyBot, user: str) -> None:
        self.bot = bot
        self.actor = console_actor(user)
        self.last: Message | None = None
        self._session = uuid.uuid4().hex[:8]
        self._counter = itertools.count(1)

    async def handle(self, line: str) -> Message | None:
        """React to one typed line; None when there is nothing to say (a blank line, no buttons)."""
        text = line.strip()
        if text.startswith("/") or (
            text and self._button_for(text) is None and not self._is_answer(text)
        ):
            message = await self.bot.dispatch(
                self.actor, text if text.startswith("/") else f"/study {text}"
            )
        else:
            action = self._button_for(text) if text else self._default_button()
            if action is None:
                return None
            delivery = f"console:{self._session}:{next(self._counter)}"
            message = await self.bot.click(self.actor, action, delivery)
        if not message.is_error or message.buttons:
            self.last = message
        return message

    def _is_answer(self, text: str) -> bool:
        last = self.last
        return last is not None and last.kind is Kind.QUIZ and self._button_for(text) is not None

    def _default_button(self) -> str | None:
        if self.last is None or not self.last.buttons or self.last.kind is Kind.QUIZ:
            return None
        return self.last.buttons[0].action

    def _button_for(self, text: str) -> str | None:
        last = self.last
        if last is None or not last.buttons:
            return None
        key = text.strip().lower().rstrip(".)")
        if last.kind is Kind.QUIZ:
            for i, choice in enumerate(last.choices):
                if key in (choice.letter.lower(), str(i + 1)):
                    return last.buttons[i].action
            return None
        for i, button in enumerate(last.buttons):
            if key in (str(i + 1), button.label.lower()):
                return button.action
        return None


def not_understood(text: str) -> Message:
    """What the console says to a line it cannot use."""
    return error(f"I didn't understand “{text}”", "Type `/study help` for the commands.")
