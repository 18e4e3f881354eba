"""Re-reading the course packs while the bot runs: all validated first, the old content kept on any error.

A reload is asked for by SIGHUP (this process) or by `studybot content reload`, which records the
request in the database; every process sharing it watches that record (`watch_requests`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.content.catalogue import Catalogue
from bot.content.loader import ContentError, ContentIssue
from bot.outage import cause
from bot.pause import pause
from bot.store.db import Sessions
from bot.store.errors import StoreError
from bot.store.unit_of_work import reading, unit_of_work

log = logging.getLogger(__name__)

RELOAD_KEY = "content_reload_requested_at"
"""The `bot_state` key `studybot content reload` sets to the time of its request."""
WATCH_INTERVAL_S = 15.0
"""How often a running process looks for a reload request."""


def describe(catalogue: Catalogue) -> str:
    """The served courses in one line: `dotnet-architect: 30 topics, k8s: 12 topics`."""
    return ", ".join(f"{c.id}: {len(c.topics)} topic{'' if len(c.topics) == 1 else 's'}" for c in catalogue)


@dataclass(frozen=True)
class ReloadOutcome:
    """What a reload did: the courses served now, and either what changed or why nothing did."""

    catalogue: Catalogue
    errors: tuple[ContentIssue, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def applied(self) -> bool:
        """Whether the packs read were put in service (there were no errors)."""
        return not self.errors


class ContentReloader:
    """Loads the packs with `load` (in a thread) and, when all of them are valid, serves them with `apply`.

    `current` is what is served before the first reload. Reloads never overlap.
    """

    def __init__(self, load: Callable[[], Catalogue], apply: Callable[[Catalogue], None], current: Catalogue) -> None:
        self._load = load
        self._apply = apply
        self.catalogue = current
        self._lock = asyncio.Lock()

    async def reload(self) -> ReloadOutcome:
        """Re-read every pack; serve them if they are all valid, else keep the old content and say why."""
        async with self._lock:
            try:
                fresh = await asyncio.to_thread(self._load)
            except ContentError as exc:
                issues = exc.issues or [ContentIssue("content", None, "", "unknown problem")]
                log.warning("content not reloaded: %d error(s), the first: %s; still serving %s "
                            "(run `studybot content validate` for the full list)",
                            len(issues), issues[0], describe(self.catalogue))
                return ReloadOutcome(self.catalogue, errors=tuple(issues))
            old = self.catalogue
            self._apply(fresh)
            self.catalogue = fresh
            added = tuple(c for c in fresh.courses if c not in old.courses)
            removed = tuple(c for c in old.courses if c not in fresh.courses)
            changes = "".join(
                f"; {label}: {', '.join(ids)}" for label, ids in (("added", added), ("removed", removed)) if ids
            )
            log.info("content reloaded: serving %s (default %s)%s", describe(fresh), fresh.default_id, changes)
            return ReloadOutcome(fresh, added=added, removed=removed)


async def read_request(sessions: Sessions) -> str | None:
    """The time of the last reload request recorded in the database, if any."""
    async with reading(sessions) as stores:
        return await stores.channels.get_value(RELOAD_KEY)


async def record_request(sessions: Sessions, at: str) -> None:
    """Record a reload request made at `at` (an ISO timestamp) for every running process to see."""
    async with unit_of_work(sessions) as stores:
        await stores.channels.set_value(RELOAD_KEY, at)


class RequestWatch:
    """Reloads when the recorded request changes from what was seen at the first successful read.

    A database outage is logged once, as a warning, and once more when the database is back.
    """

    def __init__(self, reloader: ContentReloader, sessions: Sessions) -> None:
        self._reloader = reloader
        self._sessions = sessions
        self._known = False  # whether `_seen` was read yet
        self._seen: str | None = None
        self._down = False

    async def check(self) -> ReloadOutcome | None:
        """Read the request once; reload if it changed since the last read. The outcome, if it reloaded."""
        try:
            value = await read_request(self._sessions)
        except StoreError as exc:
            if not self._down:
                log.warning("cannot look for content reload requests (%s); trying again every %.0f s",
                            cause(exc), WATCH_INTERVAL_S)
                self._down = True
            return None
        if self._down:
            log.info("looking for content reload requests again")
            self._down = False
        changed = self._known and value != self._seen
        self._known, self._seen = True, value
        return await self._reloader.reload() if changed else None

    async def run(self, interval: float = WATCH_INTERVAL_S, stop: asyncio.Event | None = None) -> None:
        """Check now (to learn the request seen at start) and then every `interval` seconds, until `stop` is set.

        A check under way finishes first, so its database session is returned whole.
        """
        stop = stop or asyncio.Event()
        while True:
            try:
                await self.check()
            except Exception:  # a bug, logged with its traceback; the watching goes on
                log.exception("looking for a content reload request failed")
            if await pause(stop, interval):
                return
