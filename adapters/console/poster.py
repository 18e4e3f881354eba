"""Daily drops and reminders in the console: printed in the terminal as they fall due."""

from __future__ import annotations

import itertools

from rich.console import Console
from rich.text import Text

from adapters.console.render import renderable, visible
from bot.messages import Message


class ConsolePoster:
    """Prints drops for any console channel into this terminal."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._ids = itertools.count(1)
        self._posted: dict[str, str] = {}

    async def post(self, channel_id: str, message: Message, idempotency_key: str) -> str:
        """Print the drop once per key, labelled with its channel."""
        return self._print(f"#{visible(channel_id)}", "daily drop", message, idempotency_key)

    async def post_direct(self, user_id: str, message: Message, idempotency_key: str) -> str:
        """Print the reminder once per key, labelled with the learner it is for."""
        return self._print(f"@{visible(user_id)}", "reminder", message, idempotency_key)

    def _print(self, where: str, what: str, message: Message, idempotency_key: str) -> str:
        if idempotency_key in self._posted:
            return self._posted[idempotency_key]
        self.console.print(Text.assemble((where, "bold"), f" · {what}"))
        self.console.print(renderable(message))
        message_id = self._posted[idempotency_key] = f"console-{next(self._ids)}"
        return message_id
