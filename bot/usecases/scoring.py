"""Putting new answers on the boards: folding their pending scores soon after each batch commits.

A batch of answers writes its points to `pending_scores` (see `bot.store.scores`); the process's
`ScoreFolder` is told once the batch has committed and, within `GATHER_S`, folds everything
pending in a transaction of its own, one fold at a time. So under load a single fold carries the
answers of many batches, and each learner's six board rows are written once per fold rather than
once per batch. A read of a board first asks for the folds of the answers this process has
recorded so far and waits for them (`settled`): the fold then starts at once, and a learner who
answers and then asks for the board sees their points. Answers recorded by another process reach
the boards within that process's next fold. Pending rows left by a process that stopped before
folding them are taken by any process's `sweep`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from bot.pause import pause
from bot.store.errors import DATABASE_ERRORS, StoreError
from bot.store.scores import FOLD_BATCH
from bot.store.unit_of_work import Stores

log = logging.getLogger(__name__)

SWEEP_INTERVAL_S = 30.0
GATHER_S = 1.0  # how long a fold waits for more batches, unless a reader is waiting for it (see docs/benchmarks.md)


class ScoreFolder:
    """Folds pending scores into the boards: after each committed batch, and now and then for leftovers."""

    def __init__(self, unit_of_work: Callable[[], AbstractAsyncContextManager[Stores]],
                 batch: int = FOLD_BATCH, gather_s: float = GATHER_S) -> None:
        self._unit_of_work = unit_of_work
        self._batch = batch
        self._gather_s = gather_s
        self._hurry: asyncio.Event | None = None
        self._asked = 0  # batches committed so far
        self._folded = 0  # of those, how many a finished fold had to take
        self._running: asyncio.Task[None] | None = None
        self._waiting: list[tuple[int, asyncio.Future[None]]] = []
        self._failing = False

    def committed(self) -> None:
        """A batch of answers has committed: fold its scores (in a fold starting now, or after the running one)."""
        self._asked += 1
        running = self._running
        if running is None or running.done() or running.get_loop() is not asyncio.get_running_loop():
            self._waiting = [(n, w) for n, w in self._waiting if w.get_loop() is asyncio.get_running_loop()]
            self._hurry = asyncio.Event()
            self._running = asyncio.create_task(self._run(self._hurry), name="score-fold")

    async def settled(self) -> None:
        """Return once every batch committed so far in this process has been folded (at once if it has)."""
        running = self._running
        if (self._folded >= self._asked or running is None or running.done()
                or running.get_loop() is not asyncio.get_running_loop()):
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((self._asked, waiter))
        if self._hurry is not None:
            self._hurry.set()
        await asyncio.shield(waiter)

    async def drain(self) -> None:
        """Wait for the folds of every batch committed so far to finish: before the database is closed."""
        running = self._running
        if running is not None and not running.done() and running.get_loop() is asyncio.get_running_loop():
            if self._hurry is not None:
                self._hurry.set()
            await running

    async def fold_all(self) -> int:
        """Fold every pending score, in transactions of at most `batch` pending rows; how many rows were folded."""
        total = 0
        while True:
            async with self._unit_of_work() as uow:
                taken = await uow.answers.fold_scores(self._batch)
            total += taken
            if taken < self._batch:
                return total

    async def sweep(self, interval: float = SWEEP_INTERVAL_S, stop: asyncio.Event | None = None) -> None:
        """Fold what is pending now, then every `interval` s (what stopped processes left), until `stop` is set.

        A fold under way finishes first, so its transaction ends whole.
        """
        stop = stop or asyncio.Event()
        while True:
            await self._fold_logged()
            if await pause(stop, interval):
                return

    async def _run(self, hurry: asyncio.Event) -> None:
        """Fold until every batch committed meanwhile is folded, releasing the readers waiting for each.

        Each fold first gathers batches for `GATHER_S`, or until a reader is waiting (`hurry`).
        Readers are released however this ends (a failed fold, a cancelled task): a board read
        then shows what the boards hold, never waits for good.
        """
        try:
            while self._folded < self._asked:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(hurry.wait(), self._gather_s)
                hurry.clear()
                upto = self._asked
                await self._fold_logged()
                self._folded = upto
                self._release(upto)
        finally:
            self._release(None)

    def _release(self, upto: int | None) -> None:
        """Wake the readers waiting for batches up to `upto` (None: all of them)."""
        still = []
        for n, waiter in self._waiting:
            if upto is not None and n > upto:
                still.append((n, waiter))
            elif not waiter.done():
                waiter.set_result(None)
        self._waiting = still

    async def _fold_logged(self) -> None:
        """One `fold_all`; a database failure is logged once (the rows stay pending for the next fold)."""
        try:
            await self.fold_all()
        except (StoreError, *DATABASE_ERRORS) as exc:
            if not self._failing:
                log.warning("New answers could not be put on the boards yet (%s); they stay pending and are "
                            "folded with the next answers or within %.0f s", getattr(exc, "cause", type(exc).__name__),
                            SWEEP_INTERVAL_S)
            self._failing = True
        except Exception:  # a bug: logged with its traceback, and the rows stay pending
            log.exception("folding the pending scores failed")
        else:
            if self._failing:
                log.info("New answers are reaching the boards again")
            self._failing = False
