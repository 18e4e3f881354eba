"""All queries of StudyBot, on a session whose lifecycle the caller owns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, and_, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import (
    Answer,
    Channel,
    DailyDrop,
    KeyValue,
    ReviewState,
    User,
    UserStats,
    Workspace,
)

T = TypeVar("T")


@dataclass(frozen=True)
class BoardRow:
    """One line of a leaderboard."""

    user_id: int
    name: str
    points: int
    correct: int


@dataclass(frozen=True)
class TopicTally:
    """A user's quiz answers within one topic."""

    topic_id: str
    answers: int
    correct: int


class Repository:
    """Data access for the use cases; never commits (the unit of work does)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.dialect = session.bind.dialect.name if session.bind is not None else "sqlite"

    def _insert(self, table: Any) -> Any:
        module = postgresql if self.dialect == "postgresql" else sqlite
        return module.insert(table)

    def _locking(self, stmt: Select[T]) -> Select[T]:
        # SQLite write transactions are already exclusive (BEGIN IMMEDIATE).
        return stmt.with_for_update() if self.dialect == "postgresql" else stmt

    # workspaces, users, channels ------------------------------------------------
    async def ensure_workspace(self, platform: str, external_id: str, name: str) -> Workspace:
        """The workspace row, created on first sight."""
        stmt = self._insert(Workspace).values(
            platform=platform, external_id=external_id, name=name[:200]
        )
        await self.session.execute(stmt.on_conflict_do_nothing())
        row = await self.session.scalar(
            select(Workspace).where(
                Workspace.platform == platform, Workspace.external_id == external_id
            )
        )
        assert row is not None
        return row

    async def ensure_user(self, workspace_id: int, external_id: str, name: str) -> User:
        """The user row (and an empty stats row), created on first sight."""
        stmt = self._insert(User).values(
            workspace_id=workspace_id, external_id=external_id, display_name=name[:200]
        )
        await self.session.execute(stmt.on_conflict_do_nothing())
        row = await self.session.scalar(
            select(User).where(User.workspace_id == workspace_id, User.external_id == external_id)
        )
        assert row is not None
        await self.session.execute(
            self._insert(UserStats).values(user_id=row.id).on_conflict_do_nothing()
        )
        if name and row.display_name != name[:200]:
            row.display_name = name[:200]
        return row

    async def set_user_timezone(self, user_id: int, tz: str | None) -> None:
        """Set (or clear) a user's own timezone."""
        await self.session.execute(update(User).where(User.id == user_id).values(timezone=tz))

    async def user_by_id(self, user_id: int) -> User | None:
        """A user by primary key."""
        return await self.session.get(User, user_id)

    async def workspace_by_id(self, workspace_id: int) -> Workspace | None:
        """A workspace by primary key."""
        return await self.session.get(Workspace, workspace_id)

    async def channel(self, workspace_id: int, external_id: str) -> Channel | None:
        """A channel's settings, if it was ever set up."""
        return await self.session.scalar(
            select(Channel).where(
                Channel.workspace_id == workspace_id, Channel.external_id == external_id
            )
        )

    async def ensure_channel(self, workspace_id: int, external_id: str, name: str) -> Channel:
        """A channel row, created on first use."""
        stmt = self._insert(Channel).values(
            workspace_id=workspace_id, external_id=external_id, name=name[:200]
        )
        await self.session.execute(stmt.on_conflict_do_nothing())
        row = await self.channel(workspace_id, external_id)
        assert row is not None
        return row

    async def scheduled_channels(self, workspace_id: int | None = None) -> Sequence[Channel]:
        """Channels with a drop time, optionally of one workspace."""
        stmt = select(Channel).where(Channel.drop_time.is_not(None)).order_by(Channel.id)
        if workspace_id is not None:
            stmt = stmt.where(Channel.workspace_id == workspace_id)
        return (await self.session.scalars(stmt)).all()

    async def last_drop(self, channel_id: int, kind: str = "lesson") -> DailyDrop | None:
        """The most recent drop of a channel."""
        return await self.session.scalar(
            select(DailyDrop)
            .where(DailyDrop.channel_id == channel_id, DailyDrop.kind == kind)
            .order_by(DailyDrop.local_date.desc())
            .limit(1)
        )

    # answers and stats ------------------------------------------------------------
    async def answer_for(self, user_id: int, instance: str) -> Answer | None:
        """The answer a user already gave to a question instance."""
        return await self.session.scalar(
            select(Answer).where(Answer.user_id == user_id, Answer.instance == instance)
        )

    async def answer_by_delivery(self, delivery_key: str) -> Answer | None:
        """The answer recorded for a platform delivery."""
        return await self.session.scalar(select(Answer).where(Answer.delivery_key == delivery_key))

    async def insert_answer(self, **values: Any) -> int | None:
        """Insert an answer unless its instance or delivery was recorded already; the new id or None."""
        stmt = self._insert(Answer).values(**values).on_conflict_do_nothing().returning(Answer.id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def stats_for_update(self, user_id: int) -> UserStats:
        """The user's stats row, locked for this transaction."""
        row = await self.session.scalar(
            self._locking(select(UserStats).where(UserStats.user_id == user_id))
        )
        if row is None:
            row = UserStats(
                user_id=user_id, points=0, answers=0, correct=0, current_streak=0, best_streak=0
            )
            self.session.add(row)
        return row

    async def stats(self, user_id: int) -> UserStats | None:
        """The user's stats row."""
        return await self.session.get(UserStats, user_id)

    async def review_for_update(self, user_id: int, question_id: str) -> ReviewState | None:
        """The FSRS state of one question for a user, locked for this transaction."""
        return await self.session.scalar(
            self._locking(
                select(ReviewState).where(
                    ReviewState.user_id == user_id, ReviewState.question_id == question_id
                )
            )
        )

    async def review_dues(self, user_id: int) -> dict[str, dt.datetime]:
        """Due times of every question the user has reviewed."""
        rows = await self.session.execute(
            select(ReviewState.question_id, ReviewState.due).where(ReviewState.user_id == user_id)
        )
        return {row[0]: row[1] for row in rows}

    async def topic_tallies(self, user_id: int) -> list[TopicTally]:
        """Quiz answers and right answers per topic for one user."""
        rows = await self.session.execute(
            select(
                Answer.topic_id,
                func.count(),
                func.sum(case((Answer.correct, 1), else_=0)),
            )
            .where(Answer.user_id == user_id, Answer.kind == "quiz")
            .group_by(Answer.topic_id)
        )
        return [TopicTally(t, int(n), int(c or 0)) for t, n, c in rows]

    async def practised_topics(self, user_id: int) -> set[str]:
        """Topics in which the user answered anything (quiz or interview)."""
        rows = await self.session.scalars(
            select(Answer.topic_id).where(Answer.user_id == user_id).distinct()
        )
        return set(rows.all())

    async def leaderboard(
        self, workspace_id: int, since: dt.datetime | None, limit: int
    ) -> list[BoardRow]:
        """Users of one workspace by points earned since `since`; ties broken deterministically."""
        points = func.sum(Answer.points).label("points")
        correct = func.sum(case((Answer.correct, 1), else_=0)).label("correct")
        conditions = [Answer.workspace_id == workspace_id, User.workspace_id == workspace_id]
        if since is not None:
            conditions.append(Answer.answered_at >= since)
        stmt = (
            select(User.id, User.display_name, User.external_id, points, correct)
            .join(Answer, Answer.user_id == User.id)
            .where(and_(*conditions))
            .group_by(User.id, User.display_name, User.external_id)
            .having(func.sum(Answer.points) > 0)
            .order_by(points.desc(), correct.desc(), func.min(Answer.answered_at), User.id)
            .limit(limit)
        )
        rows = await self.session.execute(stmt)
        return [
            BoardRow(uid, name or ext, int(p or 0), int(c or 0)) for uid, name, ext, p, c in rows
        ]

    async def longest_streaks(self, workspace_id: int, limit: int) -> list[tuple[str, int]]:
        """Current stored streaks of a workspace's users, longest first."""
        rows = await self.session.execute(
            select(User.display_name, User.external_id, UserStats.current_streak)
            .join(UserStats, UserStats.user_id == User.id)
            .where(User.workspace_id == workspace_id, UserStats.current_streak > 0)
            .order_by(UserStats.current_streak.desc(), User.id)
            .limit(limit)
        )
        return [(name or ext, int(s)) for name, ext, s in rows]

    # small key/value state ---------------------------------------------------------
    async def get_value(self, key: str) -> str | None:
        """A stored piece of bot state."""
        row = await self.session.get(KeyValue, key)
        return row.value if row else None

    async def set_value(self, key: str, value: str) -> None:
        """Store a piece of bot state."""
        stmt = self._insert(KeyValue).values(key=key, value=value)
        await self.session.execute(
            stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value})
        )
