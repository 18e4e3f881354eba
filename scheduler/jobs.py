"""The APScheduler side: one job per channel at its next drop, a sweep that catches up, and reminders each minute."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
from collections.abc import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.outage import unreachable
from bot.usecases.context import utc_now
from bot.usecases.drops import Drops, next_run
from scheduler.fanout import DropRunner, ReminderRunner

log = logging.getLogger(__name__)

SWEEP_JOB = "studybot:sweep"
REMINDER_JOB = "studybot:reminders"
SWEEP_EVERY = dt.timedelta(minutes=1)
STOP_GRACE = dt.timedelta(seconds=0.3)  # most database work of a sweep takes milliseconds


def job_id(channel_id: int) -> str:
    """The explicit APScheduler job id of a channel's next drop."""
    return f"studybot:drop:{channel_id}"


def worker_name() -> str:
    """Who claims drops: host and process id, for the daily_drops table and the logs."""
    return f"{socket.gethostname()}:{os.getpid()}"


class DropScheduler:
    """Keeps one job per scheduled channel in step with the database, and sweeps every minute.

    The database is the source of truth: jobs are derived from it at start and whenever
    `setup`, `pause` or `resume` change a channel. Each process has its own in-memory job store;
    the claim in the database makes sure only one of them posts a given drop. Reminders (when a
    runner for them is given) are sent by a job at the start of every minute: a reminder set for
    18:00 goes out within seconds of 18:00:00 local time, and the same claims make it once.
    """

    def __init__(
        self, drops: Drops, runner: DropRunner, *, clock: Callable[[], dt.datetime] = utc_now,
        sweep_every: dt.timedelta = SWEEP_EVERY, reminders: ReminderRunner | None = None,
    ) -> None:
        self.drops = drops
        self.runner = runner
        self.reminders = reminders
        self.outage = runner.outage  # one story per database outage, whichever job meets it
        self.clock = clock
        self.sweep_every = sweep_every
        self.scheduler = AsyncIOScheduler(
            timezone=dt.UTC, job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
        )
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, *, catch_up: bool = True) -> None:
        """Load every channel's next drop, start the sweep, and catch up on today's missed drops."""
        self.scheduler.start()
        for channel in await self.drops.channels():
            self.schedule_at(channel.id, next_run(channel, self.clock()))
        self.scheduler.add_job(
            self._sweep_job, IntervalTrigger(seconds=self.sweep_every.total_seconds()), id=SWEEP_JOB,
            replace_existing=True,
        )
        if self.reminders is not None:
            self.scheduler.add_job(self._remind_job, CronTrigger(second=0, timezone=dt.UTC), id=REMINDER_JOB,
                                   replace_existing=True)
        if catch_up:
            await self.sweep()

    async def stop(self) -> None:
        """Stop firing jobs; give drops and reschedules still running a moment, then cancel and await the rest.

        Waiting matters: a task cancelled while it holds a database connection closes that
        connection on its way out, and must finish doing so before the engine is disposed. A drop
        cut short this way is still claimed; the claim's lease lets a later run finish it.
        """
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=STOP_GRACE.total_seconds())
        while self._tasks:
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks)

    def channel_changed(self, channel_id: int) -> None:
        """The core changed a channel's schedule (setup, pause, resume): reschedule it now, once started."""
        if self.scheduler.running:
            self._track(asyncio.create_task(self.reload(channel_id)))

    def platform_connected(self, platform: str) -> None:
        """A platform (re)connected: post at once what waited for it, rather than at the next sweep."""
        if self.scheduler.running:
            self._track(asyncio.create_task(self.sweep()))

    def _track(self, task: asyncio.Task[None]) -> None:
        """Remember a running task until it ends, so that `stop` can wait for it."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def reload(self, channel_id: int, after: dt.datetime | None = None) -> None:
        """Re-read one channel and move its job to its next drop (or drop the job when paused).

        If the database cannot be read, the job is retried in a minute (the sweep covers the gap).
        """
        try:
            channels = await self.drops.channels(channel_id)
        except Exception as exc:
            self._failed(exc, "could not reschedule channel %s; trying again in a minute", channel_id)
            self.schedule_at(channel_id, self.clock() + SWEEP_EVERY)
            return
        self.outage.succeeded()
        self.schedule_at(channel_id, next_run(channels[0], after or self.clock()) if channels else None)

    def next_run_time(self, channel_id: int) -> dt.datetime | None:
        """When the channel's job fires next (None when there is none)."""
        job = self.scheduler.get_job(job_id(channel_id))
        return job.next_run_time if job is not None else None

    async def sweep(self) -> None:
        """Post whatever is due and not yet out (missed jobs, stale claims of stopped peers), reminders too."""
        try:
            await self.runner.run_due()
        except Exception as exc:
            self._failed(exc, "drop sweep failed; the next sweep will try again")
        await self.remind()

    async def remind(self) -> None:
        """Send the reminders due now and not yet out (those missed earlier today too)."""
        if self.reminders is None:
            return
        try:
            await self.reminders.run_due()
        except Exception as exc:
            self._failed(exc, "reminder run failed; the next minute will try again")

    async def _remind_job(self) -> None:
        self._track_current()
        await self.remind()

    async def _sweep_job(self) -> None:
        self._track_current()
        await self.sweep()

    async def _fire(self, channel_id: int) -> None:
        self._track_current()
        try:
            await self.runner.run_due(channel_id)
        except Exception as exc:
            self._failed(exc, "drop job for channel %s failed; the sweep will try again", channel_id)
        await self.reload(channel_id, after=self.clock() + dt.timedelta(seconds=1))

    def _failed(self, exc: Exception, message: str, *args: object) -> None:
        """Log a failed job: part of the outage story, or else a bug with its traceback.

        When the database is unreachable the next sweep retries.
        """
        if unreachable(exc):
            self.outage.failed(exc)
        else:
            log.error(message, *args, exc_info=exc)

    def _track_current(self) -> None:
        """Track the job APScheduler is running in this task (its executor does not wait for it)."""
        task = asyncio.current_task()
        if task is not None:
            self._track(task)

    def schedule_at(self, channel_id: int, when: dt.datetime | None) -> None:
        """Fire the channel's job at `when` (replacing its current time), or remove it for None."""
        ident = job_id(channel_id)
        if when is None:
            if self.scheduler.get_job(ident) is not None:
                self.scheduler.remove_job(ident)
            return
        self.scheduler.add_job(
            self._fire, DateTrigger(run_date=when), args=[channel_id], id=ident, replace_existing=True
        )
