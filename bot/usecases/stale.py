"""Figures that are costly to read: served from memory, and read again in the background once old."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True)
class Kept(Generic[V]):
    """A value and when it was read."""

    value: V
    read_at: dt.datetime


class StaleWhileRefreshing(Generic[K, V]):
    """One value per key: the first read waits for it; later reads get the kept one at once.

    Requests that arrive while the first read of a key is under way wait for that same read. A
    value older than `fresh_for` is still served, while one background read replaces it; a failed
    background read keeps the old value (and is logged), and the next request tries again.
    `forget` drops every value, and no read begun before it keeps what it read.
    """

    def __init__(self, fresh_for: dt.timedelta, what: str = "values") -> None:
        self.fresh_for = fresh_for
        self._what = what
        self._kept: dict[K, Kept[V]] = {}
        self._first: dict[K, asyncio.Future[V]] = {}
        self._reading: dict[K, asyncio.Task[None]] = {}
        self._generation = 0

    async def get(self, key: K, now: dt.datetime, read: Callable[[], Awaitable[V]]) -> Kept[V]:
        """The value for `key`, read now if there is none yet."""
        kept = self._kept.get(key)
        if kept is None:
            generation = self._generation
            first = self._first.get(key)
            if first is None:
                first = self._first[key] = asyncio.ensure_future(read())
                first.add_done_callback(lambda done: self._first.pop(key, None) if self._first.get(key) is done
                                        else None)
            kept = Kept(await asyncio.shield(first), now)
            if generation == self._generation:
                kept = self._kept.setdefault(key, kept)
        elif now - kept.read_at >= self.fresh_for and key not in self._reading:
            self._reading[key] = asyncio.create_task(self._refresh(key, now, read))
        return kept

    def forget(self) -> None:
        """Drop every value kept; reads under way keep theirs to themselves."""
        self._generation += 1
        self._kept.clear()
        self._first.clear()

    async def _refresh(self, key: K, now: dt.datetime, read: Callable[[], Awaitable[V]]) -> None:
        generation = self._generation
        try:
            value = await read()
            if generation == self._generation:
                self._kept[key] = Kept(value, now)
        except Exception as exc:  # the old value stays; the next request tries again
            log.warning("could not refresh the %s (%s); serving the last ones", self._what, exc.__class__.__name__)
        finally:
            del self._reading[key]

    async def settled(self) -> None:
        """Wait for the background reads in progress."""
        while self._reading:
            await asyncio.gather(*self._reading.values(), return_exceptions=True)
