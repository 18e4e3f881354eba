"""The team's figures for its lead: who studies, what the team recalls, who may need a nudge."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal, select

from bot.domain.srs import RECALL_DECAY, RECALL_FACTOR
from bot.store.base import SessionStore
from bot.store.models import Answer, ReviewState, User, UserStats


@dataclass(frozen=True)
class Participation:
    """Who studied in the last four weeks (the team), this week and last week, and on how many days."""

    team: int
    this_week: int
    last_week: int
    three_days_this_week: int
    answers_by_day: dict[dt.date, int]


@dataclass(frozen=True)
class TopicMemory:
    """The team's cards in one topic: how many, whose, their summed recall now, answers and reviews due."""

    topic_id: str
    cards: int
    learners: int
    recall: float
    answers: int
    wrong: int
    right_once: int
    due_soon: int


@dataclass(frozen=True)
class LearnerActivity:
    """A learner's streak and last day, for the nudges."""

    name: str
    current_streak: int
    best_streak: int
    last_active_day: dt.date
    freeze_used_on: dt.date | None
    timezone: str | None


class TeamStore(SessionStore):
    """Workspace-wide reads for `/study team`; each is one statement."""

    async def participation(self, workspace_id: int, course_id: str, first_day: dt.date, last_monday: dt.date,
                            monday: dt.date, since: dt.datetime, last_day: dt.date) -> Participation:
        """Answers in the course per learner day from `first_day` to `last_day`.

        Only answers since `since` are read: a bound for the index.
        """
        window = and_(Answer.workspace_id == workspace_id, Answer.answered_at >= since, Answer.course_id == course_id,
                      Answer.local_day >= first_day, Answer.local_day <= last_day)
        days = await self._execute(
            select(Answer.local_day, func.count()).where(window).group_by(Answer.local_day)
        )
        this_week = case((Answer.local_day >= monday, Answer.local_day))
        last_week = case((and_(Answer.local_day >= last_monday, Answer.local_day < monday), 1), else_=0)
        learners = (
            select(func.count(func.distinct(this_week)).label("days"), func.max(last_week).label("last"))
            .where(window)
            .group_by(Answer.user_id)
            .subquery()
        )
        row = (await self._execute(select(
            func.count(),
            func.coalesce(func.sum(case((learners.c.days > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(learners.c["last"]), 0),
            func.coalesce(func.sum(case((learners.c.days >= 3, 1), else_=0)), 0),
        ))).one()
        team, this, last, three = (int(n) for n in row)
        return Participation(team, this, last, three, {day: int(n) for day, n in days})

    async def memory(self, workspace_id: int, course_id: str, now: dt.datetime, soon: dt.datetime) -> list[TopicMemory]:
        """Per topic of the course: the team's cards, their recall at `now` (FSRS retrievability), those due soon."""
        recall = case(
            (ReviewState.stability > 0,
             func.power(1 + RECALL_FACTOR * self._days_since(ReviewState.last_review, now) / ReviewState.stability,
                        RECALL_DECAY)),
            else_=0.0,
        )
        rows = await self._execute(
            select(
                ReviewState.topic_id,
                func.count(),
                func.count(func.distinct(ReviewState.user_id)),
                func.sum(recall),
                func.sum(ReviewState.reviews),
                func.sum(ReviewState.lapses),
                func.sum(case((ReviewState.last_correct_at.is_not(None), 1), else_=0)),
                func.sum(case((ReviewState.due <= soon, 1), else_=0)),
            )
            .join(User, User.id == ReviewState.user_id)
            .where(User.workspace_id == workspace_id, ReviewState.course_id == course_id)
            .group_by(ReviewState.topic_id)
        )
        return [
            TopicMemory(topic, int(cards), int(people), float(total or 0), int(answers or 0), int(wrong or 0),
                        int(right or 0), int(due or 0))
            for topic, cards, people, total, answers, wrong, right, due in rows
        ]

    def _days_since(self, column: Any, now: dt.datetime) -> Any:
        """Whole days from `column` to `now`, never below zero (as FSRS counts elapsed days)."""
        if self.dialect == "postgresql":
            seconds = func.extract("epoch", literal(now) - column)
            return func.greatest(0, func.floor(seconds / 86_400))
        return func.max(0, cast(func.julianday(literal(now.astimezone(dt.UTC).replace(tzinfo=None)))
                                - func.julianday(column), Integer))

    async def lapsing(self, workspace_id: int, streak_from: int, idle_since: dt.date) -> list[LearnerActivity]:
        """Learners who may need a nudge: a streak of `streak_from` or more, or last active by `idle_since`."""
        rows = await self._execute(
            select(User.display_name, User.external_id, UserStats.current_streak, UserStats.best_streak,
                   UserStats.last_active_day, UserStats.freeze_used_on, User.timezone)
            .join(UserStats, UserStats.user_id == User.id)
            .where(
                User.workspace_id == workspace_id,
                UserStats.last_active_day.is_not(None),
                (UserStats.current_streak >= streak_from) | (UserStats.last_active_day <= idle_since),
            )
        )
        return [LearnerActivity(name or external, streak, best, last, freeze, tz)
                for name, external, streak, best, last, freeze, tz in rows]
