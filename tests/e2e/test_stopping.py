"""`studybot` and `studybot console` on SQLite leave within a second of SIGTERM, Ctrl-C or end of input.

Whatever they are doing: idle with the scheduler sleeping, posting a drop, or committing an answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.app import StudyBot
from bot.content.catalogue import Catalogue
from bot.content.loader import require_course
from bot.store import migrate
from bot.store.db import create_engine, session_factory
from bot.store.models import Channel
from bot.usecases.context import ChannelRef, Core
from tests.conftest import COURSE_DIR, free_port, make_actor
from tests.e2e.process import RUN_STUDYBOT, SHELL_JOB
from tests.e2e.slack.slack_stand_ins import BOT_TOKEN, CHANNEL, SIGNING_SECRET, TEAM, SlackStandIn

DEADLINE_S = 1.0
Process = asyncio.subprocess.Process


def environment(data: Path, **extra: str) -> dict[str, str]:
    """The process environment: no settings of the developer's, a data dir of the test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYBOT_", "DISCORD_", "SLACK_"))}
    env.pop("DATABASE_URL", None)
    env.update({"STUDYBOT_DATA_DIR": str(data), "COLUMNS": "100", **extra})
    return env


@asynccontextmanager
async def started(args: list[str], env: dict[str, str], cwd: Path) -> AsyncIterator[Process]:
    """`studybot ARGS` with pipes for its input and output, killed if a test leaves it running."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SHELL_JOB + RUN_STUDYBOT, *args, cwd=cwd, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def read_until(process: Process, text: str, within: float = 30.0) -> str:
    """Console output up to and including the first line that contains `text`."""
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + within
    while not any(text in line for line in seen):
        line = await asyncio.wait_for(process.stdout.readline(), timeout=max(deadline - time.monotonic(), 0.01))
        assert line, f"output ended before {text!r}: {''.join(seen)[-1500:]}"
        seen.append(line.decode())
    return "".join(seen)


async def seconds_to_exit(process: Process, stop: str) -> float:
    """Send SIGTERM or SIGINT, or close stdin (`eof`); how long until the process has exited."""
    assert process.stdin is not None
    began = time.monotonic()
    if stop == "eof":
        process.stdin.close()
    else:
        process.send_signal(signal.SIGTERM if stop == "sigterm" else signal.SIGINT)
    await asyncio.wait_for(process.wait(), timeout=30)
    return time.monotonic() - began


async def stderr_of(process: Process) -> str:
    """What the process wrote to stderr."""
    assert process.stderr is not None
    return (await process.stderr.read()).decode()


@pytest.mark.parametrize("stop", ["sigterm", "sigint", "eof"])
async def test_idle_console_leaves_at_once(tmp_path: Path, stop: str) -> None:
    """With the scheduler sleeping and the console waiting for input, the process ends in time, cleanly."""
    async with started(["console", "--user", "ada"], environment(tmp_path / "data"), tmp_path) as process:
        assert process.stdin is not None
        process.stdin.write(b"/study streak\n")
        await read_until(process, "streak")
        took = await seconds_to_exit(process, stop)
        err = await stderr_of(process)
    assert took < DEADLINE_S, f"took {took:.2f} s"
    assert process.returncode in (0, 130)
    assert "Traceback" not in err, err


async def test_console_leaves_while_an_answer_waits_on_the_database(tmp_path: Path) -> None:
    """An answer stuck behind another process's write lock does not hold up SIGTERM."""
    data = tmp_path / "data"
    async with started(["console", "--user", "ada"], environment(data), tmp_path) as process:
        assert process.stdin is not None
        process.stdin.write(b"/study quiz\n")
        await read_until(process, "Answer with")
        other = sqlite3.connect(data / "studybot.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process writing: the answer's commit must wait
        try:
            process.stdin.write(b"A\n")
            await process.stdin.drain()
            await asyncio.sleep(0.5)
            assert process.returncode is None
            took = await seconds_to_exit(process, "sigterm")
        finally:
            other.rollback()
            other.close()
        err = await stderr_of(process)
    assert took < DEADLINE_S, f"took {took:.2f} s"
    assert "Traceback" not in err, err


async def prepare_slack_drop(data: Path) -> None:
    """A Slack channel whose daily drop (00:00 UTC) is due today and not yet posted."""
    engine = create_engine(f"sqlite:///{data / 'studybot.db'}")
    try:
        await migrate.upgrade(engine)
        core = Core(catalogue=Catalogue.of(require_course(COURSE_DIR)), sessions=session_factory(engine),
                    default_timezone="UTC")
        admin = make_actor("U0ADMIN", TEAM, platform="slack", admin=True, channel=CHANNEL)
        reply = await StudyBot(core).run(admin, "setup", [ChannelRef(CHANNEL, "general"), "00:00", "UTC"])
        assert reply.title == "Daily drop set up ✅", reply.body
        async with core.unit_of_work() as uow:  # set up yesterday, so today's drop is due
            yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
            await uow.answers.session.execute(update(Channel).values(updated_at=yesterday))
    finally:
        await engine.dispose()


@pytest.mark.parametrize("stop", ["sigterm", "sigint"])
async def test_bot_leaves_while_a_drop_is_being_posted(tmp_path: Path, slack_api: SlackStandIn, stop: str) -> None:
    """`studybot` serving Slack stops in time while chat.postMessage of a due drop gets no answer."""
    data = tmp_path / "data"
    data.mkdir()
    await prepare_slack_drop(data)
    slack_api.stalled.add("chat.postMessage")
    env = environment(data, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                      SLACK_HTTP_PORT=str(free_port()), SLACK_HTTP_HOST="127.0.0.1", SLACK_API_URL=slack_api.api_url)
    async with started([], env, tmp_path) as process:
        try:
            await slack_api.wait_until(lambda: bool(slack_api.calls_of("chat.postMessage")), within=30)
        except AssertionError:
            process.kill()
            raise AssertionError(await stderr_of(process)) from None
        took = await seconds_to_exit(process, stop)
        err = await stderr_of(process)
    assert took < DEADLINE_S, f"took {took:.2f} s"
    assert process.returncode == 0, err[-2000:]
    assert "Traceback" not in err, err
