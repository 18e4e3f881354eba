"""Streak arithmetic on local calendar days, with one forgiven missed day a week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

FREEZE_COOLDOWN = dt.timedelta(days=7)


@dataclass(frozen=True)
class Streak:
    """A learner's streak: current and best length, last active day, last forgiven day."""

    current: int = 0
    best: int = 0
    last_day: dt.date | None = None
    freeze_used_on: dt.date | None = None

    def freeze_available(self, missed_day: dt.date) -> bool:
        """Whether a missed day on `missed_day` may be forgiven (once in any 7 days)."""
        return self.freeze_used_on is None or missed_day - self.freeze_used_on >= FREEZE_COOLDOWN


def record_activity(streak: Streak, day: dt.date) -> Streak:
    """The streak after activity on local `day`."""
    last = streak.last_day
    if last is not None and day <= last:
        # Same day, or an earlier local date after the learner moved west: nothing changes.
        return streak
    freeze = streak.freeze_used_on
    if last is None:
        current = 1
    elif day - last == dt.timedelta(days=1):
        current = streak.current + 1
    elif day - last == dt.timedelta(days=2) and streak.freeze_available(last + dt.timedelta(days=1)):
        current = streak.current + 1
        freeze = last + dt.timedelta(days=1)
    else:
        current = 1
    return replace(streak, current=current, best=max(streak.best, current), last_day=day, freeze_used_on=freeze)


def current_as_of(streak: Streak, today: dt.date) -> int:
    """The streak length as it stands on local `today` (0 once it is broken)."""
    last = streak.last_day
    if last is None:
        return 0
    gap = (today - last).days
    if gap <= 1:
        return streak.current
    if gap == 2 and streak.freeze_available(last + dt.timedelta(days=1)):
        return streak.current
    return 0
