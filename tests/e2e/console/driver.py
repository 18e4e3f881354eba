"""The console as a test driver: push a typed line, get back the text the terminal shows."""

from __future__ import annotations

from adapters.console.render import to_text
from adapters.console.session import ConsoleSession
from bot.app import StudyBot


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
        return to_text(reply, self.width)
