"""Streak arithmetic on local days."""

from __future__ import annotations

import datetime as dt

from bot.domain.streaks import Streak, current_as_of, record_activity

D = dt.date(2026, 11, 2)  # a Monday


def days(*offsets: int) -> Streak:
    """The streak after studying on these days after D."""
    streak = Streak()
    for offset in offsets:
        streak = record_activity(streak, D + dt.timedelta(days=offset))
    return streak


def test_first_activity_starts_a_streak_of_one() -> None:
    """The first day with an answer is a 1-day streak."""
    assert days(0).current == 1


def test_consecutive_days_extend_the_streak() -> None:
    """Three days in a row make a 3-day streak."""
    assert days(0, 1, 2).current == 3


def test_several_answers_on_one_day_count_once() -> None:
    """More activity on the same day does not lengthen the streak."""
    assert days(0, 0, 0).current == 1


def test_one_missed_day_is_forgiven() -> None:
    """A single missed day keeps the streak (and uses the weekly freeze)."""
    streak = days(0, 1, 3)
    assert streak.current == 3
    assert streak.freeze_used_on == D + dt.timedelta(days=2)


def test_second_missed_day_in_a_week_breaks_the_streak() -> None:
    """The freeze works once in seven days; a second gap that week resets to 1."""
    assert days(0, 1, 3, 5).current == 1


def test_freeze_is_available_again_after_a_week() -> None:
    """A week after the last forgiven day, another single gap is forgiven."""
    assert days(0, 2, 3, 4, 5, 6, 7, 8, 9, 11).current == 10


def test_two_missed_days_break_the_streak() -> None:
    """A gap of two days resets the streak to 1."""
    assert days(0, 1, 4).current == 1


def test_best_streak_is_kept_after_a_break() -> None:
    """The best streak survives a reset."""
    streak = days(0, 1, 2, 3, 10)
    assert (streak.current, streak.best) == (1, 4)


def test_earlier_local_day_after_moving_west_changes_nothing() -> None:
    """An answer dated before the last active day (a timezone change) keeps the streak as is."""
    streak = days(0, 1)
    assert record_activity(streak, D) == streak


def test_streak_as_of_today_is_zero_once_broken() -> None:
    """Seen three days later, an unextended streak is over."""
    assert current_as_of(days(0, 1), D + dt.timedelta(days=4)) == 0


def test_streak_as_of_tomorrow_is_still_alive() -> None:
    """The day after the last answer, the streak still stands."""
    assert current_as_of(days(0, 1), D + dt.timedelta(days=2)) == 2


def test_streak_as_of_day_after_a_missed_day_is_alive_with_freeze() -> None:
    """With one missed day and the freeze unused, the streak still shows."""
    assert current_as_of(days(0, 1), D + dt.timedelta(days=3)) == 2
