"""Recording an answer exactly once, and what a new answer changes: streak, points, FSRS card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fsrs import Rating

from bot.domain import srs
from bot.domain.periods import local_day
from bot.domain.streaks import Streak, record_activity
from bot.store.models import Answer, ReviewState, UserStats
from bot.store.repository import Repository
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

    stats: UserStats | None
    earlier: Answer | None

    @property
    def is_new(self) -> bool:
        """Whether this call recorded the answer."""
        return self.earlier is None


async def record_once(repo: Repository, identity: Identity, answer: NewAnswer, now: dt.datetime) -> Recorded:
    """Insert the answer unless this instance or delivery was recorded already (idempotent)."""
    earlier = await _earlier(repo, identity, answer)
    if earlier is None:
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
        earlier = await _earlier(repo, identity, answer)  # a concurrent delivery won the race
    assert earlier is not None
    return Recorded(await repo.stats(identity.user_pk), earlier)


async def _earlier(repo: Repository, identity: Identity, answer: NewAnswer) -> Answer | None:
    return await repo.answer_for(identity.user_pk, answer.instance) or await repo.answer_by_delivery(
        answer.delivery_key
    )


async def _apply(repo: Repository, identity: Identity, answer: NewAnswer, now: dt.datetime) -> UserStats:
    """Update streak, points, counts and the FSRS card after a newly recorded answer."""
    stats = await repo.stats_for_update(identity.user_pk)
    streak = record_activity(
        Streak(stats.current_streak, stats.best_streak, stats.last_active_day, stats.freeze_used_on),
        local_day(now, identity.timezone),
    )
    stats.current_streak, stats.best_streak = streak.current, streak.best
    stats.last_active_day, stats.freeze_used_on = streak.last_day, streak.freeze_used_on
    stats.points += answer.points
    if answer.kind == "quiz":
        stats.answers += 1
        stats.correct += int(answer.correct)
    state = await repo.review_for_update(identity.user_pk, answer.question_id)
    card, due = srs.review(state.card if state else None, answer.rating, now)
    if state is None:
        state = ReviewState(user_id=identity.user_pk, question_id=answer.question_id, reviews=0, lapses=0)
        repo.session.add(state)
    state.card, state.due, state.reviews = card, due, state.reviews + 1
    state.lapses += int(not answer.correct)
    if answer.correct:
        state.last_correct_at = now
    await repo.session.flush()
    return stats
