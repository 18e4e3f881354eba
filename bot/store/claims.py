"""Claims with leases: one row per (target, kind, local date), taken by one process at a time.

Daily drops (`daily_drops`) and reminders (`reminder_sends`) are both delivered exactly once per
target and local date through these rows: a unique key makes the first INSERT the claim, a
holder renews its lease while it works, a claim not renewed within the lease (by the database's
clock) may be taken over with a compare-and-set on its attempt, and the outcome is written only
by the attempt that still holds it. Each table declares its own target column; the rest comes
from `bot.store.models.ClaimColumns`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.store.clock import DatabaseNow
from bot.store.models import DailyDrop, ReminderSend

ClaimTable = type[DailyDrop] | type[ReminderSend]
"""A table of claims: the daily drops, or the reminders."""

CLAIMED = "claimed"
SENT = "sent"
FAILED = "failed"


@dataclass(frozen=True)
class Claim:
    """A delivery this process may make: its row id, topic, whether it took over a stale claim, and its attempt.

    The attempt is the fencing token: a later takeover makes this claim's writes void. `topic_id`
    and `wrapped` are a lesson drop's (empty for the weekly board and for reminders).
    """

    id: int
    topic_id: str
    wrapped: bool
    takeover: bool
    attempt: int = 1


def stale(table: ClaimTable, lease: dt.timedelta) -> ColumnElement[bool]:
    """A claim of `table` whose holder has not renewed it within `lease`, by the database's clock."""
    return and_(table.status == CLAIMED, table.claimed_at <= DatabaseNow(-lease))


def new_claim(worker: str) -> dict[str, Any]:
    """The values of a fresh claim by `worker`, for the table's INSERT ... ON CONFLICT DO NOTHING."""
    return {"status": CLAIMED, "claimed_at": DatabaseNow(), "claimed_by": worker, "attempts": 1}


class Leases:
    """The lease operations on one claim table, within the caller's session (never commits)."""

    def __init__(self, session: AsyncSession, table: ClaimTable) -> None:
        self.session = session
        self.table = table

    async def take_over(self, row_id: int, attempts: int, lease: dt.timedelta, worker: str) -> int | None:
        """Take over a claim not renewed within `lease`; the new attempt, or None if alive or taken already."""
        table = self.table
        result = await self.session.execute(
            update(table)
            .where(table.id == row_id, table.attempts == attempts, stale(table, lease))
            .values(claimed_at=DatabaseNow(), claimed_by=worker, attempts=table.attempts + 1)
            .returning(table.attempts)
        )
        return result.scalar_one_or_none()

    async def take_over_where(self, condition: ColumnElement[bool], target: InstrumentedAttribute[int],
                              lease: dt.timedelta, worker: str) -> list[tuple[int, int, int]]:
        """Take over every claim matching `condition` not renewed within `lease`; (row id, attempt, target) of each.

        One statement for many claims: staleness is judged row by row as each row is updated (under
        its lock), so a claim renewed or taken over meanwhile by another process is left alone.
        """
        table = self.table
        result = await self.session.execute(
            update(table)
            .where(condition, stale(table, lease))
            .values(claimed_at=DatabaseNow(), claimed_by=worker, attempts=table.attempts + 1)
            .returning(table.id, table.attempts, target)
            .execution_options(synchronize_session=False)
        )
        return [(row_id, attempt, owner) for row_id, attempt, owner in result]

    async def renew(self, row_id: int, attempt: int) -> bool:
        """Keep a claim fresh while its holder works on it; False once another process took it over."""
        table = self.table
        result = await self.session.execute(
            update(table)
            .where(table.id == row_id, table.status == CLAIMED, table.attempts == attempt)
            .values(claimed_at=DatabaseNow())
            .returning(table.id)
        )
        return result.scalar_one_or_none() is not None

    async def finish(self, row_id: int, attempt: int, status: str, now: dt.datetime, message_id: str | None) -> bool:
        """Mark a claim sent (with the platform's message id) or failed; False if the claim was lost."""
        table = self.table
        result = await self.session.execute(
            update(table)
            .where(table.id == row_id, table.status == CLAIMED, table.attempts == attempt)
            .values(status=status, sent_at=now if status == SENT else None, message_id=message_id)
            .returning(table.id)
        )
        return result.scalar_one_or_none() is not None

    async def finish_many(self, outcomes: Sequence[tuple[int, int, str, str | None]], now: dt.datetime) -> set[int]:
        """Record many outcomes (row id, attempt, status, message id) at once; the row ids recorded.

        One UPDATE run for every outcome (executemany), each row written only by the attempt that
        still holds it, as in `finish`; then one SELECT tells which rows now carry this attempt's
        outcome (a claim taken over meanwhile has a later attempt, and is missing from the answer).
        """
        if not outcomes:
            return set()
        table = self.table
        stmt = (
            update(table)
            .where(table.id == bindparam("row_id"), table.status == CLAIMED, table.attempts == bindparam("attempt"))
            .values(status=bindparam("new_status"), sent_at=bindparam("new_sent_at"),
                    message_id=bindparam("new_message_id"))
        )
        connection = await self.session.connection()  # Core statements: no ORM bookkeeping
        await connection.execute(stmt, [
            {"row_id": row_id, "attempt": attempt, "new_status": status, "new_sent_at": now if status == SENT else None,
             "new_message_id": message_id}
            for row_id, attempt, status, message_id in outcomes
        ])
        rows = await connection.execute(
            select(table.id, table.attempts, table.status).where(table.id.in_([o[0] for o in outcomes]))
        )
        now_held = {row_id: (attempt, status) for row_id, attempt, status in rows}
        return {row_id for row_id, attempt, status, _m in outcomes if now_held.get(row_id) == (attempt, status)}
