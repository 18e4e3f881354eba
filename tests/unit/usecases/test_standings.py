"""A board's per-score counts answer how many learners are ahead of a score, and its marks where to count on from."""

from __future__ import annotations

import datetime as dt

from bot.store.scores import Mark
from bot.usecases.standings import Counts

NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
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


def _mark(place: int, second: int, user_id: int) -> Mark:
    """A mark of the group (120, 8) at `place`, of a learner who first answered `second` seconds past noon."""
    return Mark(120, 8, NOON + dt.timedelta(seconds=second), user_id, place)


def test_mark_before_is_the_last_mark_ahead_in_the_group() -> None:
    """Behind the marks at 256 and 512 comes the one at 512; level in time, the lower user id is ahead."""
    counts = Counts.of(ROWS, 0.0, [_mark(512, 50, 7), _mark(256, 10, 3)])
    assert counts.mark_before((120, 8), NOON + dt.timedelta(seconds=60), 1) == _mark(512, 50, 7)
    assert counts.mark_before((120, 8), NOON + dt.timedelta(seconds=50), 9) == _mark(512, 50, 7)
    assert counts.mark_before((120, 8), NOON + dt.timedelta(seconds=50), 7) == _mark(256, 10, 3)


def test_no_mark_before_the_first_one_or_in_an_unmarked_group() -> None:
    """Ahead of the first mark, and in a group too small to have marks, counting starts at the group's start."""
    counts = Counts.of(ROWS, 0.0, [_mark(256, 10, 3)])
    assert counts.mark_before((120, 8), NOON, 1) is None
    assert counts.mark_before((40, 4), NOON + dt.timedelta(hours=1), 1) is None
