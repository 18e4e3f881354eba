"""The console's sparkline of recent answers."""

from __future__ import annotations

import datetime as dt

from bot.pictures.data import DayCount
from bot.pictures.sparkline import sparkline

TODAY = dt.date(2026, 12, 1)


def ago(days: int, answers: int) -> DayCount:
    """The answers of the day `days` before today."""
    return DayCount(TODAY - dt.timedelta(days=days), answers)


def test_no_answers_is_a_flat_line_of_28_days() -> None:
    """Without answers every one of the 28 days is the lowest block."""
    assert sparkline((), TODAY) == "▁" * 28


def test_the_busiest_day_is_the_full_block_and_days_scale_to_it() -> None:
    """Days are oldest first, scaled to the busiest day; a day with answers is never the lowest block."""
    line = sparkline((ago(0, 14), ago(1, 7), ago(2, 1), ago(27, 2)), TODAY)
    assert line == "▂" + "▁" * 24 + "▂▅█"


def test_days_outside_the_span_are_left_out() -> None:
    """Answers from before the span, or after today, do not change the line."""
    assert sparkline((ago(28, 50), ago(-1, 50), ago(0, 3)), TODAY) == "▁" * 27 + "█"


def test_answers_listed_twice_for_a_day_add_up() -> None:
    """Two counts for one day are that day's total."""
    assert sparkline((ago(0, 2), ago(0, 2), ago(1, 8)), TODAY, span=2) == "█▅"
