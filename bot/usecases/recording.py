"""Recording an answer exactly once, and what a new answer changes: streak, points, FSRS card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fsrs import Rating

from bot.domain import srs
from bot.domain.periods import local_day
from bot.domain.streaks import record_activity
from bot.store.models import Answer
from bot.store.repository import Repository, ReviewRow, StatsRow
from bot.usecases.context import Identity


@dataclass(frozen=True)
class NewAnswer:
    """What a learner answered: the question, the instance shown, the choice and its worth."""

    question_id: str
    topic_id: str
    kind: str
    instance: str
    delivery_key: str
    choice: int
    correct: bool
    points: int
    rating: Rating


@dataclass(frozen=True)
class Recorded:
    """The outcome: the stats after a new answer, or the earlier answer that already counted."""

    stats: StatsRow
    earlier: Answer | None

    @property
    def is_new(self) -> bool:
        """Whether this call recorded the answer."""
        return self.earlier is None


async def record_once(repo: Repository, identity: Identity, answer: NewAnswer, now: dt.datetime) -> Recorded:
    """Insert the answer unless this instance or delivery was recorded already (idempotent)."""
    new_id = await repo.insert_answer(
        user_id=identity.user_pk,
        workspace_id=identity.workspace_pk,
        question_id=answer.question_id,
        topic_id=answer.topic_id,
        kind=answer.kind,
        instance=answer.instance,
        delivery_key=answer.delivery_key,
        choice=answer.choice,
        correct=answer.correct,
        points=answer.points,
        local_day=local_day(now, identity.timezone),
        answered_at=now,
    )
    if new_id is not None:
        return Recorded(await _apply(repo, identity, answer, now), None)
    earlier = await repo.answer_for(identity.user_pk, answer.instance) or await repo.answer_by_delivery(
        answer.delivery_key
    )
    assert earlier is not None
    return Recorded(await repo.stats(identity.user_pk), earlier)


async def _apply(repo: Repository, identity: Identity, answer: NewAnswer, now: dt.datetime) -> StatsRow:
    """Update streak, points, counts and the FSRS card after a newly recorded answer."""
    stats, earlier = await repo.lock_progress(identity.user_pk, answer.question_id)
    streak = record_activity(stats.streak, local_day(now, identity.timezone))
    quiz = answer.kind == "quiz"
    stats = StatsRow(
        points=stats.points + answer.points,
        answers=stats.answers + int(quiz),
        correct=stats.correct + int(quiz and answer.correct),
        current_streak=streak.current,
        best_streak=streak.best,
        last_active_day=streak.last_day,
        freeze_used_on=streak.freeze_used_on,
    )
    await repo.save_stats(identity.user_pk, stats)
    card, due = srs.review(earlier.card if earlier else None, answer.rating, now)
    review = ReviewRow(
        card,
        (earlier.reviews if earlier else 0) + 1,
        (earlier.lapses if earlier else 0) + int(not answer.correct),
    )
    await repo.save_review(identity.user_pk, answer.question_id, review, due, now if answer.correct else None)
    return stats
