"""Daily-drop settings: parsing times and weekdays, and when the next drop is due."""

from __future__ import annotations

import datetime as dt
import re

from bot.domain.periods import zone

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALIASES = {
    "daily": WEEKDAYS,
    "everyday": WEEKDAYS,
    "all": WEEKDAYS,
    "weekdays": WEEKDAYS[:5],
    "workdays": WEEKDAYS[:5],
    "weekends": WEEKDAYS[5:],
}


def parse_time(text: str) -> dt.time:
    """`HH:MM` in 24-hour form; raises ValueError with a friendly message."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a time in 24-hour HH:MM form, such as 09:30")
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_weekdays(text: str) -> tuple[str, ...]:
    """`mon-fri`, `mon,wed,fri`, `weekdays`, `weekends` or `daily`, in week order."""
    cleaned = text.strip().lower()
    if cleaned in ALIASES:
        return ALIASES[cleaned]
    days: set[str] = set()
    for part in filter(None, re.split(r"[,\s]+", cleaned)):
        if "-" in part:
            first, _, last = part.partition("-")
            a, b = _day(first), _day(last)
            i, j = WEEKDAYS.index(a), WEEKDAYS.index(b)
            span = WEEKDAYS[i : j + 1] if i <= j else WEEKDAYS[i:] + WEEKDAYS[: j + 1]
            days.update(span)
        else:
            days.add(_day(part))
    if not days:
        raise ValueError("no weekdays given; try mon-fri, weekends or daily")
    return tuple(d for d in WEEKDAYS if d in days)


FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _day(text: str) -> str:
    for short, full in zip(WEEKDAYS, FULL_NAMES, strict=True):
        if len(text) >= 3 and full.startswith(text):
            return short
    raise ValueError(f"{text!r} is not a weekday; use mon, tue, wed, thu, fri, sat or sun")


def describe_weekdays(days: tuple[str, ...]) -> str:
    """A short human form of a set of weekdays."""
    for name, value in (("every day", WEEKDAYS), ("Monday to Friday", WEEKDAYS[:5]), ("weekends", WEEKDAYS[5:])):
        if days == value:
            return name
    return ", ".join(d.capitalize() for d in days)


def local_drop_moment(day: dt.date, at: dt.time, tz: str) -> dt.datetime:
    """The UTC moment of a drop at local `at` on `day`.

    In the autumn fold the first of the two moments is taken; in the spring gap the clock time
    does not exist and the drop moves forward by the gap (02:30 becomes 03:30), the same day.
    """
    local = dt.datetime.combine(day, at, tzinfo=zone(tz)).replace(fold=0)
    return local.astimezone(dt.UTC)


def next_drop(now: dt.datetime, at: dt.time, tz: str, days: tuple[str, ...]) -> dt.datetime:
    """The next drop moment (UTC) at or after `now` for local time `at` on `days` in `tz`."""
    today = now.astimezone(zone(tz)).date()
    for offset in range(8):
        day = today + dt.timedelta(days=offset)
        if WEEKDAYS[day.weekday()] not in days:
            continue
        moment = local_drop_moment(day, at, tz)
        if moment >= now:
            return moment
    raise ValueError("no drop day in the coming week")
