"""A batch's pending scores: one delta per learner, course, week and month, written as one row's JSON."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from bot.store.scores import PendingDelta, PendingKey, add_answer, pending_params

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


def test_a_batchs_deltas_are_json_lists_with_iso_days_and_utc_times() -> None:
    """Each delta is a list in the table's order; a time in another zone or on the second is written in UTC in full."""
    tokyo = dt.datetime(2026, 11, 30, 7, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    pending = [PendingDelta(1, "c", 7, dt.date(2026, 11, 30), dt.date(2026, 11, 1), 10, 1, tokyo)]
    assert json.loads(json.dumps(pending_params(pending))) == {
        "deltas": [[1, "c", 7, "2026-11-30", "2026-11-01", 10, 1, "2026-11-29 22:30:00.000000"]]}
