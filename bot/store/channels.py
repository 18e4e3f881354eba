"""Workspaces and their channels' schedules, and the bot's own small state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update

from bot.store.base import SessionStore
from bot.store.models import Channel, DailyDrop, KeyValue, Workspace


class ChannelStore(SessionStore):
    """Workspaces, channels and their drop settings, and key-value bot state."""

    async def ensure_workspace(self, platform: str, external_id: str, name: str) -> Workspace:
        """The workspace row, created on first sight."""
        stmt = self._insert(Workspace).values(
            platform=platform, external_id=external_id, name=name[:200]
        )
        await self._execute(stmt.on_conflict_do_nothing())
        row = await self.session.scalar(
            select(Workspace).where(
                Workspace.platform == platform, Workspace.external_id == external_id
            )
        )
        assert row is not None
        return row

    async def workspace_by_id(self, workspace_id: int) -> Workspace | None:
        """A workspace by primary key."""
        return await self.session.get(Workspace, workspace_id)

    async def channel(self, workspace_id: int, external_id: str) -> Channel | None:
        """A channel's settings, if it was ever set up."""
        return await self.session.scalar(
            select(Channel).where(
                Channel.workspace_id == workspace_id, Channel.external_id == external_id
            )
        )

    async def course_of(self, platform: str, workspace_external: str, channel_external: str) -> str | None:
        """The course id set for a channel (`setup ... course`), found by the platform's ids; None when unset."""
        return await self.session.scalar(
            select(Channel.course_id)
            .join(Workspace, Workspace.id == Channel.workspace_id)
            .where(Workspace.platform == platform, Workspace.external_id == workspace_external,
                   Channel.external_id == channel_external)
        )

    async def ensure_channel(self, workspace_id: int, external_id: str, name: str) -> Channel:
        """A channel row, created on first use."""
        stmt = self._insert(Channel).values(
            workspace_id=workspace_id, external_id=external_id, name=name[:200]
        )
        await self._execute(stmt.on_conflict_do_nothing())
        row = await self.channel(workspace_id, external_id)
        assert row is not None
        return row

    async def save_schedule(self, channel_id: int, schedule: dict[str, Any], now: dt.datetime) -> None:
        """Set a channel's drop settings (time, timezone, weekdays, maybe its switches); it runs again."""
        values = {**schedule, "paused": False, "last_error": None, "updated_at": now}
        await self.session.execute(update(Channel).where(Channel.id == channel_id).values(values))

    async def set_paused(self, channel_id: int, paused: bool, now: dt.datetime) -> None:
        """Pause or resume a channel's drops."""
        await self.session.execute(
            update(Channel).where(Channel.id == channel_id).values(paused=paused, updated_at=now)
        )

    async def adopt_timezone(self, workspace_id: int, tz: str) -> bool:
        """Give a workspace without a timezone this one (its first schedule's); whether it had none."""
        result = await self._execute(
            update(Workspace).where(Workspace.id == workspace_id, Workspace.timezone.is_(None)).values(timezone=tz)
        )
        return bool(result.rowcount)

    async def scheduled_channels(self, workspace_id: int | None = None) -> Sequence[Channel]:
        """Channels with a drop time, optionally of one workspace."""
        stmt = select(Channel).where(Channel.drop_time.is_not(None)).order_by(Channel.id)
        if workspace_id is not None:
            stmt = stmt.where(Channel.workspace_id == workspace_id)
        return (await self.session.scalars(stmt)).all()

    async def last_drop(self, channel_id: int, kind: str = "lesson") -> DailyDrop | None:
        """The most recent drop of a channel that went out."""
        return await self.session.scalar(
            select(DailyDrop)
            .where(DailyDrop.channel_id == channel_id, DailyDrop.kind == kind, DailyDrop.status == "sent")
            .order_by(DailyDrop.local_date.desc())
            .limit(1)
        )

    async def get_value(self, key: str) -> str | None:
        """A stored piece of bot state."""
        row = await self.session.get(KeyValue, key)
        return row.value if row else None

    async def set_value(self, key: str, value: str) -> None:
        """Store a piece of bot state."""
        stmt = self._insert(KeyValue).values(key=key, value=value)
        await self._execute(
            stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value})
        )
