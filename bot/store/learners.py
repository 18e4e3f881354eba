"""Learners: who they are, and what their own history says about them."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, func, not_, select, update

from bot.domain.periods import ALL_TIME, Period
from bot.store.answers import STATS_COLUMNS, StatsRow, statements
from bot.store.base import SessionStore
from bot.store.models import Answer, Reminder, ReviewState, Score, User, UserStats, Workspace


@dataclass(frozen=True)
class TopicTally:
    """A user's quiz answers, and the right ones, within one topic they have a card in."""

    topic_id: str
    answers: int
    correct: int


@dataclass(frozen=True)
class CourseCards:
    """What a user's cards in one course say: the topics practised with their tallies, the questions right once."""

    tallies: list[TopicTally]
    right: set[str]


@dataclass(frozen=True)
class CourseStats:
    """A user's running totals, and their all-time points in one course (0 without any)."""

    stats: StatsRow
    course_points: int


@dataclass(frozen=True)
class Mistake:
    """A quiz question whose latest answer was wrong: the choice made then, and when."""

    question_id: str
    choice: int
    answered_at: dt.datetime


@functools.cache
def _course_cards() -> Any:
    """Each card a user has in one course: its topic and question, quiz counts, whether once right (built once)."""
    return select(
        ReviewState.topic_id, ReviewState.question_id, ReviewState.quiz_answers, ReviewState.quiz_right,
        ReviewState.last_correct_at.is_not(None),
    ).where(ReviewState.user_id == bindparam("uid"), ReviewState.course_id == bindparam("course"))


@functools.cache
def _stats_in_course() -> Any:
    """A user's stats row with their all-time points in one course of their workspace (built once)."""
    points = select(Score.points).where(
        Score.workspace_id == bindparam("ws"), Score.course_id == bindparam("course"),
        Score.period == Period.ALL.value, Score.starts_on == ALL_TIME, Score.user_id == bindparam("uid"),
    ).scalar_subquery()
    return select(*STATS_COLUMNS, func.coalesce(points, 0)).where(UserStats.user_id == bindparam("uid"))


@functools.cache
def _dues() -> Any:
    """The due time of each card a user has in one course (built once)."""
    return select(ReviewState.question_id, ReviewState.due).where(
        ReviewState.user_id == bindparam("uid"), ReviewState.course_id == bindparam("course"),
    )


@functools.cache
def _last_quiz_results() -> Any:
    """Whether a user's latest quiz answer to each question of one course was right, oldest first (built once)."""
    mine = (Answer.user_id == bindparam("uid"), Answer.course_id == bindparam("course"), Answer.kind == "quiz")
    latest = (
        select(Answer.question_id, func.max(Answer.answered_at).label("at"))
        .where(*mine)
        .group_by(Answer.question_id)
        .subquery()
    )
    return (
        select(Answer.question_id, Answer.correct)
        .join(latest, and_(Answer.question_id == latest.c.question_id, Answer.answered_at == latest.c.at))
        .where(*mine)
        .order_by(Answer.id)
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

    async def stats_in_course(self, user_id: int, workspace_id: int, course_id: str) -> CourseStats:
        """The user's running totals and their all-time points in a course of their workspace, in one read."""
        params = {"uid": user_id, "ws": workspace_id, "course": course_id}
        row = (await self._execute(_stats_in_course(), params)).first()
        return CourseStats(StatsRow(*row[:-1]), int(row[-1])) if row is not None else CourseStats(StatsRow(), 0)

    async def review_dues(self, user_id: int, course_id: str) -> dict[str, dt.datetime]:
        """Due times of every question of the course the user has reviewed."""
        rows = await self._execute(_dues(), {"uid": user_id, "course": course_id})
        return dict(rows.all())

    async def course_cards(self, user_id: int, course_id: str) -> CourseCards:
        """The user's quiz answers and right ones per topic of the course, and the questions answered right once.

        Read from their cards, one row per question at most whatever the length of their history.
        Every topic with a card is practised (one answered in an interview too, with no quiz
        answers). A card's answers count in the topic it was in when last answered. The questions
        right once are those answered (or graded) right at least once; callers count the quiz
        questions among them.
        """
        rows = await self._execute(_course_cards(), {"uid": user_id, "course": course_id})
        answers: dict[str, int] = {}
        correct: dict[str, int] = {}
        right: set[str] = set()
        for topic_id, question_id, n, c, was_right in rows:
            answers[topic_id] = answers.get(topic_id, 0) + int(n)
            correct[topic_id] = correct.get(topic_id, 0) + int(c)
            if was_right:
                right.add(question_id)
        return CourseCards([TopicTally(t, n, correct[t]) for t, n in answers.items()], right)

    async def last_quiz_results(self, user_id: int, course_id: str, question_ids: Sequence[str]) -> dict[str, bool]:
        """Whether the user's latest answer to each of these quiz questions of the course was right."""
        wanted = set(question_ids)
        rows = await self._execute(_last_quiz_results(), {"uid": user_id, "course": course_id})
        return {question_id: bool(correct) for question_id, correct in rows.all() if question_id in wanted}

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
