"""Learners: who they are, and what their own history says about them."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, case, func, not_, select, update

from bot.store.answers import StatsRow, statements
from bot.store.base import SessionStore
from bot.store.models import Answer, Reminder, ReviewState, User, UserStats, Workspace


@dataclass(frozen=True)
class TopicTally:
    """A user's quiz answers within one topic they answered something in."""

    topic_id: str
    answers: int
    correct: int


@dataclass(frozen=True)
class Mistake:
    """A quiz question whose latest answer was wrong: the choice made then, and when."""

    question_id: str
    choice: int
    answered_at: dt.datetime


@functools.cache
def _tallies(dialect: str) -> Any:
    """One read of a user's answers in one course, grouped by topic: quiz answers and right ones (built once)."""
    quiz = Answer.kind == "quiz"
    return (
        select(
            Answer.topic_id,
            func.sum(case((quiz, 1), else_=0)),
            func.sum(case((and_(quiz, Answer.correct), 1), else_=0)),
        )
        .where(Answer.user_id == bindparam("uid"), Answer.course_id == bindparam("course"))
        .group_by(Answer.topic_id)
    )


@functools.cache
def _days_studied() -> Any:
    """A user's answers per local day from a date on, in every course (built once)."""
    return (
        select(Answer.local_day, func.count())
        .where(Answer.user_id == bindparam("uid"), Answer.local_day >= bindparam("since"))
        .group_by(Answer.local_day)
    )


@functools.cache
def _answered_right() -> Any:
    """The questions of one course a user's cards say were answered right at least once (built once)."""
    return select(ReviewState.question_id).where(
        ReviewState.user_id == bindparam("uid"), ReviewState.course_id == bindparam("course"),
        ReviewState.last_correct_at.is_not(None),
    )


@functools.cache
def _dues() -> Any:
    """The due time of each card a user has in one course (built once)."""
    return select(ReviewState.question_id, ReviewState.due).where(
        ReviewState.user_id == bindparam("uid"), ReviewState.course_id == bindparam("course"),
    )


class LearnerStore(SessionStore):
    """A learner's row, timezone, totals and history."""

    async def ensure_user(self, workspace_id: int, external_id: str, name: str) -> User:
        """The user row (and an empty stats row), created on first sight."""
        stmt = self._insert(User).values(
            workspace_id=workspace_id, external_id=external_id, display_name=name[:200]
        )
        await self._execute(stmt.on_conflict_do_nothing())
        row = await self.session.scalar(
            select(User).where(User.workspace_id == workspace_id, User.external_id == external_id)
        )
        assert row is not None
        await self._execute(
            self._insert(UserStats).values(user_id=row.id).on_conflict_do_nothing()
        )
        if name and row.display_name != name[:200]:
            row.display_name = name[:200]
        return row

    async def set_user_timezone(self, user_id: int, tz: str | None) -> None:
        """Set (or clear) a user's own timezone."""
        await self._execute(update(User).where(User.id == user_id).values(timezone=tz))

    async def home_workspace(self, platform: str, external_id: str, besides: str) -> str | None:
        """The external id of the workspace a person learns in on `platform` (not `besides`), if any.

        The one their reminder is in comes first, then the one they joined last.
        """
        return await self.session.scalar(
            select(Workspace.external_id)
            .join(User, User.workspace_id == Workspace.id)
            .outerjoin(Reminder, Reminder.user_id == User.id)
            .where(Workspace.platform == platform, User.external_id == external_id, Workspace.external_id != besides)
            .order_by(Reminder.user_id.is_(None), User.id.desc())
            .limit(1)
        )

    async def choose_timezone(self, user_id: int, tz: str) -> None:
        """Set the timezone the learner chose; the platform's timezone no longer replaces it."""
        await self._execute(update(User).where(User.id == user_id).values(timezone=tz, timezone_chosen=True))

    async def stats(self, user_id: int) -> StatsRow:
        """The user's running totals (zeros for a user with none)."""
        row = (await self._execute(statements(self.dialect).read_stats, {"uid": user_id})).first()
        return StatsRow(*row) if row is not None else StatsRow()

    async def review_dues(self, user_id: int, course_id: str) -> dict[str, dt.datetime]:
        """Due times of every question of the course the user has reviewed."""
        rows = await self._execute(_dues(), {"uid": user_id, "course": course_id})
        return {row[0]: row[1] for row in rows}

    async def topic_tallies(self, user_id: int, course_id: str) -> list[TopicTally]:
        """Per topic of the course the user answered anything in (quiz or interview): quiz answers and right ones."""
        rows = await self._execute(_tallies(self.dialect), {"uid": user_id, "course": course_id})
        return [TopicTally(t, int(n or 0), int(c or 0)) for t, n, c in rows]

    async def days_studied(self, user_id: int, since: dt.date) -> dict[dt.date, int]:
        """The learner's answers on each of their own days from `since` on (days without any left out)."""
        rows = await self._execute(_days_studied(), {"uid": user_id, "since": since})
        return {day: int(n) for day, n in rows}

    async def questions_answered_right(self, user_id: int, course_id: str) -> set[str]:
        """Questions of the course the user has answered (or graded) right at least once.

        Read from their cards, which keep when each was last right: one row per question at most,
        whatever the length of their history. Callers count the quiz questions among them.
        """
        rows = await self._execute(_answered_right(), {"uid": user_id, "course": course_id})
        return set(rows.scalars().all())

    async def last_quiz_results(self, user_id: int, course_id: str, question_ids: Sequence[str]) -> dict[str, bool]:
        """Whether the user's latest answer to each of these quiz questions of the course was right."""
        mine = (Answer.user_id == user_id, Answer.course_id == course_id, Answer.kind == "quiz")
        latest = (
            select(Answer.question_id, func.max(Answer.answered_at).label("at"))
            .where(*mine, Answer.question_id.in_(question_ids))
            .group_by(Answer.question_id)
            .subquery()
        )
        rows = await self._execute(
            select(Answer.question_id, Answer.correct, Answer.id)
            .join(latest, and_(Answer.question_id == latest.c.question_id, Answer.answered_at == latest.c.at))
            .where(*mine)
            .order_by(Answer.id)
        )
        return {question_id: bool(correct) for question_id, correct, _id in rows}

    async def mistakes(self, user_id: int, course_id: str) -> list[Mistake]:
        """Quiz questions of the course whose latest answer was wrong (not answered right since), newest first."""
        latest = func.row_number().over(
            partition_by=Answer.question_id, order_by=(Answer.answered_at.desc(), Answer.id.desc())
        )
        ranked = (
            select(Answer.question_id, Answer.choice, Answer.correct, Answer.answered_at, Answer.id,
                   latest.label("latest"))
            .where(Answer.user_id == user_id, Answer.course_id == course_id, Answer.kind == "quiz")
            .subquery()
        )
        rows = await self._execute(
            select(ranked.c.question_id, ranked.c.choice, ranked.c.answered_at)
            .where(ranked.c.latest == 1, not_(ranked.c.correct))
            .order_by(ranked.c.answered_at.desc(), ranked.c.id.desc())
        )
        return [Mistake(question_id, int(choice), at) for question_id, choice, at in rows]
