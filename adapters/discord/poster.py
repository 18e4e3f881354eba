"""Posting to a channel for the daily-drop scheduler, through the same renderer as commands."""

from __future__ import annotations

import hashlib
import logging

import discord

from adapters.discord.render import render
from bot.messages import Message
from bot.posting import PermanentPostError

__all__ = ["DiscordPoster", "PermanentPostError", "nonce_for"]

log = logging.getLogger(__name__)

NONCE_LENGTH = 25  # Discord's limit for a message nonce
PERMANENT_CODES = {10003: "the channel was deleted", 50001: "the bot cannot see the channel",
                   50013: "the bot lacks permission to post there"}


def nonce_for(idempotency_key: str, part: int) -> str:
    """A nonce for one message of a post: the same key always gives the same nonce."""
    return hashlib.sha256(f"{idempotency_key}#{part}".encode()).hexdigest()[:NONCE_LENGTH]


class DiscordPoster:
    """Posts core messages to Discord channels; 429s are waited out by discord.py's HTTP client."""

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
        first: str | None = None
        for index, part in enumerate(render(message).parts):
            try:
                sent = await part.send(channel.send, nonce=nonce_for(idempotency_key, index))
            except (discord.NotFound, discord.Forbidden) as exc:
                reason = PERMANENT_CODES.get(exc.code, exc.text or f"HTTP {exc.status}")
                raise PermanentPostError(f"cannot post in channel {channel_id}: {reason}") from exc
            first = first or str(sent.id)
        assert first is not None
        return first
