"""`studybot discord sync [--guild ID]` and `studybot discord invite`."""

from __future__ import annotations

import argparse
import asyncio
import sys

import aiohttp
import discord

from adapters.discord.client import StudyClient
from adapters.discord.config import REQUIRED_PERMISSIONS, SCOPES, apply, intents
from adapters.discord.sync import sync
from bot.bootstrap import build
from bot.settings import Settings


def invite_url(application_id: int) -> str:
    """The OAuth2 URL that adds the bot with exactly the scopes and permissions it needs."""
    return discord.utils.oauth_url(application_id, permissions=REQUIRED_PERMISSIONS, scopes=SCOPES)


def main(args: argparse.Namespace, settings: Settings) -> int:
    """Run a `studybot discord` subcommand; the exit code."""
    apply(settings.discord)
    try:
        if args.discord_command == "invite":
            return asyncio.run(_invite(settings))
        if args.discord_command == "sync":
            return asyncio.run(_sync(settings, args.guild, clear=getattr(args, "clear", False)))
    except discord.LoginFailure:
        print("studybot: Discord rejected DISCORD_TOKEN; copy the bot token again from the Developer Portal",
              file=sys.stderr)
        return 1
    except discord.HTTPException as exc:
        print(f"studybot: Discord answered HTTP {exc.status}: {exc.text}", file=sys.stderr)
        return 1
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        reason = str(exc) or exc.__class__.__name__
        print(f"studybot: cannot reach Discord at {settings.discord.api_url} ({reason}); check the network connection "
              "and DISCORD_API_URL", file=sys.stderr)
        return 1
    print(f"studybot: unknown discord command {args.discord_command!r}", file=sys.stderr)
    return 2


def _token(settings: Settings) -> str | None:
    if settings.discord.token is None:
        print("studybot: set DISCORD_TOKEN (the bot token from the Developer Portal)", file=sys.stderr)
        return None
    return settings.discord.token.get_secret_value()


async def _invite(settings: Settings) -> int:
    application_id = settings.discord.application_id
    if application_id is None:
        token = _token(settings)
        if token is None:
            return 2
        client = discord.Client(intents=intents())
        async with client:
            await client.login(token)
            application_id = client.application_id
    assert application_id is not None
    print(invite_url(application_id))
    return 0


async def _sync(settings: Settings, guild: int | None, *, clear: bool = False) -> int:
    token = _token(settings)
    if token is None:
        return 2
    if clear and guild is None:
        print("studybot: --clear needs --guild ID (it removes that server's own copy of /study)", file=sys.stderr)
        return 2
    runtime = await build(settings)
    try:
        client = StudyClient(runtime)
        async with client:
            await client.login(token)
            count = await sync(client, client.tree, runtime, guild, clear=clear)
    finally:
        await runtime.close()
    if clear:
        print(f"Removed server {guild}'s own copy of /study; the global commands remain.")
        return 0
    where = f"server {guild} (available at once)" if guild is not None else \
        "every server (global; Discord may take a few minutes to show changes)"
    print(f"Synced {count} command(s) to {where}.")
    return 0
