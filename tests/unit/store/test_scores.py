"""A batch's pending scores, and the board rows a fold adds them to."""

from __future__ import annotations

import datetime as dt

from bot.domain.periods import ALL_TIME, Period
from bot.store.models import ALL_COURSES
from bot.store.scores import PendingDelta, PendingKey, add_answer, board_deltas

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


def test_one_pending_row_adds_to_six_board_rows() -> None:
    """Its course's and the overall board's week, month and all time."""
    row = PendingDelta(1, "c", 7, dt.date(2026, 11, 23), dt.date(2026, 11, 1), 10, 1, SUNDAY_NIGHT)
    keys = {d.key for d in board_deltas([row])}
    assert keys == {
        (1, course, period.value, day, 7)
        for course in ("c", ALL_COURSES)
        for period, day in ((Period.WEEK, dt.date(2026, 11, 23)), (Period.MONTH, dt.date(2026, 11, 1)),
                            (Period.ALL, ALL_TIME))
    }


def test_two_courses_of_one_learner_add_up_on_the_overall_board() -> None:
    """Each course's rows hold its own points; the overall rows hold both, with the earlier first answer."""
    week, month = dt.date(2026, 11, 23), dt.date(2026, 11, 1)
    rows = [PendingDelta(1, "a", 7, week, month, 10, 1, SUNDAY_NIGHT),
            PendingDelta(1, "b", 7, week, month, 4, 1, SUNDAY_NIGHT - dt.timedelta(days=1))]
    deltas = {d.key: d for d in board_deltas(rows)}
    overall = deltas[(1, ALL_COURSES, "all", ALL_TIME, 7)]
    assert (overall.points, overall.correct, overall.first_at) == (14, 2, SUNDAY_NIGHT - dt.timedelta(days=1))
    assert deltas[(1, "a", "all", ALL_TIME, 7)].points == 10
    assert deltas[(1, "b", "week", week, 7)].points == 4
