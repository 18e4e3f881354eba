"""Run the Discord adapter: log in, sync `/study` only when it changed, then serve until cancelled."""

from __future__ import annotations

import logging

import discord

from adapters.discord.client import StudyClient
from adapters.discord.config import apply
from adapters.discord.sync import sync_if_changed
from bot.bootstrap import Runtime, StartupError

log = logging.getLogger(__name__)


def make_client(runtime: Runtime) -> StudyClient:
    """A client for this runtime, with the URLs and shards of its Discord settings applied."""
    apply(runtime.settings.discord)
    return StudyClient(runtime)


async def serve(client: StudyClient, token: str, *, sync_on_start: bool = True) -> None:
    """Log in, sync the command tree if it changed, and serve until cancelled or closed."""
    async with client:
        try:
            await client.login(token)
        except discord.LoginFailure:
            raise StartupError("Discord rejected DISCORD_TOKEN; copy the bot token again from the "
                               "Developer Portal (Bot > Reset Token)") from None
        client.runtime.posters.register("discord", client.poster())
        if sync_on_start:
            try:
                await sync_if_changed(client, client.tree, client.runtime)
            except discord.HTTPException:
                log.exception("could not sync /study with Discord; serving the commands it already has")
        await client.connect(reconnect=True)


async def run(runtime: Runtime) -> None:
    """Serve Discord with DISCORD_TOKEN until cancelled."""
    token = runtime.settings.discord.token
    if token is None:
        raise StartupError("DISCORD_TOKEN is not set")
    await serve(make_client(runtime), token.get_secret_value())
