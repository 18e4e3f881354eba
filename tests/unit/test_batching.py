"""The group-commit batcher's failure handling, with a stand-in unit of work (no database)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import cast

import pytest
from fsrs import Rating

from bot.store.answers import StatsRow
from bot.store.errors import StoreBusyError, StoreUnavailableError
from bot.store.unit_of_work import Stores
from bot.usecases import batching
from bot.usecases.batching import AnswerBatcher
from bot.usecases.context import Identity
from bot.usecases.recording import NewAnswer, Recorded, Submission

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def _submission(n: int) -> Submission:
    answer = NewAnswer("c", "q", "t", "quiz", f"i{n}", f"d{n}", 0, True, 10, Rating.Good)
    return Submission(Identity(1, n, "UTC"), answer, NOW)


async def test_a_lost_connection_fails_the_whole_batch_without_retries() -> None:
    """When the database is unreachable every caller gets the error, after a single attempt."""
    attempts: list[int] = []

    @asynccontextmanager
    async def unreachable() -> AsyncIterator[Stores]:
        attempts.append(1)
        raise ConnectionRefusedError("database down")
        yield  # pragma: no cover

    batcher = AnswerBatcher(unreachable)
    outcomes = await asyncio.gather(*(batcher.record(_submission(n)) for n in range(5)), return_exceptions=True)
    assert all(isinstance(o, ConnectionRefusedError) for o in outcomes)
    assert len(attempts) == 1


async def test_callers_waiting_when_the_batcher_is_cancelled_are_cancelled() -> None:
    """Cancelling the batcher's task mid-transaction cancels its callers instead of leaving them hanging."""
    entered = asyncio.Event()

    @asynccontextmanager
    async def stuck() -> AsyncIterator[Stores]:
        entered.set()
        await asyncio.sleep(3600)
        raise AssertionError("never reached")
        yield  # pragma: no cover

    batcher = AnswerBatcher(stuck)
    callers = [asyncio.ensure_future(batcher.record(_submission(n))) for n in range(3)]
    await entered.wait()
    late = asyncio.ensure_future(batcher.record(_submission(9)))
    await asyncio.sleep(0)
    assert batcher._runner is not None
    batcher._runner.cancel()
    for caller in (*callers, late):
        with pytest.raises(asyncio.CancelledError):
            await caller


@pytest.mark.parametrize(
    "error",
    [
        StoreBusyError("OperationalError: database is locked"),
        StoreUnavailableError("TimeoutError: QueuePool limit of size 10 overflow 10 reached"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
    ids=["busy", "unavailable", "refused"],
)
async def test_a_busy_database_fails_the_batch_once(error: Exception) -> None:
    """A locked database or an exhausted pool is not retried answer by answer (each would wait again)."""
    attempts: list[int] = []

    @asynccontextmanager
    async def busy() -> AsyncIterator[Stores]:
        attempts.append(1)
        raise error
        yield  # pragma: no cover

    batcher = AnswerBatcher(busy)
    outcomes = await asyncio.gather(*(batcher.record(_submission(n)) for n in range(5)), return_exceptions=True)
    assert all(o is error for o in outcomes)
    assert len(attempts) == 1


async def test_a_batcher_whose_runner_was_cancelled_mid_commit_records_later_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cancelling the runner while one batch commits and the next is written cancels those callers.

    The next answer is recorded as usual.
    """

    async def recorded(store: object, submissions: list[Submission]) -> list[Recorded]:
        return [Recorded(StatsRow(), None, 10) for _ in submissions]

    monkeypatch.setattr(batching, "record_many", recorded)
    commits = asyncio.Event()
    both_written = asyncio.Event()
    written_batches = 0

    @asynccontextmanager
    async def slow_commits() -> AsyncIterator[Stores]:
        nonlocal written_batches
        yield cast(Stores, SimpleNamespace(answers=None))  # record_many is replaced above
        written_batches += 1
        if written_batches == 2:
            both_written.set()
        await commits.wait()
        await asyncio.sleep(0.001)  # the flush itself

    batcher = AnswerBatcher(slow_commits)
    committing = asyncio.ensure_future(batcher.record(_submission(1)))
    await asyncio.sleep(0.01)  # the first batch is written and committing
    written = asyncio.ensure_future(batcher.record(_submission(2)))
    await both_written.wait()
    await asyncio.sleep(0)  # the runner now waits for the first batch to commit
    assert batcher._runner is not None
    batcher._runner.cancel()
    for caller in (committing, written):
        with pytest.raises(asyncio.CancelledError):
            await caller
    commits.set()
    later = await asyncio.wait_for(batcher.record(_submission(3)), 1)
    assert later.points == 10
