"""Ranks below the top ten equal the board's own order, ties included, however large a group level on points."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.periods import ALL_TIME, Period
from bot.store.models import Score, User, Workspace
from bot.store.scores import TIE_STEP, Board
from bot.usecases.context import Core

START = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
LEVEL = (12, 1)  # the points and right answers of the large group


Order = list[tuple[int, int, int]]  # the board's learners in its order: (user id, points, right answers)


async def _fill(engine: AsyncEngine, rng: random.Random) -> tuple[Board, Order]:
    """One board of 700 learners, 600 of them level on LEVEL (some first answering at the same moment); its order."""
    async with engine.begin() as conn:
        ws = (await conn.execute(insert(Workspace).values(platform="console", external_id="w").returning(
            Workspace.id))).scalar_one()
        ids = list((await conn.execute(insert(User).returning(User.id), [
            {"workspace_id": ws, "external_id": f"u{n}", "display_name": f"U{n}"} for n in range(700)
        ])).scalars())
        learners: list[tuple[int, int, dt.datetime, int]] = []  # points, right answers, first answer, user id
        for n, uid in enumerate(ids):
            points, correct = LEVEL if n < 600 else (rng.randint(1, 40), rng.randint(0, 3))
            first_at = START + dt.timedelta(seconds=rng.randint(0, 400))  # about one moment in two shared
            learners.append((points, correct, first_at, uid))
        await conn.execute(insert(Score), [
            {"workspace_id": ws, "course_id": "c", "period": Period.ALL.value, "starts_on": ALL_TIME, "user_id": uid,
             "points": points, "correct": correct, "first_at": first_at}
            for points, correct, first_at, uid in learners
        ])
    learners.sort(key=lambda r: (-r[0], -r[1], r[2], r[3]))
    return Board(ws, "c", Period.ALL, ALL_TIME), [(uid, points, correct) for points, correct, _, uid in learners]

@pytest.fixture
async def board(core: Core) -> tuple[Board, Order]:
    """The board of 700 learners, filled in the test database."""
    return await _fill(core.sessions.kw["bind"], random.Random(20261202))


async def test_every_rank_equals_the_place_on_the_board(core: Core, board: tuple[Board, Order]) -> None:
    """Each of 700 learners, 600 of them level, ranks where the board's order puts them, of 700."""
    spot, order = board
    async with core.reading() as uow:
        owns = [(await uow.answers.leaderboard(spot, 10, uid)).own for uid, _, _ in order]
        ranks = [await core.standings.standing(uow.answers, spot, own) for own in owns if own is not None]
    assert [(s.rank, s.of) for s in ranks] == [(n, 700) for n in range(1, 701)]


async def test_a_large_group_is_marked_every_tie_step(core: Core, board: tuple[Board, Order]) -> None:
    """The group of 600 is marked at its 256th and 512th learner in the board's order, and no other group is."""
    spot, order = board
    group = [uid for uid, points, correct in order if (points, correct) == LEVEL]
    async with core.reading() as uow:
        marks = await uow.answers.board_marks(spot)
    assert [(m.points, m.correct, m.place, m.user_id) for m in sorted(marks, key=lambda m: m.place)] == [
        (*LEVEL, TIE_STEP, group[TIE_STEP - 1]), (*LEVEL, 2 * TIE_STEP, group[2 * TIE_STEP - 1])
    ]
