"""Where a learner stands on a board when they are not in its top ten: "#1,234 of 8,410, 420 pts".

Counting every learner above someone deep in a board of 100,000 reads 100,000 index entries,
tens of milliseconds; keeping those counts in shared rows would make every answer wait on the
others. So each process keeps, per board, how many learners have each (points, right answers),
and every TIE_STEP-th learner of each group level on both (its marks), read in the background
once older than `MAX_AGE_S`. A rank is the count of the learners ahead on points or right
answers, plus those level on both who answered first: counted from the board's index up to
TIE_STEP of them by the board's own read (`AnswerStore.leaderboard`), and beyond that from the
nearest mark ahead (its place in the group, plus those between it and the learner, counted from
the index). Early in a week most learners are level on one or two answers, so a group can hold
a tenth of the board; this keeps every rank to two short ranges of the index. A rank can lag the
overtakes of the last `MAX_AGE_S` seconds.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import itertools
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from bot.store.answers import AnswerStore
from bot.store.scores import TIE_STEP, Board, Mark, OwnScore
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
    """How many learners of a board are ahead of a score, and its groups' marks, as read at `read_at` (monotonic)."""

    ascending: list[Score]  # the distinct scores, lowest first
    at_least: list[int]  # at_least[i]: learners whose score is ascending[i] or higher
    read_at: float
    marks: dict[Score, list[Mark]] = field(default_factory=dict)  # per group, in the board's order

    @classmethod
    def of(cls, rows: list[tuple[Score, int]], read_at: float, marks: Sequence[Mark] = ()) -> Counts:
        """From (score, learners) rows, highest first, and the board's marks in any order."""
        ascending = [score for score, _ in reversed(rows)]
        at_least = list(reversed(list(itertools.accumulate(n for _, n in rows))))
        groups: dict[Score, list[Mark]] = {}
        for mark in sorted(marks, key=lambda m: m.place):
            groups.setdefault((mark.points, mark.correct), []).append(mark)
        return cls(ascending, at_least, read_at, groups)

    @property
    def total(self) -> int:
        """Learners on the board."""
        return self.at_least[0] if self.at_least else 0

    def ahead_of(self, score: Score) -> int:
        """Learners with more points, or as many and more right answers."""
        i = bisect.bisect_right(self.ascending, score)
        return self.at_least[i] if i < len(self.at_least) else 0

    def mark_before(self, score: Score, first_at: dt.datetime, user_id: int) -> Mark | None:
        """The last mark of the group `score` ahead of a learner who first answered at `first_at`, if any."""
        group = self.marks.get(score, [])
        i = bisect.bisect_left(group, (first_at, user_id), key=lambda m: (m.first_at, m.user_id))
        return group[i - 1] if i else None


class Standings:
    """The per-board counts of one process, and the rank of a learner from them."""

    def __init__(self, unit_of_work: Callable[[], AbstractAsyncContextManager[Stores]],
                 max_age_s: float = MAX_AGE_S) -> None:
        self._unit_of_work = unit_of_work
        self._max_age_s = max_age_s
        self._counts: dict[Board, Counts] = {}
        self._refreshing: dict[Board, asyncio.Task[None]] = {}

    async def standing(self, store: AnswerStore, board: Board, own: OwnScore) -> Standing:
        """Where the learner whose row on `board` is `own` (as the board's read gave it) stands on it."""
        counts = self._counts.get(board)
        if counts is None:
            counts = await self._read(store, board)
        elif time.monotonic() - counts.read_at > self._max_age_s and board not in self._refreshing:
            task = asyncio.create_task(self._refresh(board))
            self._refreshing[board] = task
            task.add_done_callback(lambda _: self._refreshing.pop(board, None))
        rank = counts.ahead_of((own.points, own.correct)) + await self._ties_ahead(store, board, own, counts) + 1
        return Standing(rank, max(rank, counts.total), own.points)

    @staticmethod
    async def _ties_ahead(store: AnswerStore, board: Board, own: OwnScore, counts: Counts) -> int:
        """The learners level with `own` who answered first: as read with it, or on from the nearest mark ahead."""
        if own.ties_ahead < TIE_STEP:
            return own.ties_ahead
        mark = counts.mark_before((own.points, own.correct), own.first_at, own.user_id)
        return (mark.place if mark else 0) + await store.ties_between(board, own, mark)

    async def _read(self, store: AnswerStore, board: Board) -> Counts:
        """Read the board's counts and marks now, and keep them."""
        counts = Counts.of(await store.board_counts(board), time.monotonic(), await store.board_marks(board))
        self._counts[board] = counts
        return counts

    async def _refresh(self, board: Board) -> None:
        """Read the board's counts again in a transaction of their own."""
        async with self._unit_of_work() as uow:
            await self._read(uow.answers, board)
