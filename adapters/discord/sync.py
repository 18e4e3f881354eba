"""Command sync: the payload Discord would receive, its hash, and syncing only when it changed."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import discord
from discord import app_commands

from bot.bootstrap import Runtime
from bot.usecases.state import get_state, set_state

log = logging.getLogger(__name__)

HASH_KEY = "discord:command-tree:{scope}"


def tree_payload(tree: app_commands.CommandTree[Any],
                 guild: discord.abc.Snowflake | None = None) -> list[dict[str, Any]]:
    """The JSON that `tree.sync()` sends to Discord, exactly."""
    return [command.to_dict(tree) for command in tree._get_all_commands(guild=guild)]


def payload_hash(payload: list[dict[str, Any]]) -> str:
    """A stable fingerprint of a command payload."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def hash_key(application_id: int | None, guild_id: int | None = None) -> str:
    """Where the last synced hash is kept: one per application and scope (global or a guild)."""
    scope = f"{application_id or 'app'}:{guild_id if guild_id is not None else 'global'}"
    return HASH_KEY.format(scope=scope)


async def sync(client: discord.Client, tree: app_commands.CommandTree[Any], runtime: Runtime,
               guild_id: int | None = None, *, clear: bool = False) -> int:
    """Sync the tree (globally, or to one guild) and remember its hash; the number of commands.

    With `clear`, the guild's own copy is removed instead (after testing with a guild sync, so the
    guild does not show every command twice once the global commands arrive).
    """
    guild = discord.Object(id=guild_id) if guild_id is not None else None
    if guild is not None and clear:
        tree.clear_commands(guild=guild)
    elif guild is not None:
        tree.copy_global_to(guild=guild)
    payload = tree_payload(tree, guild)
    synced = await tree.sync(guild=guild)
    await set_state(runtime.core, hash_key(client.application_id, guild_id), payload_hash(payload))
    return len(synced)


async def sync_if_changed(client: discord.Client, tree: app_commands.CommandTree[Any], runtime: Runtime) -> bool:
    """Sync globally only when the command tree differs from the last synced one; whether it synced."""
    key = hash_key(client.application_id)
    wanted = payload_hash(tree_payload(tree))
    stored = await get_state(runtime.core, key)
    if stored == wanted:
        log.info("Discord commands unchanged since the last sync; not syncing")
        return False
    log.info("Discord commands changed; syncing /study globally (may take a minute to show)")
    await sync(client, tree, runtime)
    return True
