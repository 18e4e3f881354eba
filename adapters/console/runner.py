"""Run the console adapter: an interactive prompt, or commands read line by line from a pipe."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Protocol, TextIO

from rich.console import Console
from rich.markup import escape
from rich.segment import Segments
from rich.text import Text

from adapters.console.files import save
from adapters.console.poster import ConsolePoster
from adapters.console.render import renderable, visible
from adapters.console.session import ConsoleSession
from adapters.console.terminal import LineReader
from bot.app import StudyBot
from bot.messages import Message
from bot.posting import Posters

WELCOME = (
    "StudyBot · {title}\n"
    "You are [bold]{user}[/bold] in a local channel.\n"
    "Try [bold]/study quiz[/bold], [bold]/study lesson[/bold] or [bold]/study help[/bold]; "
    "Ctrl-D or [bold]exit[/bold] quits."
)
PROMPT = "study> "
MORE = "-- more (Enter), or type a command -- "
EXITS = ("exit", "quit", "/exit", "/quit")


class Lines(Protocol):
    """Where typed lines come from: a terminal or a pipe (`LineReader`), or a script of lines."""

    @property
    def interactive(self) -> bool:
        """Whether a person types at a prompt (a greeting, no echo, long messages paged)."""
        ...

    async def read(self, prompt: str) -> str | None:
        """The next line, asked for with `prompt`; None when input ended."""
        ...

    def remember(self, line: str) -> None:
        """Keep a command in the history."""
        ...


async def run_console(
    bot: StudyBot,
    user: str,
    stdin: TextIO | None = None,
    out: Console | None = None,
    posters: Posters | None = None,
    history: Path | None = None,
    files: Path | None = None,
) -> None:
    """Serve one learner until end of input, `exit` or Ctrl-D (or until cancelled); daily drops print here too.

    In a terminal the prompt edits lines and keeps a history in `history`; long messages are paged.
    Files that come with a message (`/study export-me`) are saved in `files` and their paths printed.
    """
    reader = LineReader(stdin or sys.stdin, history)
    console = out or Console(highlight=False)
    if posters is not None:
        posters.register("console", ConsolePoster(console))
    try:
        await converse(ConsoleSession(bot, user), reader, console, files)
    except asyncio.CancelledError:  # Ctrl-C, a closed terminal or `kill`
        if reader.interactive:
            console.print()  # the shell's prompt starts on a line of its own
        raise
    finally:
        reader.close()


async def converse(session: ConsoleSession, reader: Lines, console: Console, files: Path | None = None) -> None:
    """Answer each line read until end of input or `exit`, printing the replies on `console`.

    A reply's files are saved in `files` (the current folder when none is given).
    """
    if reader.interactive:
        title, name = escape(visible(session.bot.course_title)), escape(session.actor.user_name)
        console.print(WELCOME.format(title=title, user=name))
    pending: str | None = None
    while True:
        line = pending if pending is not None else await reader.read(PROMPT)
        pending = None
        if line is None or line.strip().lower() in EXITS:
            return
        if not reader.interactive and line.strip():
            console.print(f"> {visible(line.strip())}", highlight=False, markup=False)
        if session.is_command(line):
            reader.remember(line.strip())
        reply = await session.handle(line)
        if isinstance(reply, str):
            console.print(Text(visible(reply), style="dim italic"))
        elif reply is not None:
            pending = await _show(reply, console, reader)
            for path in save(reply.attachments, files or Path.cwd()):
                console.print(Text(f"📎 Saved to {path}"), highlight=False)


async def _show(message: Message, console: Console, reader: Lines) -> str | None:
    """Print a message; in a terminal, one screen at a time so its title does not scroll away.

    Returns a line typed at a "more" prompt instead of Enter (the next command), if any.
    """
    if not reader.interactive:
        console.print(renderable(message))
        return None
    lines = console.render_lines(renderable(message), console.options, new_lines=True)
    page = max(console.height - 2, 3)
    if len(lines) <= console.height - 1:
        console.print(Segments(segment for line in lines for segment in line))
        return None
    for start in range(0, len(lines), page):
        console.print(Segments(segment for line in lines[start : start + page] for segment in line))
        if start + page >= len(lines):
            return None
        answer = await reader.read(MORE)
        if answer is None:
            return EXITS[0]  # Ctrl-D at the "more" prompt leaves, as it does at the prompt
        if answer.strip():
            return answer
        if console.is_terminal:
            console.file.write("\x1b[1A\x1b[2K")  # erase the "more" line: the text reads on
    return None
