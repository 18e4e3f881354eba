"""Spaced repetition with FSRS: one card per user and question."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any, cast

from fsrs import Card, Rating, Scheduler
from fsrs.card import CardDict

# One short learning step: a missed question comes back after 10 minutes, a right one after days.
_SCHEDULER = Scheduler(
    learning_steps=(dt.timedelta(minutes=10),),
    relearning_steps=(dt.timedelta(minutes=10),),
    enable_fuzzing=False,
)


class Grade(Enum):
    """Self-grades of an interview answer, mapped onto FSRS ratings."""

    AGAIN = "again"
    HARD = "hard"
    GOOD = "good"
    EASY = "easy"

    @property
    def rating(self) -> Rating:
        """The FSRS rating for this grade."""
        return Rating[self.name.capitalize()]


def _new() -> Card:
    # An explicit id: without one, fsrs derives it from the clock and sleeps 1 ms to keep ids
    # unique, which would block the event loop. Cards are keyed by (user, question) here.
    return Card(card_id=1)


def review(card: dict[str, Any] | None, rating: Rating, when: dt.datetime) -> tuple[dict[str, Any], dt.datetime]:
    """Review a (possibly new) card; returns the new card and its due time (UTC)."""
    current = Card.from_dict(cast(CardDict, card)) if card else _new()
    updated, _log = _SCHEDULER.review_card(current, rating, review_datetime=when)
    return dict(updated.to_dict()), updated.due


def due_of(card: dict[str, Any]) -> dt.datetime:
    """When a stored card is next due (UTC)."""
    return Card.from_dict(cast(CardDict, card)).due


RECALL_FACTOR = _SCHEDULER._FACTOR
"""FSRS's forgetting curve: recall after t whole days is (1 + RECALL_FACTOR * t / stability) ** RECALL_DECAY."""
RECALL_DECAY = _SCHEDULER._DECAY


def memory_of(card: dict[str, Any]) -> tuple[float | None, dt.datetime | None]:
    """A stored card's stability and last review, what its recall now depends on (None for a new card)."""
    stability = card.get("stability")
    last = card.get("last_review")
    return (
        float(stability) if stability is not None else None,
        dt.datetime.fromisoformat(last) if isinstance(last, str) else None,
    )


def recall(card: dict[str, Any], now: dt.datetime) -> float:
    """The probability that the learner still recalls this card's answer at `now` (FSRS retrievability)."""
    return _SCHEDULER.get_card_retrievability(Card.from_dict(cast(CardDict, card)), now)


def rating_for_answer(correct: bool) -> Rating:
    """A right quiz answer is Good, a wrong one Again."""
    return Rating.Good if correct else Rating.Again
