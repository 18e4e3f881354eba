"""Group commit: outcomes queued while a batch is being recorded go together in the next batch."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from scheduler.group_commit import GroupCommit


class SlowCommits:
    """Records each batch it is given, taking a moment per batch; fails batches holding `bad`."""

    def __init__(self, bad: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.bad = bad

    async def commit(self, items: Sequence[int]) -> list[int]:
        """Answer each item doubled, after a short wait."""
        self.batches.append(list(items))
        await asyncio.sleep(0.02)
        if self.bad in items:
            raise RuntimeError("the batch failed")
        return [item * 2 for item in items]


async def test_items_queued_during_a_commit_go_together_in_the_next() -> None:
    """The first item commits alone; the nine queued meanwhile commit in one batch, each with its answer."""
    commits = SlowCommits()
    group: GroupCommit[int, int] = GroupCommit(commits.commit, max_batch=100)
    first = asyncio.create_task(group.submit(0))
    await asyncio.sleep(0)
    answers = await asyncio.gather(first, *(group.submit(n) for n in range(1, 10)))
    assert answers == [n * 2 for n in range(10)]
    assert commits.batches == [[0], list(range(1, 10))]


async def test_a_batch_holds_at_most_max_batch_items() -> None:
    """Seven items queued at once with batches of three: 3, 3 and 1, in arrival order."""
    commits = SlowCommits()
    group: GroupCommit[int, int] = GroupCommit(commits.commit, max_batch=3)
    await asyncio.gather(*(group.submit(n) for n in range(7)))
    assert commits.batches == [[0, 1, 2], [3, 4, 5], [6]]


async def test_a_failed_batch_fails_its_own_callers_only() -> None:
    """The batch holding the bad item raises to each of its callers; the next batch still commits."""
    commits = SlowCommits(bad=1)
    group: GroupCommit[int, int] = GroupCommit(commits.commit, max_batch=2)
    results = await asyncio.gather(*(group.submit(n) for n in range(4)), return_exceptions=True)
    assert [type(r) for r in results[:2]] == [RuntimeError, RuntimeError]
    assert results[2:] == [4, 6]


async def test_close_waits_for_what_is_queued() -> None:
    """Items submitted by callers that stopped waiting are still committed before `close` returns."""
    commits = SlowCommits()
    group: GroupCommit[int, int] = GroupCommit(commits.commit, max_batch=100)
    callers = [asyncio.create_task(group.submit(n)) for n in range(3)]
    await asyncio.sleep(0)
    for caller in callers:
        caller.cancel()
    await group.close()
    assert sorted(n for batch in commits.batches for n in batch) == [0, 1, 2]
    with pytest.raises(asyncio.CancelledError):
        await callers[0]
