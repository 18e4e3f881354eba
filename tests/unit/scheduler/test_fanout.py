"""Pacing posts to a platform's rate limit."""

from __future__ import annotations

import asyncio

from scheduler.fanout import Pace


async def test_posts_within_the_limit_go_at_once() -> None:
    """Up to the limit, waiting costs nothing."""
    pace = Pace(5, 10.0, margin=0)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for _ in range(5):
        await pace.wait()
    assert loop.time() - start < 0.5


async def test_posts_beyond_the_limit_wait_for_the_window() -> None:
    """With 2 posts per 0.2 s, the fifth post goes out no earlier than 0.4 s after the first."""
    pace = Pace(2, 0.2, margin=0)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for _ in range(5):
        await pace.wait()
    assert loop.time() - start >= 0.4
