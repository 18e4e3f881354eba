"""A REST-only Discord poster (no gateway), as a scheduler in a process of its own logs in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import discord

from adapters.discord.config import intents
from adapters.discord.poster import DiscordPoster


@asynccontextmanager
async def open_poster(token: str) -> AsyncIterator[DiscordPoster]:
    """A poster with its own REST-only login, closed on leaving."""
    client = discord.Client(intents=intents())
    async with client:
        await client.login(token)
        yield DiscordPoster(client)
