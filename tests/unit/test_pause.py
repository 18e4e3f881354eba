"""A background loop's pause: the whole interval, or until it is told to stop."""

from __future__ import annotations

import asyncio
import time

from bot.pause import pause


async def test_a_pause_lasts_its_interval_when_nothing_stops_it() -> None:
    """Without a stop it waits the interval and says to go on."""
    started = time.monotonic()
    assert await pause(asyncio.Event(), 0.05) is False
    assert time.monotonic() - started >= 0.04


async def test_a_stop_ends_the_pause_at_once() -> None:
    """A stop set meanwhile ends a long pause early and says to stop."""
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(0.02, stop.set)
    started = time.monotonic()
    assert await pause(stop, 30) is True
    assert time.monotonic() - started < 5
