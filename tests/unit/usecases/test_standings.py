"""A board's per-points counts answer how many learners have more points than a number."""

from __future__ import annotations

from bot.usecases.standings import Counts

ROWS = [(300, 1), (120, 4), (40, 10)]  # most points first, as the store reads them


def test_more_than_counts_the_learners_strictly_above() -> None:
    """Above 120 is the one learner with 300; above 40 the five with 120 or 300."""
    counts = Counts.of(ROWS, 0.0)
    assert [counts.more_than(p) for p in (300, 120, 40)] == [0, 1, 5]


def test_more_than_a_number_between_the_counted_ones() -> None:
    """A number of points nobody has lies between its neighbours; below everyone, all are above."""
    counts = Counts.of(ROWS, 0.0)
    assert (counts.more_than(500), counts.more_than(100), counts.more_than(10)) == (0, 5, 15)


def test_total_is_everyone_on_the_board() -> None:
    """Fifteen learners; an empty board has none."""
    assert Counts.of(ROWS, 0.0).total == 15
    assert Counts.of([], 0.0).total == 0
