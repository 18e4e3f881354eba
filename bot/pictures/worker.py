"""The picture worker: a process of its own that draws, so matplotlib never holds the bot's GIL.

A render is Python holding the GIL for 20-100 ms. In a thread of the bot's process it slows every
other thread and the event loop with it: commands queue behind a burst of first progress cards,
and each handoff to the SQLite driver's thread waits for the GIL. In a process of its own, a render
takes the other core and the bot's process keeps serving. The worker also keeps matplotlib's
memory and its objects (thousands of reference cycles a render) out of the bot's heap.

One worker per bot process, started on the first render (`spawn`, so it shares nothing with the
bot's threads and connections) and importing matplotlib once. It ignores Ctrl-C and SIGTERM, which
a terminal or a service manager sends the whole process group: the bot stops it (`stop`, or its
pool's own exit hook), and it exits by itself within a second if the bot is killed.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.pictures.data import Picture

log = logging.getLogger(__name__)

PARENT_CHECK_S = 1.0


class PictureWorker:
    """Runs renders in a worker process, started when first needed and replaced if it dies."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    async def draw(self, render: Callable[[], Picture]) -> Picture:
        """`render()` in the worker process; it must pickle (a module-level function, or a `partial` of one).

        A worker that died (killed, out of memory) is replaced once and the render tried again;
        the render's own errors come back as they are.
        """
        loop = asyncio.get_running_loop()
        pool = self._started()
        try:
            return await loop.run_in_executor(pool, render)
        except BrokenProcessPool:
            self._stop(pool)
            log.warning("the picture worker stopped; starting a new one")
        return await loop.run_in_executor(self._started(), render)

    async def stop(self) -> None:
        """End the worker once it has drawn what it was given, and wait for it (a later render starts a new one)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown)

    def _started(self) -> ProcessPoolExecutor:
        """The running pool, started if there is none."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_prepare, initargs=(os.getpid(),),
            )
        return self._pool

    def _stop(self, pool: ProcessPoolExecutor) -> None:
        """Shut `pool` down once its queue is drawn, and forget it."""
        if self._pool is pool:
            self._pool = None
        pool.shutdown(wait=False)


WORKER = PictureWorker()
"""The process's picture worker, shared by every `PictureCache` of the process."""


def _prepare(parent: int) -> None:
    """In the worker, once: leave stopping to the bot, watch for its death, and load matplotlib."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_exit_without, args=(parent,), name="parent-watch", daemon=True).start()
    import bot.pictures.canvas  # noqa: F401  (matplotlib's import and fonts, before the first render)


def _exit_without(parent: int) -> None:
    """End the worker at once when the bot's process is gone (killed before it could stop the worker)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(0)
