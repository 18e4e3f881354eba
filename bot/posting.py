"""What the scheduler needs from a platform: a way to post a message into a channel."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.messages import Message


class PermanentPostError(Exception):
    """Posting can never succeed as things stand (deleted channel, bot removed, no permission)."""


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
class PostFinder(Protocol):
    """A poster that can tell whether a post with a given key is already in a channel.

    Used before re-posting a drop whose previous claimant stopped: on a platform with no
    idempotent post (Slack), this is how a second copy is avoided.
    """

    async def find(self, channel_id: str, idempotency_key: str) -> str | None:
        """The message id of an earlier post with this key, or None."""
        ...
