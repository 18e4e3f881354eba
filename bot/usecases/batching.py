"""Group commit: answers that arrive while a transaction is running are recorded together in the next.

While a batch runs its statements, new answers queue; once it is down to its COMMIT, everything
queued (up to `max_batch`) goes into the next transaction. Under light load a batch holds one
answer and nothing waits; under heavy load one transaction carries many answers, so the per-answer
cost of round trips, BEGIN and COMMIT shrinks. Each caller still gets its own outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from bot.store.errors import StoreBusyError, StoreUnavailableError
from bot.store.unit_of_work import Stores
from bot.usecases.recording import Recorded, Submission, record_many

log = logging.getLogger(__name__)

MAX_BATCH = 100


@dataclass(frozen=True)
class _Waiting:
    """A queued submission and the future its caller awaits."""

    submission: Submission
    future: asyncio.Future[Recorded]


class AnswerBatcher:
    """Records answers in shared transactions, in arrival order (but see `_commit` for one exception).

    Each batch is one unit of work. A batch that fails as a whole (a deadlock with another process,
    one bad answer) is retried answer by answer, each in its own unit of work, so one answer's error
    reaches only its caller; a lost connection fails the whole batch at once. `committed` is called
    after each transaction that recorded answers has committed.
    """

    def __init__(
        self,
        unit_of_work: Callable[[], AbstractAsyncContextManager[Stores]],
        max_batch: int = MAX_BATCH,
        committed: Callable[[], None] = lambda: None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._max_batch = max_batch
        self._committed = committed
        self._queue: list[_Waiting] = []
        self._runner: asyncio.Task[None] | None = None
        self._committing: asyncio.Task[None] | None = None  # the last batch started, maybe still committing

    async def record(self, submission: Submission) -> Recorded:
        """Record one answer (exactly once, see `record_many`) in the next batch; its outcome."""
        future: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
        self._queue.append(_Waiting(submission, future))
        runner, loop = self._runner, future.get_loop()
        if runner is None or runner.done() or runner.get_loop() is not loop:
            if self._committing is not None and self._committing.get_loop() is not loop:
                self._committing = None  # a batch of a loop that has ended
            self._runner = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        """Commit batches until the queue is empty, overlapping each batch's COMMIT with the next.

        A batch starts once the one before has written everything but its COMMIT, so the disk flush
        of one overlaps the statements of the next; at most two are in flight. Order is kept by the
        database: a learner's stats row stays locked until its batch commits, so a later batch with
        the same learner waits for it there and then reads what it wrote.
        """
        running: asyncio.Task[None] | None = None
        try:
            while self._queue:
                # Let callers that are already runnable enqueue first, so they share this batch.
                await asyncio.sleep(0)
                batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
                written = asyncio.Event()
                running = asyncio.create_task(self._commit(batch, written))
                await written.wait()  # set however the batch ends
                if self._committing is not None:
                    await asyncio.wait((self._committing,))  # its outcome went to its own callers
                self._committing, running = running, None
        except BaseException:
            for task in (running, self._committing):
                if task is not None:
                    task.cancel()  # which cancels its callers
            self._committing = None
            for waiting in self._queue:
                waiting.future.cancel()
            self._queue = []
            raise

    async def _commit(self, batch: list[_Waiting], written: asyncio.Event) -> None:
        """One transaction for the whole batch; on failure, one transaction per answer.

        `written` is set once only the batch's COMMIT is left to do, or when every answer of a failed
        batch has been retried alone, so that retries don't overtake a later batch. (A COMMIT that
        fails after that, which a lost connection aside is very rare, is retried beside the next batch.)
        """
        try:
            async with self._unit_of_work() as uow:
                outcomes = await record_many(uow.answers, [w.submission for w in batch])
                written.set()
        except Exception as exc:
            if len(batch) == 1 or _lost_connection(exc):  # nothing to isolate, or every retry would fail too
                for waiting in batch:
                    _settle(waiting.future, exc)
                return
            log.warning("A batch of %d answers failed (%r); recording them one by one", len(batch), exc)
            for waiting in batch:
                await self._commit_alone(waiting)
            return
        except BaseException:
            for waiting in batch:
                waiting.future.cancel()
            raise
        finally:
            written.set()
        self._committed()
        for waiting, outcome in zip(batch, outcomes, strict=True):
            _settle(waiting.future, outcome)

    async def _commit_alone(self, waiting: _Waiting) -> None:
        """Record one answer in its own transaction, handing any error to its caller only."""
        try:
            async with self._unit_of_work() as uow:
                [outcome] = await record_many(uow.answers, [waiting.submission])
        except Exception as exc:
            _settle(waiting.future, exc)
        else:
            self._committed()
            _settle(waiting.future, outcome)


def _lost_connection(exc: Exception) -> bool:
    """Whether the error is about the database as a whole rather than about these answers.

    Gone, out of connections, or a lock that will not come: retrying the answers one by one would
    only wait again.
    """
    return isinstance(exc, StoreUnavailableError | StoreBusyError | OSError | TimeoutError)


def _settle(future: asyncio.Future[Recorded], result: Recorded | Exception) -> None:
    """Hand the outcome (or error) to a caller that is still waiting."""
    if future.done():  # the caller was cancelled; its answer is recorded all the same
        return
    if isinstance(result, Exception):
        future.set_exception(result)
    else:
        future.set_result(result)
