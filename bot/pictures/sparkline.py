"""The console's short summary of recent study: answers per day as block characters."""

from __future__ import annotations

import datetime as dt

from bot.pictures.data import DayCount, daily_counts

BLOCKS = "▁▂▃▄▅▆▇█"
SPAN = 28


def sparkline(days: tuple[DayCount, ...], today: dt.date, span: int = SPAN) -> str:
    """The answers of the `span` days ending `today` as one block per day, oldest first.

    A day without answers is the lowest block; the busiest day is the full one, and any other
    day with answers is at least the second block, so one answer never looks like none.
    """
    counts = daily_counts(days, today, span)
    peak = max(counts)
    top = len(BLOCKS) - 1
    return "".join(BLOCKS[max(1, round(top * n / peak)) if n else 0] for n in counts)
