"""The console as a test driver: type a line, get back the plain text the console printed.

`ConsoleDriver` runs the console's real conversation loop (`converse`) on a real `ConsoleSession`
and StudyBot, in-process, with a script of typed lines instead of a terminal and a recording
console instead of the screen: what a learner would see, without colours, in milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from pathlib import Path

from rich.console import Console

from adapters.console.render import renderable
from adapters.console.runner import converse
from adapters.console.session import ConsoleSession
from bot.app import StudyBot
from bot.messages import Message


def plain_console(width: int = 80, height: int = 24) -> Console:
    """A console of `width` x `height` that records what it prints, without colours or a terminal."""
    return Console(
        width=width,
        height=height,
        color_system=None,
        force_terminal=False,
        highlight=False,
        record=True,
        file=io.StringIO(),
    )


def as_text(message: Message, width: int = 80) -> str:
    """The message as plain text, as a terminal of `width` columns without colours shows it."""
    console = plain_console(width)
    console.print(renderable(message))
    return console.export_text()


class ConsoleDriver:
    """The console conversation of one learner on a real StudyBot, typed into line by line.

    `interactive` is a person at a prompt (a greeting, long messages a screen at a time);
    otherwise lines come as from a pipe (each echoed, nothing paged).
    """

    def __init__(
        self, bot: StudyBot, files: Path, user: str = "ada", *, width: int = 80, height: int = 24,
        interactive: bool = True,
    ) -> None:
        self.session = ConsoleSession(bot, user)
        self.files = files
        self.console = plain_console(width, height)
        self.prompt: str | None = None
        self.remembered: list[str] = []
        self._interactive = interactive
        self._typed: asyncio.Queue[str | None] = asyncio.Queue()
        self._asked = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    @property
    def interactive(self) -> bool:
        """Whether a person types at a prompt."""
        return self._interactive

    @property
    def started(self) -> bool:
        """Whether `start()` began the conversation."""
        return self._loop is not None

    @property
    def finished(self) -> bool:
        """Whether the conversation has ended (`exit`, or the end of input)."""
        return self._loop is not None and self._loop.done()

    async def read(self, prompt: str) -> str | None:
        """The console asks for a line: the next one the test types."""
        self.prompt = prompt
        self._asked.set()
        return await self._typed.get()

    def remember(self, line: str) -> None:
        """The console keeps a command in its history."""
        self.remembered.append(line)

    async def start(self) -> str:
        """Start the conversation; what is printed before the first prompt (the greeting)."""
        self._loop = asyncio.create_task(converse(self.session, self, self.console, self.files))
        return await self._printed_until_asked()

    async def push(self, line: str) -> str:
        """Type `line` and Enter; what the console prints before it asks for the next line."""
        assert not self.finished, "the conversation has ended"
        self._typed.put_nowait(line)
        return await self._printed_until_asked()

    async def end(self) -> str:
        """Ctrl-D: end the input; what the console prints on its way out."""
        if not self.finished:
            self._typed.put_nowait(None)
        return await self._printed_until_asked()

    async def _printed_until_asked(self) -> str:
        assert self._loop is not None, "start() the driver first"
        self._asked.clear()
        asked = asyncio.create_task(self._asked.wait())
        try:
            await asyncio.wait((asked, self._loop), return_when=asyncio.FIRST_COMPLETED)
        finally:
            asked.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asked
        if self._loop.done():
            self.prompt = None
            self._loop.result()  # the conversation's error, if it failed
        return self.console.export_text(clear=True)
