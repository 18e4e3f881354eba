"""A learner's answers on each of their own days, over the weeks the progress card shows, kept with their streak."""

from __future__ import annotations

import datetime as dt

WEEKS_KEPT = 12
"""The progress card's calendar: this many Monday-first week columns, the last one holding today."""
DAYS_KEPT = 7 * WEEKS_KEPT
"""The days a learner's counts reach back, today included: the calendar's first Monday is never further back."""

DayCounts = tuple[tuple[dt.date, int], ...]
"""(day, answers) for each day with answers, oldest first."""


def count_answer(days: DayCounts, day: dt.date) -> DayCounts:
    """The counts with one more answer on `day`; days more than DAYS_KEPT before it are dropped."""
    oldest = day - dt.timedelta(days=DAYS_KEPT - 1)
    counts = {d: n for d, n in days if d >= oldest}
    counts[day] = counts.get(day, 0) + 1
    return tuple(sorted(counts.items()))


def calendar_start(today: dt.date) -> dt.date:
    """The Monday the calendar starts on: WEEKS_KEPT week columns, the last one holding `today`."""
    return today - dt.timedelta(days=today.weekday(), weeks=WEEKS_KEPT - 1)


def days_since(days: DayCounts, start: dt.date) -> dict[dt.date, int]:
    """The answers of each day from `start` on (days without any left out)."""
    return {d: n for d, n in days if d >= start}
