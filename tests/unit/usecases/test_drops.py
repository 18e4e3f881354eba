"""When a channel's drop is due: timezones, DST, midnight, weekdays, pauses."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.periods import zone
from bot.domain.schedule import WEEKDAYS
from bot.store.drops import ScheduledChannel
from bot.usecases.drops import LESSON, TEAM_REPORT, WEEKLY, due_today, next_run

SET_UP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def channel(at: str, tz: str, days: tuple[str, ...] = WEEKDAYS, *, paused: bool = False, weekly: bool = False,
            team: bool = False, updated: dt.datetime = SET_UP) -> ScheduledChannel:
    """A channel with a drop at `at` in `tz`."""
    return ScheduledChannel(1, "console", 1, None, "c", "c", at, tz, days, paused, weekly, team, updated)


def local(tz: str, year: int, month: int, day: int, hour: int, minute: int, *, fold: int = 0) -> dt.datetime:
    """A local time in `tz` as UTC."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone(tz), fold=fold).astimezone(dt.UTC)


def kinds(ch: ScheduledChannel, now: dt.datetime) -> list[str]:
    """The kinds of drop due for `ch` on the local day of `now`."""
    return [d.kind for d in due_today(ch, now)]


def test_not_due_before_its_local_time() -> None:
    """08:59 in Berlin is before a 09:00 drop."""
    assert kinds(channel("09:00", "Europe/Berlin"), local("Europe/Berlin", 2026, 11, 25, 8, 59)) == []


def test_due_from_its_local_time_on() -> None:
    """From 09:00 in Berlin the day's lesson is due, dated with Berlin's date."""
    due = due_today(channel("09:00", "Europe/Berlin"), local("Europe/Berlin", 2026, 11, 25, 9, 0))
    assert [(d.kind, d.local_date) for d in due] == [(LESSON, dt.date(2026, 11, 25))]


def test_missed_drop_is_still_due_later_the_same_day() -> None:
    """A bot that comes back at 23:00 still owes the 09:00 drop of that day."""
    assert kinds(channel("09:00", "Asia/Tokyo"), local("Asia/Tokyo", 2026, 11, 25, 23, 0)) == [LESSON]


def test_no_backlog_the_next_day() -> None:
    """The next morning before the drop time nothing is due: yesterday's drop is never owed."""
    assert kinds(channel("09:00", "Asia/Tokyo"), local("Asia/Tokyo", 2026, 11, 26, 0, 30)) == []


@pytest.mark.parametrize("tz", ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Tokyo"])
def test_midnight_drop_is_dated_with_the_new_day(tz: str) -> None:
    """A 00:00 drop one minute after local midnight belongs to the new local date."""
    due = due_today(channel("00:00", tz), local(tz, 2026, 6, 10, 0, 1))
    assert [d.local_date for d in due] == [dt.date(2026, 6, 10)]


def test_last_minute_of_the_day() -> None:
    """A 23:59 drop is due at 23:59 and dated that day."""
    due = due_today(channel("23:59", "Europe/London"), local("Europe/London", 2026, 6, 10, 23, 59))
    assert [d.local_date for d in due] == [dt.date(2026, 6, 10)]


def test_autumn_fold_has_one_due_moment() -> None:
    """01:30 happens twice in New York on 1 Nov 2026; the drop is due from the first one."""
    ch = channel("01:30", "America/New_York")
    first = local("America/New_York", 2026, 11, 1, 1, 30, fold=0)
    assert [d.due_at for d in due_today(ch, first)] == [first]
    second = local("America/New_York", 2026, 11, 1, 1, 30, fold=1)
    assert [d.local_date for d in due_today(ch, second)] == [dt.date(2026, 11, 1)]


def test_spring_gap_drop_still_goes_out_that_day() -> None:
    """02:30 does not exist in New York on 8 Mar 2026; the drop is due at 03:30 that day."""
    ch = channel("02:30", "America/New_York")
    assert kinds(ch, local("America/New_York", 2026, 3, 8, 3, 29)) == []
    due = due_today(ch, local("America/New_York", 2026, 3, 8, 3, 30))
    assert [d.local_date for d in due] == [dt.date(2026, 3, 8)]


@pytest.mark.parametrize(
    ("tz", "day"),
    [("Europe/London", (2026, 3, 29)), ("Australia/Sydney", (2026, 10, 4)), ("Australia/Sydney", (2026, 4, 5))],
)
def test_dst_change_days_keep_local_time(tz: str, day: tuple[int, int, int]) -> None:
    """On DST change days in London and Sydney the drop is due at 09:00 local, not an hour off."""
    ch = channel("09:00", tz)
    assert kinds(ch, local(tz, *day, 8, 59)) == []
    assert kinds(ch, local(tz, *day, 9, 0)) == [LESSON]


def test_paused_channel_is_never_due() -> None:
    """A paused channel owes nothing."""
    assert kinds(channel("09:00", "UTC", paused=True), local("UTC", 2026, 11, 25, 12, 0)) == []


def test_weekdays_only_skips_the_weekend() -> None:
    """A Monday-to-Friday channel owes nothing on Saturday."""
    assert kinds(channel("09:00", "UTC", WEEKDAYS[:5]), local("UTC", 2026, 11, 28, 12, 0)) == []


def test_set_up_after_todays_time_waits_for_tomorrow() -> None:
    """A channel set up at 10:00 with a 09:00 drop gets its first drop the next day."""
    ch = channel("09:00", "UTC", updated=local("UTC", 2026, 11, 25, 10, 0))
    assert kinds(ch, local("UTC", 2026, 11, 25, 11, 0)) == []
    assert kinds(ch, local("UTC", 2026, 11, 26, 9, 0)) == [LESSON]


def test_weekly_board_is_due_on_monday() -> None:
    """With the weekly board on, Monday owes the lesson and the board."""
    assert kinds(channel("09:00", "UTC", weekly=True), local("UTC", 2026, 11, 30, 9, 0)) == [LESSON, WEEKLY]


def test_next_run_skips_days_off() -> None:
    """After Friday's drop a weekdays channel runs next on Monday at its local time."""
    ch = channel("09:00", "Europe/Berlin", WEEKDAYS[:5])
    assert next_run(ch, local("Europe/Berlin", 2026, 11, 27, 9, 1)) == local("Europe/Berlin", 2026, 11, 30, 9, 0)


def test_next_run_of_a_paused_channel_is_none() -> None:
    """A paused channel has no next run."""
    assert next_run(channel("09:00", "UTC", paused=True), SET_UP) is None


def test_team_report_is_due_on_monday_beside_the_lesson() -> None:
    """Monday 09:00 with the team report on: the lesson, then the report."""
    assert kinds(channel("09:00", "UTC", team=True), local("UTC", 2026, 11, 30, 9, 0)) == [LESSON, TEAM_REPORT]


def test_team_report_is_not_due_on_other_days() -> None:
    """Only Mondays carry the team report."""
    assert kinds(channel("09:00", "UTC", team=True), local("UTC", 2026, 12, 1, 9, 0)) == [LESSON]


def test_team_report_alone_schedules_monday() -> None:
    """A Friday-only channel with the team report next runs on Monday."""
    after = local("UTC", 2026, 11, 27, 10, 0)  # a Friday, after its drop
    upcoming = next_run(channel("09:00", "UTC", ("fri",), team=True), after)
    assert upcoming == local("UTC", 2026, 11, 30, 9, 0)
