"""The running bot of `studybot` (`bot.cli._running`): what it starts, against a real database."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import update

from bot import cli
from bot.settings import Settings
from bot.store.models import Channel
from scheduler.jobs import DropScheduler
from tests.conftest import make_actor
from tests.integration.scheduler.conftest import RecordingPlatform


async def test_a_missed_drop_goes_out_once_its_platform_connects_after_one_sweep(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Started after today's drop time, the bot sweeps when the console connects, not before (nothing could post)."""
    sweeps: list[dt.datetime] = []
    sweep = DropScheduler.sweep

    async def counted(self: DropScheduler) -> None:
        sweeps.append(dt.datetime.now(dt.UTC))
        await sweep(self)

    monkeypatch.setattr(DropScheduler, "sweep", counted)
    monkeypatch.setattr(cli, "leave_by", lambda _seconds: None)  # its watchdog would end the test run itself
    platform = RecordingPlatform()
    async with cli._running(Settings(_env_file=None, DATABASE_URL=db_url), hang_up_reloads=False) as runtime:
        reply = await runtime.bot.dispatch(make_actor(admin=True), "/study setup C1 00:00 UTC")
        assert reply.title == "Daily drop set up ✅", reply.body
        async with runtime.core.unit_of_work() as uow:  # set up yesterday, so today's 00:00 was missed
            await uow.answers.session.execute(
                update(Channel).values(updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1)))
        assert sweeps == []
        runtime.posters.register("console", platform)
        for _ in range(200):
            if platform.posts:
                break
            await asyncio.sleep(0.02)
    assert [channel for channel, _, _ in platform.posts] == ["C1"]
    assert len(sweeps) == 1
