"""A database outage seen by the scheduler: one line, a count every 30 s, one line when it is back."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.content.catalogue import Catalogue
from bot.content.models import Course
from bot.outage import OutageLog
from bot.store.db import session_factory
from bot.store.models import Channel
from bot.usecases.context import Core
from bot.usecases.drops import Drops
from scheduler.fanout import DropRunner
from scheduler.jobs import SWEEP_EVERY, DropScheduler
from tests.conftest import Clock
from tests.dbproxy import CutProxy
from tests.integration.scheduler.conftest import RecordingPlatform, at, set_up

DROPS_LOG = "studybot.drops"


class Ticks:
    """The outage log's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        """The current reading."""
        return self.now


def scheduler_for(core: Core, clock: Clock, platform: RecordingPlatform, ticks: Ticks) -> DropScheduler:
    """A scheduler (not started) whose outage log runs on `ticks`."""
    drops = Drops(core, "w")
    outage = OutageLog(logging.getLogger(DROPS_LOG), clock=ticks, what="drop job")
    return DropScheduler(drops, DropRunner(drops, {"console": platform}, clock=clock, outage=outage), clock=clock)


@pytest.fixture
def proxied_core(course: Course, proxied: AsyncEngine, clock: Clock) -> Core:
    """The core on the proxied engine."""
    return Core(catalogue=Catalogue.of(course), sessions=session_factory(proxied), default_timezone="UTC", clock=clock)


def story(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the drops logger said, without what is after the first parenthesis (the driver's wording)."""
    return [r.getMessage().split(" (")[0] for r in caplog.records if r.name == DROPS_LOG]


async def test_sweeps_against_an_unreachable_database_log_one_line_then_a_count_then_back(
    proxied_core: Core, clock: Clock, platform: RecordingPlatform, pg_proxy: CutProxy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A sweep a minute through an outage logs three lines and no traceback.

    One error line with its cause, a count after 30 s, one line when the database answers again.
    """
    at(clock, "UTC", 2030, 11, 26, 8, 0)
    await set_up(proxied_core, clock, "C1", "09:00 UTC")
    ticks = Ticks()
    scheduler = scheduler_for(proxied_core, clock, platform, ticks)
    await scheduler.sweep()  # a pooled connection the cut will break
    caplog.set_level(logging.INFO)
    await pg_proxy.cut()
    for _ in range(5):  # five minutes of sweeps, 10 s apart on the outage log's clock
        await scheduler.sweep()
        ticks.now += 10
    await pg_proxy.restore()
    at(clock, "UTC", 2030, 11, 26, 9, 1)
    await scheduler.sweep()
    lines = story(caplog)
    assert lines[:3] == [
        "database unavailable",
        "database still unavailable after 30 s: 3 more drop job(s) failed",
        "database back after 50 s; 5 drop job(s) failed meanwhile",
    ]
    assert len(lines) == 4
    assert "outcome=sent" in lines[3]  # and the drop that was due went out
    assert [r for r in caplog.records if r.exc_info] == []
    assert len(platform.posts) == 1


async def test_a_reschedule_during_an_outage_adds_to_its_count_and_retries_in_a_minute(
    proxied_core: Core, clock: Clock, platform: RecordingPlatform, pg_proxy: CutProxy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A channel changed while the database is away is reloaded a minute later, without a traceback."""
    at(clock, "UTC", 2030, 11, 26, 8, 0)
    await set_up(proxied_core, clock, "C1", "09:00 UTC")
    scheduler = scheduler_for(proxied_core, clock, platform, Ticks())
    scheduler.scheduler.start()
    try:
        caplog.set_level(logging.INFO)
        await pg_proxy.cut()
        await scheduler.sweep()
        await scheduler.reload(1)
        assert scheduler.next_run_time(1) == clock() + SWEEP_EVERY
        await pg_proxy.restore()
        await scheduler.reload(1)
    finally:
        await scheduler.stop()
    assert story(caplog) == ["database unavailable", "database back after 0 s; 2 drop job(s) failed meanwhile"]
    assert [r for r in caplog.records if r.exc_info] == []


async def test_a_sweep_that_fails_for_a_bug_logs_its_traceback(
    core: Core, clock: Clock, platform: RecordingPlatform, caplog: pytest.LogCaptureFixture
) -> None:
    """A channel whose stored timezone no code accepts is a bug, not an outage: it keeps its traceback."""
    at(clock, "UTC", 2030, 11, 26, 8, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    async with core.unit_of_work() as uow:
        await uow.answers.session.execute(update(Channel).values(timezone="Mars/Olympus_Mons"))
    scheduler = scheduler_for(core, clock, platform, Ticks())
    await scheduler.sweep()
    [failure] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failure.getMessage() == "drop sweep failed; the next sweep will try again"
    assert failure.exc_info is not None
    assert not any(r.getMessage().startswith("database unavailable") for r in caplog.records)
