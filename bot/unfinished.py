"""Acknowledged means handled: requests acknowledged before they are answered survive a crash.

An adapter answers its platform's deadline (Slack's 3 s, Discord's 3 s) by doing the work first.
Only when the work takes longer does it acknowledge early, and then it first `hold`s the request:
the adapter's own record of it (what was asked, and where to answer) goes to the database, and is
`release`d once the answer is delivered. If the process dies in between, the next one `take`s the
request and finishes it. Recording answers is idempotent by delivery key, so finishing a click a
second time never counts it twice. When even the record cannot be written in time (the database
is locked or gone), the adapter does not acknowledge early: the platform tells the user the
request failed, and pressing again is safe.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from bot.outage import cause
from bot.store.unfinished import UnfinishedStore

log = logging.getLogger(__name__)

FINISH_EVERY_S = 10.0
"""How often to look for requests another process acknowledged and did not live to answer."""
Record = TypeVar("Record", bound=BaseModel)
KEEP_WITHIN_S = 0.5
"""How long acknowledging waits for the record to be written; it goes on being written after."""


@dataclass(frozen=True)
class Hold:
    """A request being finished by this process, kept in the database until it is released."""

    key: str
    kept: asyncio.Future[bool]

    @property
    def is_kept(self) -> bool:
        """Whether the record is in the database already: only then may the request be acknowledged early."""
        return self.kept.done() and self.kept.result()


class UnfinishedWork:
    """Keeps, releases and takes over acknowledged requests; never raises (a log line instead)."""

    def __init__(self, store: UnfinishedStore, *, keep_within: float = KEEP_WITHIN_S) -> None:
        self.store = store
        self.keep_within = keep_within

    async def hold(self, platform: str, key: str, body: str, lifetime: dt.timedelta) -> Hold:
        """Start keeping `body` under `key`, waiting at most `keep_within` for it to be written."""
        kept = asyncio.ensure_future(self._keep(platform, key, body, lifetime))
        await asyncio.wait({kept}, timeout=self.keep_within)
        return Hold(key, kept)

    async def release(self, hold: Hold) -> None:
        """The request is answered: stop keeping it."""
        if not await hold.kept:
            return
        try:
            await self.store.forget(hold.key)
        except Exception as exc:
            log.warning("could not clear finished request %s (%s); a restart may answer it again",
                        hold.key, cause(exc))

    async def take(self, platform: str, shape: type[Record]) -> list[tuple[Hold, Record]]:
        """Requests of `platform` left unfinished by a process that stopped, now held by this one.

        A record that no longer reads as `shape` is dropped with one line.
        """
        try:
            taken = await self.store.take(platform)
        except Exception as exc:
            log.warning("could not look for unfinished %s requests (%s)", platform, cause(exc))
            return []
        found: list[tuple[Hold, Record]] = []
        for key, body in taken:
            hold = Hold(key, _kept())
            try:
                found.append((hold, shape.model_validate_json(body)))
            except ValidationError:
                log.warning("dropped unfinished request %s: it could not be read", key)
                await self.release(hold)
        return found

    @staticmethod
    async def keep_finishing(finish: Callable[[], Awaitable[None]]) -> None:
        """Run `finish` now and then every FINISH_EVERY_S, until cancelled."""
        while True:
            await finish()
            await asyncio.sleep(FINISH_EVERY_S)

    async def _keep(self, platform: str, key: str, body: str, lifetime: dt.timedelta) -> bool:
        try:
            await self.store.keep(platform, key, body, lifetime)
        except Exception as exc:
            log.warning("could not keep request %s for a restart (%s)", key, cause(exc))
            return False
        return True



def _kept() -> asyncio.Future[bool]:
    """The future of a record that is already in the database."""
    kept = asyncio.get_running_loop().create_future()
    kept.set_result(True)
    return kept
