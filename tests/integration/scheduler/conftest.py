"""Fixtures for drop and reminder tests: a recording platform at the outermost edge, channels set up by an admin."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app import StudyBot
from bot.domain.periods import zone
from bot.messages import Message
from bot.posting import DirectMessagesClosedError, PermanentPostError
from bot.usecases.context import Core
from bot.usecases.drops import Drops
from scheduler.fanout import DropRunner
from tests.conftest import Clock, make_actor

ADMIN = make_actor("boss", admin=True)


class RecordingPlatform:
    """The platform edge: records posts and direct messages, dedupes on the idempotency key, fails on demand."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, Message, str]] = []
        self.by_key: dict[str, str] = {}
        self.failures: dict[str, list[Exception]] = {}
        self.directs: list[tuple[str, Message, str]] = []
        self.closed: set[str] = set()  # users whose direct messages are closed to the bot

    async def post_direct(self, user_id: str, message: Message, idempotency_key: str) -> str:
        """Record a direct message (once per key), or refuse it as a platform does when DMs are closed."""
        if user_id in self.closed:
            raise DirectMessagesClosedError(f"cannot send a direct message to {user_id}")
        if idempotency_key not in self.by_key:
            self.directs.append((user_id, message, idempotency_key))
            self.by_key[idempotency_key] = f"d{len(self.directs)}"
        return self.by_key[idempotency_key]

    def direct_titles(self, user_id: str) -> list[str]:
        """Titles of the direct messages sent to a user, in order."""
        return [m.title for u, m, _ in self.directs if u == user_id]

    async def post(self, channel_id: str, message: Message, idempotency_key: str) -> str:
        """Record the post (once per key) or raise the next queued failure for the channel."""
        queued = self.failures.get(channel_id)
        if queued:
            raise queued.pop(0)
        if idempotency_key not in self.by_key:
            self.posts.append((channel_id, message, idempotency_key))
            self.by_key[idempotency_key] = f"m{len(self.posts)}"
        return self.by_key[idempotency_key]

    def titles(self, channel_id: str) -> list[str]:
        """Titles of the messages posted in a channel, in order."""
        return [m.title for c, m, _ in self.posts if c == channel_id]


@pytest.fixture
def platform() -> RecordingPlatform:
    """A fresh recording platform."""
    return RecordingPlatform()


@pytest.fixture
def runner(core: Core, platform: RecordingPlatform, clock: Clock) -> DropRunner:
    """A drop runner posting to the recording platform, with no real waiting between retries."""
    return DropRunner(Drops(core, "worker-a"), {"console": platform}, clock=clock, backoff=0.0)


async def set_up(core: Core, clock: Clock, channel: str, args: str) -> None:
    """Run `/study setup` as an admin at the clock's current time."""
    message = await StudyBot(core).dispatch(ADMIN, f"/study setup {channel} {args}")
    assert message.title == "Daily drop set up ✅", message.body


def at(clock: Clock, tz: str, year: int, month: int, day: int, hour: int, minute: int) -> None:
    """Set the clock to a local time."""
    clock.now = dt.datetime(year, month, day, hour, minute, tzinfo=zone(tz)).astimezone(dt.UTC)


__all__ = ["ADMIN", "PermanentPostError", "RecordingPlatform", "at", "set_up"]
