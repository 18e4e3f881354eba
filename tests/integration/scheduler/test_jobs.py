"""The APScheduler side: jobs derived from the database, changed at once, firing for real."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update

from bot.app import StudyBot
from bot.posting import Posters
from bot.store.models import Channel
from bot.usecases.context import Core
from bot.usecases.drops import Drops
from bot.usecases.reminder_sends import Reminders
from scheduler.fanout import DropRunner, ReminderRunner
from scheduler.jobs import REMINDER_JOB, DropScheduler, job_id
from tests.conftest import Clock, make_actor
from tests.integration.scheduler.conftest import ADMIN, RecordingPlatform, at, set_up


@pytest.fixture
async def service(core: Core, clock: Clock, platform: RecordingPlatform) -> AsyncIterator[DropScheduler]:
    """A drop scheduler posting to the recording platform, stopped afterwards."""
    drops = Drops(core, "w")
    scheduler = DropScheduler(drops, DropRunner(drops, {"console": platform}, clock=clock), clock=clock)
    core.schedule_changed.subscribe(scheduler.channel_changed)
    yield scheduler
    await scheduler.stop()


async def settle(scheduler: DropScheduler) -> None:
    """Let reschedule tasks started by a change finish."""
    for _ in range(20):
        await asyncio.sleep(0.01)


# The fake clock runs in 2030: APScheduler compares run dates with the real time, so jobs set in the
# fake future stay pending and can be inspected.


async def test_start_schedules_each_channel_at_its_next_drop(core: Core, clock: Clock,
                                                            service: DropScheduler) -> None:
    """Each channel gets a job with an explicit id at its next local drop time."""
    at(clock, "Europe/London", 2030, 11, 25, 10, 0)
    await set_up(core, clock, "C1", "09:00 Europe/London")
    await service.start(catch_up=False)
    expected = dt.datetime(2030, 11, 26, 9, 0, tzinfo=dt.UTC)
    assert service.scheduler.get_job(job_id(1)) is not None
    assert service.next_run_time(1) == expected


async def test_setup_changes_the_job_at_once(core: Core, clock: Clock, service: DropScheduler) -> None:
    """A new setup moves the job without a restart."""
    at(clock, "UTC", 2030, 11, 25, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    await service.start(catch_up=False)
    await set_up(core, clock, "C1", "18:30 UTC")
    await settle(service)
    assert service.next_run_time(1) == dt.datetime(2030, 11, 25, 18, 30, tzinfo=dt.UTC)


async def test_pause_removes_the_job_and_resume_restores_it(core: Core, clock: Clock,
                                                           service: DropScheduler) -> None:
    """Pausing drops the job; resuming brings it back."""
    at(clock, "UTC", 2030, 11, 25, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    await service.start(catch_up=False)
    await StudyBot(core).dispatch(ADMIN, "/study pause")
    await settle(service)
    assert service.next_run_time(1) is None
    await StudyBot(core).dispatch(ADMIN, "/study resume")
    await settle(service)
    assert service.next_run_time(1) == dt.datetime(2030, 11, 26, 9, 0, tzinfo=dt.UTC)


async def test_start_catches_up_on_a_drop_missed_today(core: Core, clock: Clock, service: DropScheduler,
                                                       platform: RecordingPlatform) -> None:
    """Started after today's drop time, the scheduler posts the missed drop at once."""
    at(clock, "UTC", 2030, 11, 26, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    at(clock, "UTC", 2030, 11, 27, 12, 0)
    await service.start()
    assert len(platform.posts) == 1


async def test_job_fires_for_real_and_moves_to_the_next_day(core: Core, platform: RecordingPlatform) -> None:
    """With the real clock, a job that fires posts the due drop and reschedules for tomorrow."""
    now = dt.datetime.now(dt.UTC)
    await set_up(core, Clock(now), "C1", f"{now:%H:%M} UTC")
    async with core.unit_of_work() as uow:  # set up yesterday, so today's time counts
        await uow.answers.session.execute(update(Channel).values(updated_at=now - dt.timedelta(days=1)))
    drops = Drops(core, "w")
    service = DropScheduler(drops, DropRunner(drops, {"console": platform}))
    await service.start(catch_up=False)
    service.schedule_at(1, dt.datetime.now(dt.UTC) + dt.timedelta(milliseconds=200))
    for _ in range(100):
        if platform.posts:
            break
        await asyncio.sleep(0.05)
    await settle(service)
    await service.stop()
    assert len(platform.posts) == 1
    next_time = service.next_run_time(1)
    assert next_time is not None
    assert next_time.date() > now.date() or next_time.date() == (now + dt.timedelta(days=1)).date()


async def test_a_platform_connecting_gets_its_waiting_drop_at_once(core: Core, clock: Clock) -> None:
    """A drop that waited for its platform is posted as soon as the platform registers its poster."""
    at(clock, "UTC", 2030, 11, 26, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    at(clock, "UTC", 2030, 11, 27, 12, 0)
    posters = Posters()
    drops = Drops(core, "w")
    service = DropScheduler(drops, DropRunner(drops, posters, clock=clock), clock=clock)
    posters.registered.subscribe(service.platform_connected)
    await service.start()  # no console poster yet: the drop waits
    platform = RecordingPlatform()
    posters.register("console", platform)
    for _ in range(100):
        if platform.posts:
            break
        await asyncio.sleep(0.02)
    await service.stop()
    assert len(platform.posts) == 1


async def test_start_catches_up_reminders_and_runs_them_every_minute(core: Core, clock: Clock,
                                                                   platform: RecordingPlatform) -> None:
    """A reminder missed earlier today goes out when the scheduler starts; a job fires at each minute's start."""
    at(clock, "UTC", 2030, 11, 24, 12, 0)
    await StudyBot(core).dispatch(make_actor("ada"), "/study remind 09:00")
    at(clock, "UTC", 2030, 11, 25, 10, 0)
    drops = Drops(core, "w")
    reminders = ReminderRunner(Reminders(core, "w"), {"console": platform}, clock=clock)
    scheduler = DropScheduler(drops, DropRunner(drops, {"console": platform}, clock=clock), clock=clock,
                              reminders=reminders)
    try:
        await scheduler.start()
        assert [u for u, _m, _k in platform.directs] == ["ada"]
        job = scheduler.scheduler.get_job(REMINDER_JOB)
        assert job is not None
        assert job.next_run_time.second == 0
    finally:
        await scheduler.stop()
