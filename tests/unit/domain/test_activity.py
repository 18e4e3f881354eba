"""A learner's answers per day: counted with each answer, kept for the progress card's twelve weeks."""

from __future__ import annotations

import datetime as dt

from bot.domain.activity import DAYS_KEPT, calendar_start, count_answer, days_since

TODAY = dt.date(2026, 12, 2)  # a Wednesday


def test_an_answer_adds_one_to_its_day() -> None:
    """A second answer on a day counts two; a new day is added in order."""
    days = count_answer(count_answer((), TODAY - dt.timedelta(days=1)), TODAY)
    assert count_answer(days, TODAY) == ((TODAY - dt.timedelta(days=1), 1), (TODAY, 2))


def test_days_older_than_the_kept_weeks_are_dropped() -> None:
    """The day DAYS_KEPT - 1 before stays; the one before it goes."""
    kept, dropped = TODAY - dt.timedelta(days=DAYS_KEPT - 1), TODAY - dt.timedelta(days=DAYS_KEPT)
    assert count_answer(((dropped, 3), (kept, 2)), TODAY) == ((kept, 2), (TODAY, 1))


def test_the_calendar_starts_on_a_monday_eleven_weeks_before_this_week() -> None:
    """Twelve week columns, the last holding today."""
    assert calendar_start(dt.date(2026, 11, 30)) == dt.date(2026, 9, 14)
    assert calendar_start(dt.date(2026, 12, 7)) == dt.date(2026, 9, 21)  # a Monday is its own week's start


def test_the_kept_days_reach_every_calendar_start() -> None:
    """On a Sunday the calendar reaches furthest back: still within the days kept."""
    sunday = dt.date(2026, 12, 6)
    assert (sunday - calendar_start(sunday)).days == DAYS_KEPT - 1


def test_days_since_leaves_out_earlier_days() -> None:
    """Only the days from the start on."""
    days = ((TODAY - dt.timedelta(days=2), 4), (TODAY, 1))
    assert days_since(days, TODAY - dt.timedelta(days=1)) == {TODAY: 1}
