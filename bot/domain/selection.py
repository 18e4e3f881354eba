"""Which question to ask next: due reviews first, then unseen ones, never a recent right answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Pick:
    """The chosen question id, or when the next one falls due if nothing is due now."""

    question_id: str | None
    reason: str  # "due", "new" or "none"
    next_due: dt.datetime | None = None


def pick_next(candidates: Sequence[str], dues: Mapping[str, dt.datetime], now: dt.datetime) -> Pick:
    """Pick from `candidates` (syllabus order) given the user's review due times.

    Questions removed from the content are ignored, because only candidates are considered.
    """
    due = sorted((dues[q], i, q) for i, q in enumerate(candidates) if q in dues and dues[q] <= now)
    if due:
        return Pick(due[0][2], "due")
    for q in candidates:
        if q not in dues:
            return Pick(q, "new")
    upcoming = [dues[q] for q in candidates if q in dues]
    return Pick(None, "none", min(upcoming) if upcoming else None)
