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


def period_start(period: Period, now: dt.datetime, tz: str) -> dt.datetime | None:
    """The UTC start of the period containing `now` in `tz` (weeks start on Monday)."""
    if period is Period.ALL:
        return None
    local = now.astimezone(zone(tz))
    day = local.date()
    first = day - dt.timedelta(days=day.weekday()) if period is Period.WEEK else day.replace(day=1)
    start = dt.datetime.combine(first, dt.time(0, 0), tzinfo=zone(tz))
    return start.astimezone(dt.UTC)
