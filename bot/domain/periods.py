"""Leaderboard periods and local-day arithmetic in a timezone."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class Period(Enum):
    """A leaderboard window."""

    WEEK = "week"
    MONTH = "month"
    ALL = "all"

    @property
    def label(self) -> str:
        """Human label for headings."""
        return {"week": "this week", "month": "this month", "all": "all time"}[self.value]


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name; raises ValueError with a friendly message."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{name!r} is not an IANA timezone such as Europe/Berlin") from exc


def is_timezone(name: str) -> bool:
    """Whether `name` is a known IANA timezone."""
    try:
        zone(name)
    except ValueError:
        return False
    return True


def timezone_names() -> list[str]:
    """All IANA timezone names, sorted."""
    return sorted(available_timezones())


def local_day(moment: dt.datetime, tz: str) -> dt.date:
    """The calendar date of `moment` in timezone `tz`."""
    return moment.astimezone(zone(tz)).date()


# The one "period" of the all-time board, so that every board is keyed the same way.
ALL_TIME = dt.date(1970, 1, 1)


def first_day(period: Period, day: dt.date) -> dt.date:
    """The local date the period containing `day` begins on (weeks start on Monday)."""
    if period is Period.ALL:
        return ALL_TIME
    return day - dt.timedelta(days=day.weekday()) if period is Period.WEEK else day.replace(day=1)


def period_key(period: Period, moment: dt.datetime, tz: str) -> dt.date:
    """The local date the period containing `moment` in `tz` begins on: what its board is keyed by."""
    return first_day(period, local_day(moment, tz))


def next_key(period: Period, key: dt.date) -> dt.date:
    """The first day of the period after the one that begins on `key` (all time has none after it)."""
    if period is Period.WEEK:
        return key + dt.timedelta(days=7)
    if period is Period.MONTH:
        return (key.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    raise ValueError("all time is one period")


def local_midnight(day: dt.date, tz: str) -> dt.datetime:
    """The UTC moment a local date begins in `tz`."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone(tz)).astimezone(dt.UTC)


def period_start(period: Period, now: dt.datetime, tz: str) -> dt.datetime | None:
    """The UTC start of the period containing `now` in `tz` (weeks start on Monday); None for all time."""
    if period is Period.ALL:
        return None
    return local_midnight(period_key(period, now, tz), tz)
