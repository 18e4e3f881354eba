"""Group commit for the runner: outcomes that arrive while one batch is being recorded go together in the next.

Under light load a batch holds one outcome and nothing waits; under a fan-out of thousands, one
transaction records up to `max_batch` of them, so the per-delivery cost of BEGIN, the statement
and COMMIT shrinks. Each caller still learns its own answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    """Hands queued items to `commit` in batches, one batch at a time, in arrival order.

    `commit` gets a batch and returns one answer per item, in order; if it raises, every caller of
    that batch gets the exception.
    """

    def __init__(self, commit: Callable[[Sequence[T]], Awaitable[Sequence[R]]], max_batch: int) -> None:
        self._commit = commit
        self._max_batch = max(1, max_batch)
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._runner: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Queue `item` for the next batch; its answer once that batch is committed."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._drain())
        return await future

    async def close(self) -> None:
        """Wait for what is queued to be committed (or cancel it, if this task is cancelled meanwhile)."""
        runner = self._runner
        if runner is None:
            return
        try:
            await asyncio.shield(runner)
        except asyncio.CancelledError:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
            raise

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[:self._max_batch], self._queue[self._max_batch:]
            try:
                answers = await self._commit([item for item, _future in batch])
            except asyncio.CancelledError:
                for _item, future in batch + self._queue:
                    future.cancel()
                self._queue = []
                raise
            except Exception as exc:
                for _item, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_item, future), answer in zip(batch, answers, strict=True):
                if not future.done():
                    future.set_result(answer)
