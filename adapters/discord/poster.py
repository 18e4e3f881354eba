"""Posting for the scheduler, through the same renderer as commands: drops to channels, reminders as DMs."""

from __future__ import annotations

import hashlib
import logging

import discord

from adapters.discord.render import render
from bot.messages import Message
from bot.posting import DirectMessagesClosedError, PermanentPostError

__all__ = ["DiscordPoster", "PermanentPostError", "nonce_for"]

log = logging.getLogger(__name__)

NONCE_LENGTH = 25  # Discord's limit for a message nonce
PERMANENT_CODES = {10003: "the channel was deleted", 50001: "the bot cannot see the channel",
                   50013: "the bot lacks permission to post there", 10013: "the user does not exist"}
DMS_CLOSED = 50007  # "Cannot send messages to this user": no shared server, or DMs from server members off


def nonce_for(idempotency_key: str, part: int) -> str:
    """A nonce for one message of a post: the same key always gives the same nonce."""
    return hashlib.sha256(f"{idempotency_key}#{part}".encode()).hexdigest()[:NONCE_LENGTH]


class DiscordPoster:
    """Posts core messages to Discord channels and DMs; 429s are waited out by discord.py's HTTP client."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def post(self, channel_id: str, message: Message, idempotency_key: str) -> str:
        """Post `message` (several messages when it is long) and return the first message's id.

        Each message carries a nonce derived from `idempotency_key` with `enforce_nonce`, so a
        retried post within Discord's dedupe window returns the message already created.
        """
        try:
            channel = self.client.get_partial_messageable(int(channel_id))
        except ValueError:
            raise PermanentPostError(f"{channel_id!r} is not a Discord channel id") from None
        return await self._send(channel, message, idempotency_key, f"channel {channel_id}")

    async def post_direct(self, user_id: str, message: Message, idempotency_key: str) -> str:
        """DM `message` to a user: open the DM channel (POST /users/@me/channels, cached), then post there.

        Discord's 50007 (the user's DMs are closed to the bot) raises `DirectMessagesClosedError`.
        """
        try:
            user = discord.Object(int(user_id))
        except ValueError:
            raise PermanentPostError(f"{user_id!r} is not a Discord user id") from None
        try:
            channel = await self.client.create_dm(user)
        except (discord.NotFound, discord.Forbidden) as exc:
            raise _permanent(exc, f"user {user_id}") from exc
        return await self._send(channel, message, idempotency_key, f"user {user_id}")

    async def _send(self, channel: discord.abc.Messageable, message: Message, idempotency_key: str,
                    where: str) -> str:
        """Send every part of the rendered message; the first message's id."""
        first: str | None = None
        for index, part in enumerate(render(message).parts):
            try:
                sent = await part.send(channel.send, nonce=nonce_for(idempotency_key, index))
            except (discord.NotFound, discord.Forbidden) as exc:
                raise _permanent(exc, where) from exc
            first = first or str(sent.id)
        assert first is not None
        return first


def _permanent(exc: discord.HTTPException, where: str) -> PermanentPostError:
    """The error for a post Discord refused for good: closed DMs apart, as they switch reminders off."""
    if exc.code == DMS_CLOSED:
        return DirectMessagesClosedError(f"cannot send a direct message to {where}: their DMs are closed")
    reason = PERMANENT_CODES.get(exc.code, exc.text or f"HTTP {exc.status}")
    return PermanentPostError(f"cannot post to {where}: {reason}")
