"""Queries for daily drops: claiming a channel's drop for a local date exactly once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update

from bot.domain.streaks import Streak
from bot.store.base import SessionStore
from bot.store.claims import Claim, Leases, new_claim, stale
from bot.store.models import Channel, DailyDrop, User, UserStats, Workspace
from bot.store.privacy import board_name


@dataclass(frozen=True)
class ScheduledChannel:
    """A channel with a daily drop, and the platform and workspace it belongs to."""

    id: int
    platform: str
    workspace_id: int
    workspace_timezone: str | None
    external_id: str
    name: str
    drop_time: str
    timezone: str
    weekdays: tuple[str, ...]
    paused: bool
    weekly_board: bool
    team_report: bool
    updated_at: dt.datetime
    course_id: str | None = None
    """The course it drops; None for the default course."""


class DropStore(SessionStore):
    """Data access for the scheduler; never commits (the caller's unit of work does)."""

    async def scheduled(self, channel_id: int | None = None) -> list[ScheduledChannel]:
        """Every channel with a drop time (or one of them), with its platform."""
        stmt = (
            select(Channel, Workspace.platform, Workspace.timezone)
            .join(Workspace, Workspace.id == Channel.workspace_id)
            .where(Channel.drop_time.is_not(None), Channel.timezone.is_not(None))
            .order_by(Channel.id)
        )
        if channel_id is not None:
            stmt = stmt.where(Channel.id == channel_id)
        rows = (await self.session.execute(stmt)).all()
        return [
            ScheduledChannel(
                id=c.id,
                platform=platform,
                workspace_id=c.workspace_id,
                workspace_timezone=ws_tz,
                external_id=c.external_id,
                name=c.name,
                drop_time=c.drop_time or "",
                timezone=c.timezone or "UTC",
                weekdays=tuple(c.weekdays.split(",")),
                paused=c.paused,
                weekly_board=c.weekly_board,
                team_report=c.team_report,
                updated_at=c.updated_at,
                course_id=c.course_id,
            )
            for c, platform, ws_tz in rows
        ]

    async def settled(self, local_dates: Sequence[dt.date], lease: dt.timedelta) -> set[tuple[int, str, dt.date]]:
        """(channel, kind, date) of the drops of these dates that are sent, failed, or claimed within the lease.

        The lease is judged by the database's clock; every drop not listed is free to claim or take
        over.
        """
        rows = await self.session.execute(
            select(DailyDrop.channel_id, DailyDrop.kind, DailyDrop.local_date).where(
                DailyDrop.local_date.in_(local_dates), ~stale(DailyDrop, lease)
            )
        )
        return {(channel_id, kind, local_date) for channel_id, kind, local_date in rows}

    async def existing(self, channel_id: int, kind: str, local_date: dt.date) -> DailyDrop | None:
        """The drop of a channel for a local date, if claimed."""
        return await self.session.scalar(
            select(DailyDrop).where(
                DailyDrop.channel_id == channel_id, DailyDrop.kind == kind, DailyDrop.local_date == local_date
            )
        )

    async def claim(
        self, channel_id: int, kind: str, local_date: dt.date, topics: Sequence[str], worker: str
    ) -> Claim | None:
        """Claim a channel's drop for a local date; None when it was claimed already.

        A lesson takes the channel's next topic; the position advances only when the drop is
        sent (`finish`), so a failed drop never skips a topic. The channel row is locked first.
        """
        position = await self.lock_channel(channel_id)
        if position is None:
            return None
        lesson = kind == "lesson"
        topic_id = topics[position % len(topics)] if lesson else ""
        stmt = (
            self._insert(DailyDrop)
            .values(
                channel_id=channel_id,
                kind=kind,
                local_date=local_date,
                topic_id=topic_id,
                **new_claim(worker),
            )
            .on_conflict_do_nothing()
            .returning(DailyDrop.id)
        )
        drop_id = (await self.session.execute(stmt)).scalar_one_or_none()
        if drop_id is None:
            return None
        wrapped = lesson and position > 0 and position % len(topics) == 0
        return Claim(drop_id, topic_id, wrapped, takeover=False)

    async def lock_channel(self, channel_id: int) -> int | None:
        """Lock the channel row for this transaction; its topic position (None if it is gone).

        Every drop transaction locks the channel before touching its drops, so they never deadlock.
        """
        stmt = select(Channel.next_topic_index).where(Channel.id == channel_id)
        if self.dialect == "postgresql":
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def take_over(self, drop: DailyDrop, lease: dt.timedelta, worker: str) -> int | None:
        """Take over a claim not renewed within `lease` by the database's clock; the new attempt, or None."""
        return await Leases(self.session, DailyDrop).take_over(drop.id, drop.attempts, lease, worker)

    async def renew(self, drop_id: int, attempt: int) -> bool:
        """Keep a claim fresh while its holder works on it; False once another process took it over."""
        return await Leases(self.session, DailyDrop).renew(drop_id, attempt)

    async def advance(self, channel_id: int) -> None:
        """Move the channel to its next topic (after a lesson went out)."""
        await self.session.execute(
            update(Channel).where(Channel.id == channel_id).values(next_topic_index=Channel.next_topic_index + 1)
        )

    async def finish(self, drop_id: int, attempt: int, status: str, now: dt.datetime, message_id: str | None) -> bool:
        """Mark a drop sent (with the platform's message id) or failed; False if the claim was lost."""
        return await Leases(self.session, DailyDrop).finish(drop_id, attempt, status, now, message_id)

    async def set_channel_error(self, channel_id: int, error: str | None) -> None:
        """Remember (or clear) the last problem of a channel, for `/study schedule`."""
        await self.session.execute(
            update(Channel).where(Channel.id == channel_id).values(last_error=error[:500] if error else None)
        )

    async def streaks(self, workspace_id: int, since: dt.date, limit: int) -> list[tuple[str, str | None, Streak]]:
        """(name on the board, own timezone, streak) of a workspace's learners active since `since`, longest first."""
        rows = await self.session.execute(
            select(
                User.display_name,
                User.external_id,
                User.hidden,
                User.timezone,
                UserStats.current_streak,
                UserStats.best_streak,
                UserStats.last_active_day,
                UserStats.freeze_used_on,
            )
            .join(UserStats, UserStats.user_id == User.id)
            .where(
                User.workspace_id == workspace_id,
                UserStats.current_streak > 0,
                UserStats.last_active_day >= since,
            )
            .order_by(UserStats.current_streak.desc(), User.id)
            .limit(limit)
        )
        return [(board_name(name, ext, bool(hidden)), tz, Streak(cur, best, day, freeze))
                for name, ext, hidden, tz, cur, best, day, freeze in rows]
