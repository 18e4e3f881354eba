"""The boards' scores as stored, and as recounted from the answers, for tests to compare."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.periods import Period, period_key
from bot.store.models import ALL_COURSES, Answer, Score, Workspace

Scores = dict[tuple[int, str, str, dt.date, int], tuple[int, int, dt.datetime]]
"""(workspace, course, period, first day, user) to (points, right answers, first answer)."""


def _utc(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC, aware (SQLite hands raw column reads back naive)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


async def stored_scores(engine: AsyncEngine) -> Scores:
    """Every row of `scores`."""
    async with engine.connect() as conn:
        rows = await conn.execute(select(Score.workspace_id, Score.course_id, Score.period, Score.starts_on,
                                         Score.user_id, Score.points, Score.correct, Score.first_at))
        return {(w, course, p, s, u): (pts, c, _utc(f)) for w, course, p, s, u, pts, c, f in rows}


async def recounted_scores(engine: AsyncEngine, default_timezone: str = "UTC") -> Scores:
    """The scores summed again from the answers, per course and overall, each period in its workspace's timezone."""
    async with engine.connect() as conn:
        zones = {w: tz or default_timezone for w, tz in await conn.execute(select(Workspace.id, Workspace.timezone))}
        answers = (await conn.execute(
            select(Answer.workspace_id, Answer.course_id, Answer.user_id, Answer.answered_at, Answer.points,
                   Answer.correct)
        )).all()
    recount: Scores = {}
    for workspace, course, user, at, points, correct in answers:
        for board in (course, ALL_COURSES):
            for period in Period:
                key = (workspace, board, period.value, period_key(period, _utc(at), zones[workspace]), user)
                before = recount.get(key, (0, 0, _utc(at)))
                recount[key] = (before[0] + points, before[1] + int(correct), min(before[2], _utc(at)))
    return recount
