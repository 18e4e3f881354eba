"""A batch's pending scores: one row per learner, course, week and month."""

from __future__ import annotations

import datetime as dt

from bot.store.scores import PendingDelta, PendingKey, add_answer

SUNDAY_NIGHT = dt.datetime(2026, 11, 29, 22, 30, tzinfo=dt.UTC)  # Monday 07:30 in Tokyo


def test_answers_of_one_learner_course_and_week_make_one_pending_row() -> None:
    """Points and right answers add up; the first answer's time is kept."""
    pending: dict[PendingKey, PendingDelta] = {}
    add_answer(pending, 1, "c", 7, "UTC", SUNDAY_NIGHT, 10, True)
    add_answer(pending, 1, "c", 7, "UTC", SUNDAY_NIGHT - dt.timedelta(hours=1), 5, False)
    [row] = pending.values()
    assert (row.points, row.correct, row.first_at) == (15, 1, SUNDAY_NIGHT - dt.timedelta(hours=1))
    assert (row.week_on, row.month_on) == (dt.date(2026, 11, 23), dt.date(2026, 11, 1))


def test_the_week_and_month_are_the_workspaces_local_ones() -> None:
    """Sunday night in UTC is already Monday, a new week, in Tokyo."""
    pending: dict[PendingKey, PendingDelta] = {}
    add_answer(pending, 1, "c", 7, "Asia/Tokyo", SUNDAY_NIGHT, 10, True)
    [row] = pending.values()
    assert row.week_on == dt.date(2026, 11, 30)
