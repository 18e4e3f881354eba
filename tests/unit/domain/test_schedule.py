"""Parsing drop settings and computing the next drop."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.periods import zone
from bot.domain.schedule import WEEKDAYS, next_drop, parse_time, parse_weekdays


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", WEEKDAYS[:5]),
        ("weekends", ("sat", "sun")),
        ("daily", WEEKDAYS),
        ("fri-mon", ("mon", "fri", "sat", "sun")),
        ("Monday, Wednesday", ("mon", "wed")),
    ],
)
def test_weekday_forms(text: str, expected: tuple[str, ...]) -> None:
    """Ranges, lists, full names and aliases all parse."""
    assert parse_weekdays(text) == expected


def test_bad_weekday_is_rejected() -> None:
    """A word that is not a weekday is a friendly error."""
    with pytest.raises(ValueError, match="not a weekday"):
        parse_weekdays("funday")


@pytest.mark.parametrize("text", ["9", "24:00", "09:60", "nine", "9:5"])
def test_bad_times_are_rejected(text: str) -> None:
    """Only 24-hour HH:MM is accepted."""
    with pytest.raises(ValueError, match="HH:MM"):
        parse_time(text)


def test_next_drop_skips_days_off() -> None:
    """On a Saturday, a Monday-to-Friday drop is next on Monday."""
    saturday = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    moment = next_drop(saturday, dt.time(9, 0), "UTC", WEEKDAYS[:5])
    assert moment == dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def test_next_drop_in_the_spring_gap_still_happens_that_day() -> None:
    """02:30 does not exist in New York on 8 March 2026; the drop goes out at 03:30 that day."""
    before = dt.datetime(2026, 3, 8, 5, 0, tzinfo=dt.UTC)
    moment = next_drop(before, dt.time(2, 30), "America/New_York", WEEKDAYS)
    local = moment.astimezone(zone("America/New_York"))
    assert (local.date(), local.hour, local.minute) == (dt.date(2026, 3, 8), 3, 30)


def test_next_drop_in_the_autumn_fold_is_the_first_one() -> None:
    """01:30 happens twice in New York on 1 November 2026; the drop is at the first (EDT)."""
    before = dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC)
    assert next_drop(before, dt.time(1, 30), "America/New_York", WEEKDAYS) == dt.datetime(
        2026, 11, 1, 5, 30, tzinfo=dt.UTC
    )
