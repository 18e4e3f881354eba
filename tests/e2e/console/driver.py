"""The console as a test driver: push a typed line, get back the text the terminal shows."""

from __future__ import annotations

import io

from rich.console import Console

from adapters.console.render import renderable
from adapters.console.session import ConsoleSession
from bot.app import StudyBot
from bot.messages import Message


def as_text(message: Message, width: int = 80) -> str:
    """The message as plain text, as a terminal of `width` columns without colours shows it."""
    console = Console(width=width, color_system=None, force_terminal=False, record=True, file=io.StringIO())
    console.print(renderable(message))
    return console.export_text()


class ConsoleDriver:
    """A `ConsoleSession` on a real StudyBot; `push` returns what the console would print."""

    def __init__(self, bot: StudyBot, user: str = "ada", width: int = 80) -> None:
        self.session = ConsoleSession(bot, user)
        self.width = width

    async def push(self, line: str) -> str:
        """Type one line; the reply as plain text ("" when the console prints nothing)."""
        reply = await self.session.handle(line)
        if reply is None:
            return ""
        if isinstance(reply, str):
            return reply
        return as_text(reply, self.width)
