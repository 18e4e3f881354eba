"""A learner's own data: what is kept about them, taking it out (export) and deleting it (forget).

Every table that holds rows of one learner is listed once in `PER_USER_TABLES`; deleting and
exporting both go through that list, so a new per-learner table is one more entry there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, func, select, update

from bot.store.base import SessionStore
from bot.store.models import (
    Answer,
    Base,
    Reminder,
    ReminderSend,
    ReviewState,
    Score,
    User,
    UserStats,
    Workspace,
)


def _table(model: type[Base]) -> Table:
    """The table of an ORM model."""
    return cast(Table, model.__table__)


PER_USER_TABLES: tuple[Table, ...] = tuple(
    _table(model) for model in (Answer, ReviewState, UserStats, Reminder, ReminderSend, Score)
)
"""The tables with rows of one learner, each with a `user_id` column, deleted before the user's row.

`pending_scores` is not one of them: its rows hold a moment's answers of many learners on their
way to the boards (see `bot.usecases.scoring`). Fold them first (`AnswerStore.fold_every_score`),
and a learner's points are in `scores`; a fold leaves out the deltas of a learner deleted since.
"""
USERS = _table(User)

HIDDEN_NAME = "a learner"
"""How a board shows a learner who asked to be hidden (`/study privacy hide`)."""


def board_name(name: str, external_id: str, hidden: bool) -> str:
    """The name a leaderboard shows for a learner: their display name, their id, or "a learner" if hidden."""
    return HIDDEN_NAME if hidden else (name or external_id)


@dataclass(frozen=True)
class LearnerRef:
    """One learner's row: the database ids, and the platform's ids of the learner and their workspace."""

    user_pk: int
    workspace_pk: int
    platform: str
    workspace: str
    user: str


def _value(value: Any) -> Any:
    """A column value as JSON holds it (dates and times as ISO 8601, pairs such as a day's answers as lists)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    return value


INTERNAL = ("id", "user_id", "workspace_id")
"""Columns that hold the database's own ids: they mean nothing outside it, so exports leave them out."""


def _row(row: Any) -> dict[str, Any]:
    """A row's columns by name, as JSON values, without the internal ids."""
    return {key: _value(value) for key, value in row._mapping.items() if key not in INTERNAL}


class PrivacyStore(SessionStore):
    """Finding a learner by their platform ids, their leaderboard setting, and exporting or deleting their rows."""

    async def learners(self, platform: str, user: str, workspace: str | None = None) -> list[LearnerRef]:
        """The learner's rows on `platform`: in one workspace, or in every workspace when none is given."""
        stmt = (
            select(User.id, Workspace.id, Workspace.platform, Workspace.external_id, User.external_id)
            .join(Workspace, Workspace.id == User.workspace_id)
            .where(Workspace.platform == platform, User.external_id == user)
            .order_by(Workspace.id)
        )
        if workspace is not None:
            stmt = stmt.where(Workspace.external_id == workspace)
        return [LearnerRef(*row) for row in await self._execute(stmt)]

    async def set_hidden(self, user_pk: int, hidden: bool) -> None:
        """Whether leaderboards show the learner as "a learner" instead of by name."""
        await self._execute(update(User).where(User.id == user_pk).values(hidden=hidden))

    async def is_hidden(self, user_pk: int) -> bool:
        """Whether the learner is hidden on leaderboards."""
        return bool(await self.session.scalar(select(User.hidden).where(User.id == user_pk)))

    async def forget(self, user_pk: int) -> dict[str, int]:
        """Delete every row of one learner, table by table, then their user row; rows deleted per table."""
        deleted: dict[str, int] = {}
        for table in (*PER_USER_TABLES, USERS):
            column = table.c.id if table is USERS else table.c.user_id
            result = await self._execute(delete(table).where(column == user_pk))
            deleted[table.name] = int(result.rowcount or 0)
        return deleted

    async def export(self, user_pk: int) -> dict[str, Any]:
        """Everything kept about one learner: their user row (settings), and their rows of every per-user table."""
        user = (await self._execute(select(USERS).where(USERS.c.id == user_pk))).first()
        if user is None:
            return {}
        data: dict[str, Any] = {"user": _row(user)}
        for table in PER_USER_TABLES:
            rows = await self._execute(
                select(table).where(table.c.user_id == user_pk).order_by(*table.primary_key.columns)
            )
            data[table.name] = [_row(row) for row in rows]
        return data

    async def workspace(self, platform: str | None, workspace: str) -> list[Workspace]:
        """The workspaces with this platform id (on one platform, or on any)."""
        stmt = select(Workspace).where(Workspace.external_id == workspace).order_by(Workspace.id)
        if platform is not None:
            stmt = stmt.where(Workspace.platform == platform)
        return list((await self.session.scalars(stmt)).all())

    async def workspace_answers(self, workspace_pk: int) -> list[dict[str, Any]]:
        """Every answer of a workspace, oldest first, with the learner's platform id."""
        rows = await self._execute(
            select(User.external_id, Answer.course_id, Answer.question_id, Answer.topic_id, Answer.kind, Answer.choice,
                   Answer.correct, Answer.points, Answer.local_day, Answer.answered_at)
            .join(User, User.id == Answer.user_id)
            .where(Answer.workspace_id == workspace_pk)
            .order_by(Answer.answered_at, Answer.id)
        )
        return [dict(zip(ANSWER_COLUMNS, map(_value, row), strict=True)) for row in rows]

    async def workspace_learners(self, workspace_pk: int) -> list[dict[str, Any]]:
        """Every learner of a workspace with their totals, and how many answers they gave."""
        answers = (
            select(Answer.user_id, func.count().label("n")).group_by(Answer.user_id).subquery()
        )
        rows = await self._execute(
            select(User.external_id, User.display_name, User.hidden, User.timezone, UserStats.points,
                   UserStats.answers, UserStats.correct, UserStats.current_streak, UserStats.best_streak,
                   UserStats.last_active_day, func.coalesce(answers.c.n, 0))
            .outerjoin(UserStats, UserStats.user_id == User.id)
            .outerjoin(answers, answers.c.user_id == User.id)
            .where(User.workspace_id == workspace_pk)
            .order_by(User.id)
        )
        return [dict(zip(LEARNER_COLUMNS, map(_value, row), strict=True)) for row in rows]


ANSWER_COLUMNS = ("learner", "course_id", "question_id", "topic_id", "kind", "choice", "correct", "points",
                  "local_day", "answered_at")
"""The columns of a workspace's answers export (CSV header and JSON keys)."""
LEARNER_COLUMNS = ("learner", "display_name", "hidden", "timezone", "points", "quiz_answers", "quiz_correct",
                   "current_streak", "best_streak", "last_active_day", "answers_given")
"""The columns of a workspace's per-learner export (CSV header and JSON keys)."""
