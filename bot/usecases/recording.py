"""Recording an answer exactly once, and what a new answer changes: streak, points, FSRS card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fsrs import Rating

from bot.domain import srs
from bot.domain.activity import count_answer
from bot.domain.periods import local_day
from bot.domain.streaks import record_activity
from bot.store.answers import AnswerStore, CardKey, ReviewRow, SavedReview, StatsRow
from bot.store.models import Answer
from bot.store.scores import PendingDelta, PendingKey, add_answer

if TYPE_CHECKING:
    from bot.usecases.context import Identity


@dataclass(frozen=True)
class NewAnswer:
    """What a learner answered: the course and question, the instance shown, the choice and its worth."""

    course_id: str
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
    """The outcome: the stats after a new answer (and the points it earned), or the earlier answer."""

    stats: StatsRow
    earlier: Answer | None
    points: int = 0

    @property
    def is_new(self) -> bool:
        """Whether this call recorded the answer."""
        return self.earlier is None


@dataclass(frozen=True)
class Submission:
    """One answer to record: who gave it, what it was, and when."""

    identity: Identity
    answer: NewAnswer
    now: dt.datetime

    @property
    def card_key(self) -> CardKey:
        """The learner's FSRS card this answer reviews: (user, course, question)."""
        return (self.identity.user_pk, self.answer.course_id, self.answer.question_id)


def _row(identity: Identity, answer: NewAnswer, now: dt.datetime) -> dict[str, object]:
    """The answers-table values of a new answer."""
    return {
        "user_id": identity.user_pk,
        "workspace_id": identity.workspace_pk,
        "course_id": answer.course_id,
        "question_id": answer.question_id,
        "topic_id": answer.topic_id,
        "kind": answer.kind,
        "instance": answer.instance,
        "delivery_key": answer.delivery_key,
        "choice": answer.choice,
        "correct": answer.correct,
        "points": answer.points,
        "local_day": local_day(now, identity.timezone),
        "answered_at": now,
    }


def progress_after(
    stats: StatsRow, card: ReviewRow | None, identity: Identity, answer: NewAnswer, now: dt.datetime
) -> tuple[StatsRow, ReviewRow, dt.datetime, int]:
    """Streak, points, counts (per day too) and the FSRS card (with its due time) after a new answer; the points earned.

    A question answered again before its card is due (the same question opened twice, say) counts
    for the streak and accuracy but earns no points and leaves its review schedule alone.
    """
    day = local_day(now, identity.timezone)
    streak = record_activity(stats.streak, day)
    quiz = answer.kind == "quiz"
    early = card is not None and srs.due_of(card.card) > now
    earned = 0 if early else answer.points
    stats = StatsRow(
        points=stats.points + earned,
        answers=stats.answers + int(quiz),
        correct=stats.correct + int(quiz and answer.correct),
        current_streak=streak.current,
        best_streak=streak.best,
        last_active_day=streak.last_day,
        freeze_used_on=streak.freeze_used_on,
        recent_days=count_answer(stats.recent_days, day),
    )
    if early:
        assert card is not None
        return stats, card, srs.due_of(card.card), earned
    state, due = srs.review(card.card if card else None, answer.rating, now)
    review = ReviewRow(
        state,
        (card.reviews if card else 0) + 1,
        (card.lapses if card else 0) + int(not answer.correct),
    )
    return stats, review, due, earned


async def record_many(store: AnswerStore, submissions: Sequence[Submission]) -> list[Recorded]:
    """Record answers in one transaction, exactly once each; the outcome of each in turn.

    An answer is recorded unless its question instance or its delivery was recorded already; the
    outcome then holds the earlier answer instead.

    The answers are inserted in order in one statement, so a later duplicate of an earlier one
    (same instance or delivery) is refused as if it came after it; the stats rows of all the
    learners are locked in user-id order and their cards read as they are under the lock. Every
    new answer is then applied in order in memory, and the final stats and cards written back with
    the points each earned waiting for the boards (`pending_scores`, its week and month counted in
    the workspace's timezone). Each card counts the new quiz answers to it and the right ones,
    an early repeat's too.
    """
    claim = await store.claim_answers(
        [_row(s.identity, s.answer, s.now) for s in submissions],
        [s.card_key for s in submissions],
    )
    inserted, locked = claim.inserted, claim.stats
    cards: dict[CardKey, ReviewRow | None] = dict(claim.cards)
    fresh: list[bool] = []
    for s in submissions:
        row = (s.identity.user_pk, s.answer.instance, s.answer.delivery_key)
        fresh.append(row in inserted)
        inserted.discard(row)  # an identical later submission is a duplicate of this one
    repeated = [i for i, is_new in enumerate(fresh) if not is_new]
    earlier = await _earlier_answers(store, [submissions[i] for i in repeated]) if repeated else []
    refused = dict(zip(repeated, earlier, strict=True))
    running = dict(locked)
    saved: dict[CardKey, SavedReview] = {}
    voided: list[tuple[int, str]] = []
    pending: dict[PendingKey, PendingDelta] = {}
    outcomes: list[Recorded] = []
    for i, s in enumerate(submissions):
        user = s.identity.user_pk
        current = running.get(user, StatsRow())
        if i in refused:
            outcomes.append(Recorded(current, refused[i]))
            continue
        key = s.card_key
        current, review, due, earned = progress_after(current, cards.get(key), s.identity, s.answer, s.now)
        if earned != s.answer.points:
            voided.append((user, s.answer.instance))
        add_answer(pending, s.identity.workspace_pk, s.answer.course_id, user, s.identity.board_timezone, s.now, earned,
                   s.answer.correct)
        previous = saved.get(key)
        correct_at = s.now if s.answer.correct else (previous.last_correct_at if previous else None)
        quiz = s.answer.kind == "quiz"
        running[user] = current
        cards[key] = review
        saved[key] = SavedReview(user, s.answer.course_id, s.answer.question_id, s.answer.topic_id, review, due,
                                 correct_at, (previous.quiz_answers if previous else 0) + int(quiz),
                                 (previous.quiz_right if previous else 0) + int(quiz and s.answer.correct))
        outcomes.append(Recorded(current, None, earned))
    changed = {user: running[user] for user in locked if running[user] is not locked[user]}
    await store.save_progress(changed, list(saved.values()), voided, list(pending.values()))
    return outcomes


async def _earlier_answers(store: AnswerStore, repeated: Sequence[Submission]) -> list[Answer]:
    """For each refused submission, the answer that counted: the same instance first, else the same delivery."""
    found = await store.answers_matching(
        [(s.identity.user_pk, s.answer.instance) for s in repeated], [s.answer.delivery_key for s in repeated]
    )
    by_instance = {(a.user_id, a.instance): a for a in found}
    by_delivery = {a.delivery_key: a for a in found}
    earlier: list[Answer] = []
    for s in repeated:
        answer = by_instance.get((s.identity.user_pk, s.answer.instance)) or by_delivery.get(s.answer.delivery_key)
        assert answer is not None
        earlier.append(answer)
    return earlier
