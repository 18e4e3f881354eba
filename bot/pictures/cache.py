"""The recent pictures, kept until the data they show changes, and drawn by the picture worker."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from functools import partial

from bot.pictures.data import Picture
from bot.pictures.worker import WORKER

Render = Callable[[], Picture]
"""Draws one picture; what the worker runs must pickle (a `partial` of a module-level renderer)."""
Draw = Callable[[Render], Awaitable[Picture]]
"""Runs a render off the event loop: the picture worker's `draw`."""

log = logging.getLogger(__name__)

SIZE = 256  # pictures kept; the least recently used goes first


class PictureCache:
    """Pictures by a key that changes whenever the data they show does, drawn by the picture worker.

    A caller names a picture by what it shows and that data's version, such as
    `("progress", user_pk, last_answer_id)`: the same key gives the same picture without
    rendering again, and a new answer makes a new key. Concurrent requests for one key share a
    single render. A render that fails is logged once and not kept: its callers get None and reply
    without the picture, and the next request tries again.
    """

    def __init__(self, size: int = SIZE, draw: Draw = WORKER.draw) -> None:
        if size < 1:
            raise ValueError("a picture cache holds at least one picture")
        self._size = size
        self._draw = draw
        self._done: OrderedDict[Hashable, Picture] = OrderedDict()
        self._pending: dict[Hashable, asyncio.Future[Picture]] = {}

    def __len__(self) -> int:
        return len(self._done)

    async def get(self, key: Hashable, render: Render) -> Picture | None:
        """The picture for `key`: kept, being rendered, or rendered now by `render` in the worker; None if it failed."""
        kept = self._done.get(key)
        if kept is not None:
            self._done.move_to_end(key)
            return kept
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._draw(render))
            self._pending[key] = pending
            pending.add_done_callback(partial(self._settle, key))
        # A caller that gives up does not cancel the render others may be waiting for.
        try:
            return await asyncio.shield(pending)
        except Exception:  # logged once, by `_settle`
            return None

    def _settle(self, key: Hashable, done: asyncio.Future[Picture]) -> None:
        """Keep a finished render's picture, dropping the least recently used beyond the size."""
        del self._pending[key]
        if done.cancelled():
            return
        failure = done.exception()
        if failure is not None:
            log.error("could not draw the picture %r; its replies go without it", key, exc_info=failure)
            return
        self._done[key] = done.result()
        while len(self._done) > self._size:
            self._done.popitem(last=False)

