"""Fixtures for drops through the real posters: the platform stand-ins, and channels due at once."""

from __future__ import annotations

import datetime as dt

from bot.app import StudyBot
from bot.usecases.context import Core
from tests.conftest import Clock, make_actor

SET_UP = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


async def set_up_channels(core: Core, platform: str, channel_ids: list[str]) -> Clock:
    """Set channels up for 09:00 UTC the day before, and return a clock at their first drop."""
    core.clock = Clock(SET_UP)
    admin = make_actor("owner", "ws-1", platform=platform, admin=True)
    for channel_id in channel_ids:
        reply = await StudyBot(core).dispatch(admin, f"/study setup {channel_id} 09:00 UTC")
        assert reply.title == "Daily drop set up ✅"
    core.clock = clock = Clock(DUE)
    return clock
