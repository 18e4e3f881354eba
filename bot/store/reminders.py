"""Learners' reminders: their settings, who is due, and claiming each reminder exactly once a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from bot.domain.streaks import Streak
from bot.store.base import SessionStore
from bot.store.claims import Leases, new_claim, stale
from bot.store.models import Reminder, ReminderSend, ReviewState, User, UserStats, Workspace


@dataclass(frozen=True)
class ScheduledReminder:
    """An active reminder with what deciding it is due needs: the learner, their day and their streak."""

    user_id: int
    platform: str
    external_id: str
    user_timezone: str | None
    workspace_timezone: str | None
    remind_at: str
    snooze_on: dt.date | None
    snooze_until: dt.datetime | None
    updated_at: dt.datetime
    streak: Streak


class ReminderStore(SessionStore):
    """A learner's reminder row and the claims of its sends; never commits."""

    async def get(self, user_id: int) -> Reminder | None:
        """The learner's reminder, on or switched off, if they ever set one."""
        return await self.session.get(Reminder, user_id)

    async def turn_on(self, user_id: int, remind_at: str, now: dt.datetime) -> None:
        """Remind the learner daily at local `remind_at` from now on (clears a snooze and a notice)."""
        values = {"remind_at": remind_at, "active": True, "snooze_on": None, "snooze_until": None, "notice": None,
                  "updated_at": now}
        stmt = self._insert(Reminder).values(user_id=user_id, **values)
        await self._execute(stmt.on_conflict_do_update(index_elements=[Reminder.user_id], set_=values))

    async def restart(self, user_id: int, now: dt.datetime) -> None:
        """Count the reminder from `now` (after a change of timezone, a time already passed waits a day)."""
        await self.session.execute(update(Reminder).where(Reminder.user_id == user_id).values(updated_at=now))

    async def remove(self, user_id: int) -> bool:
        """Stop reminding the learner; False when there was nothing to stop."""
        result = await self.session.execute(
            delete(Reminder).where(Reminder.user_id == user_id, Reminder.active).returning(Reminder.user_id)
        )
        return result.scalar_one_or_none() is not None

    async def switch_off(self, user_id: int, notice: str) -> None:
        """Switch the reminder off and leave a notice for the learner's next command."""
        await self.session.execute(
            update(Reminder).where(Reminder.user_id == user_id).values(active=False, notice=notice[:300])
        )

    async def has_notice(self, user_id: int) -> bool:
        """Whether a notice waits for the learner."""
        found = await self.session.scalar(
            select(Reminder.user_id).where(Reminder.user_id == user_id, Reminder.notice.is_not(None))
        )
        return found is not None

    async def take_notice(self, user_id: int) -> str | None:
        """The notice waiting for the learner, removed so that it is told once (None if there is none)."""
        stmt = select(Reminder.notice).where(Reminder.user_id == user_id, Reminder.notice.is_not(None))
        if self.dialect == "postgresql":
            stmt = stmt.with_for_update()
        notice = await self.session.scalar(stmt)
        if notice is None:
            return None
        await self.session.execute(update(Reminder).where(Reminder.user_id == user_id).values(notice=None))
        return notice

    async def snooze(self, user_id: int, local_date: dt.date, until: dt.datetime) -> bool:
        """Remind again at `until` on `local_date`; False when off or already snoozed that day."""
        result = await self.session.execute(
            update(Reminder)
            .where(
                Reminder.user_id == user_id,
                Reminder.active,
                (Reminder.snooze_on.is_(None)) | (Reminder.snooze_on != local_date),
            )
            .values(snooze_on=local_date, snooze_until=until)
            .returning(Reminder.user_id)
        )
        return result.scalar_one_or_none() is not None

    async def scheduled(self) -> list[ScheduledReminder]:
        """Every active reminder with its learner's platform, timezones and streak."""
        rows = await self._execute(
            select(
                Reminder.user_id, Workspace.platform, User.external_id, User.timezone, Workspace.timezone,
                Reminder.remind_at, Reminder.snooze_on, Reminder.snooze_until, Reminder.updated_at,
                UserStats.current_streak, UserStats.best_streak, UserStats.last_active_day, UserStats.freeze_used_on,
            )
            .join(User, User.id == Reminder.user_id)
            .join(Workspace, Workspace.id == User.workspace_id)
            .outerjoin(UserStats, UserStats.user_id == Reminder.user_id)
            .where(Reminder.active)
            .order_by(Reminder.user_id)
        )
        return [
            ScheduledReminder(
                user_id, platform, external_id, user_tz, ws_tz, remind_at, snooze_on, snooze_until, updated_at,
                Streak(current or 0, best or 0, last_day, freeze),
            )
            for (user_id, platform, external_id, user_tz, ws_tz, remind_at, snooze_on, snooze_until, updated_at,
                 current, best, last_day, freeze) in rows
        ]

    async def settled(self, local_dates: Sequence[dt.date], lease: dt.timedelta) -> set[tuple[int, str, dt.date]]:
        """(learner, kind, date) of the reminders of these dates sent, failed, or claimed within the lease."""
        rows = await self.session.execute(
            select(ReminderSend.user_id, ReminderSend.kind, ReminderSend.local_date).where(
                ReminderSend.local_date.in_(local_dates), ~stale(ReminderSend, lease)
            )
        )
        return {(user_id, kind, local_date) for user_id, kind, local_date in rows}

    async def claim(self, user_id: int, kind: str, local_date: dt.date, worker: str) -> int | None:
        """Claim a learner's reminder of a kind for a local date; its row id, or None when claimed already."""
        stmt = (
            self._insert(ReminderSend)
            .values(user_id=user_id, kind=kind, local_date=local_date, **new_claim(worker))
            .on_conflict_do_nothing()
            .returning(ReminderSend.id)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def existing(self, user_id: int, kind: str, local_date: dt.date) -> ReminderSend | None:
        """The claim of a learner's reminder for a local date, if there is one."""
        return await self.session.scalar(
            select(ReminderSend).where(
                ReminderSend.local_date == local_date, ReminderSend.kind == kind, ReminderSend.user_id == user_id
            )
        )

    async def claim_many(self, keys: Sequence[tuple[int, str, dt.date]], worker: str,
                         lease: dt.timedelta) -> dict[tuple[int, str, dt.date], tuple[int, int, bool]]:
        """Claim many (learner, kind, local date) reminders at once, taking over stale claims among them.

        The answer maps each key claimed to (row id, attempt, taken over); a key missing from it is
        another process's. New claims are one INSERT ... ON CONFLICT DO NOTHING, in key order so
        that processes claiming the same keys wait for each other rather than deadlock.
        """
        ordered = sorted(set(keys), key=lambda k: (k[2], k[1], k[0]))
        if not ordered:
            return {}
        stmt = (
            self._insert(ReminderSend.__table__)
            .values(**new_claim(worker))
            .on_conflict_do_nothing()
            .returning(ReminderSend.id, ReminderSend.user_id, ReminderSend.kind, ReminderSend.local_date)
        )
        rows = [{"user_id": u, "kind": k, "local_date": d} for u, k, d in ordered]  # one statement, many rows
        claimed = {(u, k, d): (row_id, 1, False) for row_id, u, k, d in await self._execute(stmt, rows)}
        rest = [key for key in ordered if key not in claimed]
        groups: dict[tuple[str, dt.date], list[int]] = {}
        for user_id, kind, local_date in rest:
            groups.setdefault((kind, local_date), []).append(user_id)
        for (kind, local_date), users in groups.items():
            condition = (ReminderSend.local_date == local_date) & (ReminderSend.kind == kind)
            taken = await self.leases().take_over_where(condition & ReminderSend.user_id.in_(users),
                                                        ReminderSend.user_id, lease, worker)
            claimed.update({(user_id, kind, local_date): (row_id, attempt, True) for row_id, attempt, user_id in taken})
        return claimed

    def leases(self) -> Leases:
        """Taking over, renewing and finishing reminder claims."""
        return Leases(self.session, ReminderSend)

    async def due_cards(self, user_id: int, now: dt.datetime) -> int:
        """How many of the learner's review cards are due by `now`."""
        count = await self.session.scalar(
            select(func.count()).select_from(ReviewState).where(ReviewState.user_id == user_id, ReviewState.due <= now)
        )
        return int(count or 0)

    async def due_cards_of(self, user_ids: Sequence[int], now: dt.datetime) -> dict[int, int]:
        """How many review cards are due by `now` for each of these learners (those with none are left out)."""
        rows = await self._execute(
            select(ReviewState.user_id, func.count())
            .where(ReviewState.user_id.in_(list(user_ids)), ReviewState.due <= now)
            .group_by(ReviewState.user_id)
        )
        return {user_id: int(count) for user_id, count in rows}

    async def streaks(self, user_ids: Sequence[int]) -> dict[int, Streak]:
        """The streaks of these learners as stored now (those with none are left out)."""
        rows = await self._execute(
            select(UserStats.user_id, UserStats.current_streak, UserStats.best_streak, UserStats.last_active_day,
                   UserStats.freeze_used_on).where(UserStats.user_id.in_(list(user_ids)))
        )
        return {user_id: Streak(current, best, last_day, freeze) for user_id, current, best, last_day, freeze in rows}

    async def streak(self, user_id: int) -> Streak:
        """The learner's streak as stored now."""
        row = (await self.session.execute(
            select(UserStats.current_streak, UserStats.best_streak, UserStats.last_active_day,
                   UserStats.freeze_used_on).where(UserStats.user_id == user_id)
        )).first()
        return Streak(*row) if row is not None else Streak()
