"""Where a learner stands on a board when they are not in its top ten: "#1,234 of 8,410, 420 pts".

Counting every learner above someone deep in a board of 100,000 reads 100,000 index entries,
tens of milliseconds; keeping those counts in shared rows would make every answer wait on the
others. So each process keeps, per board, how many learners have each (points, right answers), read in
one statement and refreshed in the background once it is older than `MAX_AGE_S`. A rank is that
count of the learners who are ahead on points or right answers, plus the learners level on both
who answered first, counted exactly from the board's index (one range of it). It can lag the
overtakes of the last `MAX_AGE_S` seconds.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from bot.store.answers import AnswerStore
from bot.store.scores import Board
from bot.store.unit_of_work import Stores

MAX_AGE_S = 10.0


@dataclass(frozen=True)
class Standing:
    """Where one learner stands on a board: their rank, of how many learners, and their points."""

    rank: int
    of: int
    points: int


Score = tuple[int, int]  # points, right answers: a board orders by them first


@dataclass(frozen=True)
class Counts:
    """How many learners of a board are ahead of a score, as read at `read_at` (monotonic)."""

    ascending: list[Score]  # the distinct scores, lowest first
    at_least: list[int]  # at_least[i]: learners whose score is ascending[i] or higher
    read_at: float

    @classmethod
    def of(cls, rows: list[tuple[Score, int]], read_at: float) -> Counts:
        """From (score, learners) rows, highest first."""
        ascending = [score for score, _ in reversed(rows)]
        at_least = list(reversed(list(itertools.accumulate(n for _, n in rows))))
        return cls(ascending, at_least, read_at)

    @property
    def total(self) -> int:
        """Learners on the board."""
        return self.at_least[0] if self.at_least else 0

    def ahead_of(self, score: Score) -> int:
        """Learners with more points, or as many and more right answers."""
        i = bisect.bisect_right(self.ascending, score)
        return self.at_least[i] if i < len(self.at_least) else 0


class Standings:
    """The per-board counts of one process, and the rank of a learner from them."""

    def __init__(self, unit_of_work: Callable[[], AbstractAsyncContextManager[Stores]],
                 max_age_s: float = MAX_AGE_S) -> None:
        self._unit_of_work = unit_of_work
        self._max_age_s = max_age_s
        self._counts: dict[Board, Counts] = {}
        self._refreshing: dict[Board, asyncio.Task[None]] = {}

    async def standing(self, store: AnswerStore, board: Board, user_id: int) -> Standing | None:
        """Where the learner stands on `board`, or None without points there."""
        own = await store.own_score(board, user_id)
        if own is None:
            return None
        counts = self._counts.get(board)
        if counts is None:
            counts = await self._read(store, board)
        elif time.monotonic() - counts.read_at > self._max_age_s and board not in self._refreshing:
            task = asyncio.create_task(self._refresh(board))
            self._refreshing[board] = task
            task.add_done_callback(lambda _: self._refreshing.pop(board, None))
        rank = counts.ahead_of((own.points, own.correct)) + own.ties_ahead + 1
        return Standing(rank, max(rank, counts.total), own.points)

    async def _read(self, store: AnswerStore, board: Board) -> Counts:
        """Read the board's counts now, and keep them."""
        counts = Counts.of(await store.board_counts(board), time.monotonic())
        self._counts[board] = counts
        return counts

    async def _refresh(self, board: Board) -> None:
        """Read the board's counts again in a transaction of their own."""
        async with self._unit_of_work() as uow:
            await self._read(uow.answers, board)
