"""Leaderboard periods and local days."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.periods import Period, local_day, period_start, zone


def test_week_starts_on_monday_midnight_local() -> None:
    """The week window starts at Monday 00:00 in the workspace's timezone."""
    now = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)  # Thursday
    start = period_start(Period.WEEK, now, "Europe/Berlin")
    assert start == dt.datetime(2026, 11, 22, 23, 0, tzinfo=dt.UTC)


def test_month_starts_on_the_first_local() -> None:
    """The month window starts on the 1st at 00:00 local time."""
    now = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
    start = period_start(Period.MONTH, now, "America/New_York")
    assert start == dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC)


def test_week_start_across_a_dst_change_uses_the_old_offset() -> None:
    """On the Sunday clocks go back, the week still began at Monday midnight BST (23:00 UTC)."""
    now = dt.datetime(2026, 10, 25, 12, 0, tzinfo=dt.UTC)
    start = period_start(Period.WEEK, now, "Europe/London")
    assert start == dt.datetime(2026, 10, 18, 23, 0, tzinfo=dt.UTC)


def test_all_time_has_no_start() -> None:
    """All time is unbounded."""
    assert period_start(Period.ALL, dt.datetime.now(dt.UTC), "UTC") is None


def test_local_day_just_after_midnight_is_the_new_day() -> None:
    """00:30 in Tokyo is already the next calendar day while UTC is still on the previous one."""
    moment = dt.datetime(2026, 11, 25, 15, 30, tzinfo=dt.UTC)
    assert local_day(moment, "Asia/Tokyo") == dt.date(2026, 11, 26)
    assert local_day(moment, "UTC") == dt.date(2026, 11, 25)


def test_unknown_timezone_is_a_friendly_value_error() -> None:
    """An unknown timezone name raises ValueError naming an example."""
    with pytest.raises(ValueError, match="IANA timezone"):
        zone("Mars/Olympus")
