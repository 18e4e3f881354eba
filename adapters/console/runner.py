"""Run the console adapter: an interactive prompt, or commands read line by line from a pipe."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from rich.console import Console

from adapters.console.poster import ConsolePoster
from adapters.console.render import renderable
from adapters.console.session import ConsoleSession
from bot.app import StudyBot
from bot.posting import Posters

WELCOME = (
    "StudyBot · {title}\n"
    "You are [bold]{user}[/bold] in a local channel. Try [bold]/study quiz[/bold], "
    "[bold]/study lesson[/bold] or [bold]/study help[/bold]; Ctrl-D or [bold]exit[/bold] quits."
)


async def run_console(
    bot: StudyBot,
    user: str,
    stdin: TextIO | None = None,
    out: Console | None = None,
    posters: Posters | None = None,
) -> None:
    """Serve one learner until end of input (or `exit`); daily drops print here too."""
    stdin = stdin or sys.stdin
    interactive = stdin.isatty()
    console = out or Console(highlight=False)
    if posters is not None:
        posters.register("console", ConsolePoster(console))
    session = ConsoleSession(bot, user)
    if interactive:
        console.print(WELCOME.format(title=bot.course_title, user=user))
    while True:
        line = await asyncio.to_thread(_read_line, stdin, interactive)
        if line is None or line.strip().lower() in ("exit", "quit", "/exit", "/quit"):
            break
        if not interactive and line.strip():
            console.print(f"> {line.strip()}", highlight=False, markup=False)
        message = await session.handle(line)
        if message is not None:
            console.print(renderable(message))


def _read_line(stdin: TextIO, interactive: bool) -> str | None:
    if interactive:
        try:
            return input("study> ")
        except EOFError:
            return None
    line = stdin.readline()
    return line if line else None
