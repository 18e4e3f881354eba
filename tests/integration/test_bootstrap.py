"""The composition root on a real database: the parts it builds hear each other through their notices."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import AsyncIterator

import pytest

from bot.bootstrap import Runtime, build
from bot.pictures.worker import WORKER
from bot.settings import Settings
from tests.conftest import make_actor
from tests.processes import children, ended


@pytest.fixture
async def runtime(db_url: str) -> AsyncIterator[Runtime]:
    """The runtime `build` wires for the test database, closed afterwards."""
    runtime = await build(Settings(_env_file=None, DATABASE_URL=db_url))
    yield runtime
    await runtime.close()


async def test_a_setup_schedules_the_channel_in_the_started_scheduler(runtime: Runtime) -> None:
    """`/study setup` through the wired bot gives its channel a job in the runtime's scheduler at once."""
    await runtime.scheduler.start(catch_up=False)
    reply = await runtime.bot.dispatch(make_actor(admin=True), "/study setup C1 09:00 UTC")
    assert reply.title == "Daily drop set up ✅", reply.body
    [channel] = await runtime.scheduler.drops.channels()
    for _ in range(100):
        if runtime.scheduler.next_run_time(channel.id) is not None:
            break
        await asyncio.sleep(0.01)
    assert runtime.scheduler.next_run_time(channel.id) is not None


async def test_a_setup_before_the_scheduler_starts_leaves_it_alone(runtime: Runtime) -> None:
    """Until the scheduler starts (it reads every channel then), a changed schedule starts no work."""
    await runtime.bot.dispatch(make_actor(admin=True), "/study setup C1 09:00 UTC")
    await asyncio.sleep(0.2)  # time for a reschedule to run, had one been started
    assert runtime.scheduler.scheduler.get_jobs() == []


async def test_closing_the_runtime_ends_the_picture_worker(db_url: str) -> None:
    """`/study stats` draws its card in a worker process, which ends when the runtime closes."""
    await WORKER.stop()  # a worker an earlier test left running
    before = children()
    runtime = await build(Settings(_env_file=None, DATABASE_URL=db_url))
    try:
        reply = await runtime.bot.dispatch(make_actor(), "/study stats")
        assert [a.filename for a in reply.attachments] == ["progress-card.png"]
        started = [p for p in multiprocessing.active_children() if p.pid not in before]
        assert len(started) == 1
    finally:
        await runtime.close()
    assert started[0].pid is not None
    assert ended(started[0].pid, within=10)
