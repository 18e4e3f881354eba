"""A board's per-score counts answer how many learners are ahead of a score."""

from __future__ import annotations

from bot.usecases.standings import Counts

ROWS = [((300, 20), 1), ((120, 9), 3), ((120, 8), 1), ((40, 4), 10)]  # highest first, as the store reads them


def test_ahead_of_counts_the_learners_strictly_ahead() -> None:
    """Ahead of (120, 8) are the one with 300 and the three with as many points but more right answers."""
    counts = Counts.of(ROWS, 0.0)
    assert [counts.ahead_of(s) for s in ((300, 20), (120, 9), (120, 8), (40, 4))] == [0, 1, 4, 5]


def test_ahead_of_a_score_nobody_has() -> None:
    """A score nobody has lies between its neighbours; below everyone, all are ahead."""
    counts = Counts.of(ROWS, 0.0)
    assert (counts.ahead_of((500, 0)), counts.ahead_of((120, 10)), counts.ahead_of((10, 1))) == (0, 1, 15)


def test_total_is_everyone_on_the_board() -> None:
    """Fifteen learners; an empty board has none."""
    assert Counts.of(ROWS, 0.0).total == 15
    assert Counts.of([], 0.0).total == 0
