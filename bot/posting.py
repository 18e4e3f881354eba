"""What the scheduler needs from a platform: a way to post a message into a channel, or to a person."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Protocol, runtime_checkable

from bot.messages import Message
from bot.notify import Notice


class PermanentPostError(Exception):
    """Posting can never succeed as things stand (deleted channel, bot removed, no permission)."""


class DirectMessagesClosedError(PermanentPostError):
    """The person does not take direct messages from the bot (Discord 50007, Slack `cannot_dm_bot`)."""


class Poster(Protocol):
    """Posts core messages into channels of one platform."""

    async def post(self, channel_id: str, message: Message, idempotency_key: str) -> str:
        """Post `message` and return the platform's message id.

        The same `idempotency_key` must never produce a second message where the platform allows
        it (a Discord nonce, say). Rate limits are honoured inside; `PermanentPostError` means
        there is no point retrying.
        """
        ...


@runtime_checkable
class DirectPoster(Protocol):
    """A poster that can also write to one person directly (reminders)."""

    async def post_direct(self, user_id: str, message: Message, idempotency_key: str) -> str:
        """Open (or reuse) the direct conversation with `user_id`, post `message` there; the message id.

        `DirectMessagesClosedError` means the person does not take direct messages from the bot.
        """
        ...


@runtime_checkable
class PostFinder(Protocol):
    """A poster that can tell whether a post with a given key is already in a channel.

    Used before re-posting a drop whose previous claimant stopped: on a platform with no
    idempotent post (Slack), this is how a second copy is avoided.
    """

    async def find(self, channel_id: str, idempotency_key: str) -> str | None:
        """The message id of an earlier post with this key, or None."""
        ...


@runtime_checkable
class DirectFinder(Protocol):
    """A poster that can tell whether a direct message with a given key already reached someone.

    Used before re-sending a reminder whose previous claimant stopped, as `PostFinder` is for drops.
    """

    async def find_direct(self, user_id: str, idempotency_key: str) -> str | None:
        """The message id of an earlier direct message with this key, or None."""
        ...


class Posters(Mapping[str, Poster]):
    """The posters of the platforms connected now, by platform name.

    A platform registers its poster once it is connected and withdraws it when it drops out, so
    drops wait (unclaimed) for it; subscribers of `registered` (the drop scheduler) hear at once.
    """

    def __init__(self) -> None:
        self._by_platform: dict[str, Poster] = {}
        self.registered: Notice[str] = Notice()

    def register(self, platform: str, poster: Poster) -> None:
        """`platform` can be posted to now, through `poster`."""
        self._by_platform[platform] = poster
        self.registered.publish(platform)

    def withdraw(self, platform: str) -> None:
        """`platform` is gone until it registers again."""
        self._by_platform.pop(platform, None)

    def __getitem__(self, platform: str) -> Poster:
        return self._by_platform[platform]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_platform)

    def __len__(self) -> int:
        return len(self._by_platform)
