"""The console in-process under `studybot`'s signal handling: Ctrl-C while a command is being handled ends it at once.

It needs a real SIGINT delivered to this process, and `until_stopped`'s signal handlers installed, so it
runs `run_console` itself rather than the conversation driver of tests/integration/adapters/console.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
import threading

import pytest
from rich.console import Console

from adapters.console.runner import run_console
from bot import cli
from bot.app import ChannelReader, StudyBot
from bot.messages import Message
from bot.usecases.context import Actor


class StuckBot(StudyBot):
    """The real StudyBot, except that every command takes a minute (a database that hangs)."""

    def __init__(self, bot: StudyBot) -> None:
        super().__init__(bot.core)
        self.started = asyncio.Event()
        self.cancelled = False

    async def dispatch(self, actor: Actor, text: str, channels: ChannelReader | None = None) -> Message:
        """Hang after the command started."""
        self.started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return await super().dispatch(actor, text)


async def test_ctrl_c_while_a_command_runs_leaves_at_once(studybot: StudyBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGINT during a command cancels that command, the console ends at once, and the exit deadline is set."""
    deadline = threading.Event()
    monkeypatch.setattr(cli, "_leave_now", deadline.set)  # the process would leave here: this one is pytest's
    bot = StuckBot(studybot)
    read_end, write_end = os.pipe()
    previous = signal.signal(signal.SIGINT, lambda *_: None)  # without the handler of `until_stopped`: ignored
    stdin = os.fdopen(read_end)

    async def console() -> int:
        await run_console(bot, "ada", stdin=stdin, out=Console(file=io.StringIO()))
        return 1

    try:
        task = asyncio.create_task(cli.until_stopped(console()))
        os.write(write_end, b"/study quiz\n")
        await asyncio.wait_for(bot.started.wait(), 10)
        os.kill(os.getpid(), signal.SIGINT)
        assert await asyncio.wait_for(task, 5) == 0
    finally:
        os.close(write_end)  # the reader sees the end of input
        stdin.close()
        signal.signal(signal.SIGINT, previous)
    assert bot.cancelled
    assert await asyncio.to_thread(deadline.wait, 5)
