"""A scheduler process killed with SIGKILL mid fan-out, then restarted: every drop exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.app import StudyBot
from bot.store.models import DailyDrop, ReminderSend
from bot.usecases.context import Core
from tests.conftest import Clock, make_actor
from tests.e2e.discord.discord_standin import TOKEN, StandIn

CHANNELS = 500
ROOT = Path(__file__).resolve().parents[3]
SET_UP = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
FIRST_RUN = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


class SlowDiscord(StandIn):
    """The Discord stand-in, taking a few milliseconds per channel post like the real thing."""

    async def channel_message(self, request: web.Request) -> web.Response:
        """Accept a channel post after a few milliseconds."""
        await asyncio.sleep(0.004)
        return await super().channel_message(request)


@pytest.fixture
async def discord() -> AsyncIterator[SlowDiscord]:
    """A running slow Discord stand-in."""
    standin = SlowDiscord()
    await standin.start()
    yield standin
    await standin.stop()


async def start_worker(db_url: str, discord: StandIn, now: dt.datetime, lease_s: float,
                       kind: str = "drop") -> asyncio.subprocess.Process:
    """Start a worker process that sends drops (or reminders) to `discord` as of `now`, with the given lease."""
    env = {**os.environ, "DATABASE_URL": db_url, "DISCORD_API_URL": discord.api_url, "DISCORD_TOKEN": TOKEN,
           "DROP_NOW": now.isoformat(), "DROP_LEASE": str(lease_s), "DROP_KIND": kind}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.e2e.scheduler.drop_worker", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def test_sigkill_mid_fanout_then_restart_posts_every_drop_once(
    core: Core, db_url: str, discord: SlowDiscord
) -> None:
    """Kill the scheduler after ~150 of 500 posts; the restarted one finishes: 500 posts, none twice."""
    admin = make_actor("owner", "guild-1", platform="discord", admin=True)
    bot = StudyBot(core)
    core.clock = Clock(SET_UP)
    for n in range(CHANNELS):
        reply = await bot.dispatch(admin, f"/study setup {1200000000000000000 + n} 09:00 UTC")
        assert reply.title == "Daily drop set up ✅"

    worker = await start_worker(db_url, discord, FIRST_RUN, lease_s=60)
    await discord.wait_for(lambda: len(discord.channel_posts) >= 150, within=60)
    worker.send_signal(signal.SIGKILL)
    await worker.wait()
    assert len(discord.channel_posts) < CHANNELS
    async with core.unit_of_work() as uow:
        recorded = (await uow.answers.session.execute(
            select(func.count()).select_from(DailyDrop).where(DailyDrop.status == "sent")
        )).scalar_one()

    later = FIRST_RUN + dt.timedelta(minutes=5)
    await asyncio.sleep(1.2)  # the restarted process's lease of 1 s is over for the dead one's claims
    restarted = await start_worker(db_url, discord, later, lease_s=1)
    out, err = await asyncio.wait_for(restarted.communicate(), timeout=120)
    assert restarted.returncode == 0, err.decode()[-2000:]
    outcomes: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])

    per_channel = Counter(p["channel_id"] for p in discord.channel_posts)
    assert len(per_channel) == CHANNELS
    assert max(per_channel.values()) == 1
    assert outcomes == {"sent": CHANNELS - recorded}
    async with core.unit_of_work() as uow:
        statuses = dict((await uow.answers.session.execute(
            select(DailyDrop.status, func.count()).group_by(DailyDrop.status)
        )).all())
    assert statuses == {"sent": CHANNELS}


async def test_sigkill_mid_reminders_then_restart_sends_each_reminder_once(
    core: Core, db_url: str, discord: SlowDiscord
) -> None:
    """Kill the scheduler after ~150 of 500 reminder DMs; the restarted one finishes: 500 DMs, none twice."""
    bot = StudyBot(core)
    core.clock = Clock(SET_UP)
    learners = [str(1210000000000000000 + n) for n in range(CHANNELS)]
    for learner in learners:
        reply = await bot.dispatch(make_actor(learner, "guild-1", platform="discord"), "/study remind 09:00")
        assert reply.title == "⏰ Reminder set for 09:00 UTC"

    worker = await start_worker(db_url, discord, FIRST_RUN, lease_s=60, kind="reminder")
    await discord.wait_for(lambda: len(discord.direct_posts) >= 150, within=60)
    worker.send_signal(signal.SIGKILL)
    await worker.wait()
    assert len(discord.direct_posts) < CHANNELS
    async with core.unit_of_work() as uow:
        recorded = (await uow.answers.session.execute(
            select(func.count()).select_from(ReminderSend).where(ReminderSend.status == "sent")
        )).scalar_one()

    later = FIRST_RUN + dt.timedelta(minutes=5)
    await asyncio.sleep(1.2)  # the restarted process's lease of 1 s is over for the dead one's claims
    restarted = await start_worker(db_url, discord, later, lease_s=1, kind="reminder")
    out, err = await asyncio.wait_for(restarted.communicate(), timeout=120)
    assert restarted.returncode == 0, err.decode()[-2000:]
    outcomes: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])

    per_learner = Counter(str(p["user_id"]) for p in discord.direct_posts)
    assert sorted(per_learner) == sorted(learners)
    assert max(per_learner.values()) == 1
    assert outcomes == {"sent": CHANNELS - recorded}
    async with core.unit_of_work() as uow:
        statuses = dict((await uow.answers.session.execute(
            select(ReminderSend.status, func.count()).group_by(ReminderSend.status)
        )).all())
    assert statuses == {"sent": CHANNELS}
