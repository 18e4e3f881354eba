"""The composition root: settings in; the courses, engine, core, posters, health and scheduler built once and wired."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.app import StudyBot
from bot.content.catalogue import Catalogue, load_catalogue
from bot.content.loader import ContentError
from bot.content.reloading import WATCH_INTERVAL_S, ContentReloader, RequestWatch
from bot.health import Health
from bot.pictures.worker import WORKER
from bot.posting import Posters
from bot.settings import Settings
from bot.store import migrate
from bot.store.db import Engine, create_engine, session_factory
from bot.store.errors import DATABASE_ERRORS
from bot.store.unfinished import UnfinishedStore
from bot.unfinished import UnfinishedWork
from bot.usecases.context import Core
from bot.usecases.drops import Drops
from bot.usecases.reminder_sends import Reminders

if TYPE_CHECKING:
    from scheduler.jobs import DropScheduler

log = logging.getLogger(__name__)

STOP_WAIT_S = 5.0  # how long `close` waits for a background loop to finish the step it is in


class StartupError(Exception):
    """Start-up cannot go on; the message is one clear line for the operator."""


@dataclass
class Runtime:
    """Everything a running bot holds, as `wire` put it together for the adapters and the CLI."""

    settings: Settings
    engine: Engine
    bot: StudyBot
    posters: Posters
    unfinished: UnfinishedWork
    health: Health
    scheduler: DropScheduler
    reloader: ContentReloader
    _watching: asyncio.Task[None] | None = field(default=None, init=False, repr=False)
    _sweeping: asyncio.Task[None] | None = field(default=None, init=False, repr=False)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)

    @property
    def core(self) -> Core:
        """The use cases' dependencies."""
        return self.bot.core

    def watch_reload_requests(self, interval: float = WATCH_INTERVAL_S) -> None:
        """Reload the content whenever `studybot content reload` records a request, until `close`."""
        watch = RequestWatch(self.reloader, self.core.sessions)
        self._watching = asyncio.create_task(watch.run(interval, self._stopping), name="content-reload-watch")

    def sweep_scores(self) -> None:
        """Fold the pending scores that stopped processes left, now and then, until `close`."""
        self._sweeping = asyncio.create_task(self.core.scores.sweep(stop=self._stopping),
                                              name="score-sweep")

    async def close(self) -> None:
        """Stop the background tasks and the drop scheduler (if started), fold the last answers; close the database.

        Last, the picture worker ends once it has drawn what it was given.
        """
        self._stopping.set()  # each loop ends after the step it is in, so no database session is cut off
        for task in (self._watching, self._sweeping):
            if task is not None:
                with contextlib.suppress(TimeoutError):  # a step stuck that long is cancelled
                    await asyncio.wait_for(task, STOP_WAIT_S)
        await self.scheduler.stop()
        await self.core.scores.drain()
        await self.engine.dispose()
        await WORKER.stop()


def content_reloader(settings: Settings, core: Core) -> ContentReloader:
    """What re-reads the content dir as start-up did and puts the courses in service."""

    def serve(catalogue: Catalogue) -> None:
        """Serve the reloaded courses: every use case reads the core's catalogue once per request."""
        core.catalogue = catalogue

    return ContentReloader(load=lambda: load_catalogue(settings.content_dir, settings.course), apply=serve,
                           current=core.catalogue)


def wire(settings: Settings, engine: Engine, bot: StudyBot) -> Runtime:
    """Everything around a core, wired: the posters, kept requests, health, the drop scheduler and the reloader.

    The scheduler is left stopped; it hears of changed schedules from the core and of connected
    platforms from the posters, through their notices.
    """
    from scheduler.fanout import DIRECT_PACING, DropRunner, ReminderRunner
    from scheduler.jobs import DropScheduler, worker_name

    core = bot.core
    posters = Posters()
    drops = Drops(core, worker_name())
    reminders = ReminderRunner(Reminders(core, worker_name()), posters, clock=core.clock, pacing=DIRECT_PACING)
    scheduler = DropScheduler(drops, DropRunner(drops, posters, clock=core.clock), clock=core.clock,
                              reminders=reminders)
    core.schedule_changed.subscribe(scheduler.channel_changed)
    posters.registered.subscribe(scheduler.platform_connected)
    unfinished = UnfinishedWork(UnfinishedStore(core.sessions))  # acknowledged requests, kept until answered
    reloader = content_reloader(settings, core)
    return Runtime(settings, engine, bot, posters, unfinished, Health(engine), scheduler, reloader)


def settle_heap() -> None:
    """Move what start-up built (the course, modules, ORM mappings) out of the garbage collector's reach.

    Those objects live as long as the process. Frozen, they are no longer scanned by every full
    collection, which would otherwise pause the event loop for tens of milliseconds now and then.
    Only the young generations are collected first: start-up leaves a few dozen unreachable
    objects (a few KB), and a full collection would scan every object the imports made to find
    the older half of them, which takes longer than anything else start-up does after its imports.
    """
    gc.collect(1)
    gc.freeze()


_USERINFO_PASSWORD = re.compile(r"(?P<head>^[^:/?#]+://[^:@/?#]*:).*@")  # up to the last @: unescaped @s too
_QUERY_SECRET = re.compile(r"(?P<head>[?&](?:password|passwd|pwd|sslpassword|sslkey)=)[^&#]*", re.IGNORECASE)


def describe_database(url: str) -> str:
    """The database URL with every password masked, for messages, logs and /healthz.

    Masks the password of `user:password@` (an unescaped `@` in it included) and password
    parameters of the query string (`?password=...`), without needing the URL to parse.
    """
    masked = _USERINFO_PASSWORD.sub(r"\g<head>***@", url, count=1)
    return _QUERY_SECRET.sub(r"\g<head>***", masked)


async def build(settings: Settings, *, upgrade: bool = True) -> Runtime:
    """Load the courses, connect to the database, migrate it, and wire the core."""
    try:
        catalogue = load_catalogue(settings.content_dir, settings.course)
    except ContentError as exc:
        first = exc.issues[0] if exc.issues else "unknown problem"
        raise StartupError(
            f"the course packs in {settings.content_dir} have errors ({first}); "
            "run `studybot content validate` for the full list"
        ) from None
    engine = create_engine(settings.db_url)
    try:
        if upgrade:
            await migrate.upgrade(engine, default_timezone=settings.timezone, default_course=catalogue.default_id)
        else:
            await migrate.current_revision(engine)
    except DATABASE_ERRORS as exc:
        await engine.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StartupError(f"cannot use the database {describe_database(settings.db_url)}: {reason}") from None
    core = Core(catalogue=catalogue, sessions=session_factory(engine), default_timezone=settings.timezone)
    runtime = wire(settings, engine, StudyBot(core))
    settle_heap()
    served = ", ".join(f"{c.title} ({len(c.topics)} topics)" for c in catalogue)
    log.info("serving %s from %s", served, describe_database(settings.db_url))
    return runtime
