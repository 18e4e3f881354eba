"""When a learner's reminder is due: their local time, days studied, the snooze, the moment it was set."""

from __future__ import annotations

import datetime as dt

from bot.domain.streaks import Streak
from bot.store.reminders import ScheduledReminder
from bot.usecases.reminder_sends import LATER, REMIND, due_now

SET = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def reminder(**changes: object) -> ScheduledReminder:
    """A reminder at 18:00, set the day before, of a learner who last studied two days ago."""
    values: dict[str, object] = {
        "user_id": 1, "platform": "console", "external_id": "ada", "user_timezone": None, "workspace_timezone": None,
        "remind_at": "18:00", "snooze_on": None, "snooze_until": None, "updated_at": SET,
        "streak": Streak(3, 3, dt.date(2026, 11, 23)),
    }
    return ScheduledReminder(**{**values, **changes})  # type: ignore[arg-type]


def test_due_from_its_local_time_on() -> None:
    """18:00 in New York is 23:00 UTC: not due at 22:59 UTC, due at 23:00."""
    assert due_now(reminder(), "America/New_York", dt.datetime(2026, 11, 25, 22, 59, tzinfo=dt.UTC)) == []
    [due] = due_now(reminder(), "America/New_York", dt.datetime(2026, 11, 25, 23, 0, tzinfo=dt.UTC))
    assert (due.kind, due.local_date) == (REMIND, dt.date(2026, 11, 25))


def test_not_due_on_a_day_studied_in_the_learners_timezone() -> None:
    """Studied on the 26th in Tokyo: nothing at 18:00 Tokyo that day."""
    studied = reminder(streak=Streak(1, 1, dt.date(2026, 11, 26)))
    assert due_now(studied, "Asia/Tokyo", dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)) == []


def test_the_snooze_is_due_at_its_time_that_day_only() -> None:
    """Snoozed until 20:05 on the 25th: due then, and not on the 26th."""
    until = dt.datetime(2026, 11, 25, 20, 5, tzinfo=dt.UTC)
    snoozed = reminder(snooze_on=dt.date(2026, 11, 25), snooze_until=until)
    kinds = [d.kind for d in due_now(snoozed, "UTC", until)]
    assert kinds == [REMIND, LATER]
    assert [d.kind for d in due_now(snoozed, "UTC", dt.datetime(2026, 11, 26, 20, 5, tzinfo=dt.UTC))] == [REMIND]
