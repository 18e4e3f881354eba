"""Connecting: URLs from the environment, no privileged intents, sharding, and sync only on change."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from adapters.discord import runner
from adapters.discord.sync import hash_key
from bot.bootstrap import Runtime
from bot.usecases.context import Core
from tests.e2e.discord.discord_standin import APP_ID, GUILD_ID, TOKEN, StandIn


async def stored_hash(core: Core, guild_id: int | None = None) -> str | None:
    """The command-tree hash kept in the database."""
    async with core.unit_of_work() as uow:
        return await uow.channels.get_value(hash_key(APP_ID, guild_id))


async def test_runner_serves_through_the_env_urls(standin: StandIn, discord_env: dict[str, str],
                                                  runtime: Runtime, core: Core) -> None:
    """`run(runtime)` connects to DISCORD_GATEWAY_URL, identifies without privileged intents and heartbeats."""
    task = asyncio.create_task(runner.run(runtime))
    try:
        [identify] = await standin.wait_for(lambda: standin.identifies)
        assert identify["intents"] == discord.Intents(guilds=True).value
        assert identify["token"] == TOKEN
        await standin.wait_for(lambda: standin.heartbeats >= 1, within=5)
        await standin.wait_for(lambda: runtime.health.connected.get("discord"), within=5)
        assert "discord" in runtime.posters
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_first_start_syncs_and_stores_the_hash(standin: StandIn, start_client: Any, core: Core) -> None:
    """With no stored hash the first start syncs /study globally and remembers the payload's hash."""
    await start_client(sync_on_start=True)
    [synced] = standin.command_syncs
    assert synced["guild_id"] is None
    assert [c["name"] for c in synced["payload"]] == ["study"]
    assert await stored_hash(core) is not None


async def test_restart_with_the_same_tree_does_not_sync(standin: StandIn, start_client: Any) -> None:
    """A second start with an unchanged command tree makes no sync call."""
    first = await start_client(sync_on_start=True)
    await first.close()
    await standin.wait_for(lambda: not standin.sockets)
    await start_client(sync_on_start=True)
    assert len(standin.command_syncs) == 1


async def test_start_syncs_again_when_the_tree_changed(standin: StandIn, start_client: Any, core: Core) -> None:
    """A stored hash that no longer matches the tree triggers one sync at start."""
    async with core.unit_of_work() as uow:
        await uow.channels.set_value(hash_key(APP_ID), "an-older-tree")
    await start_client(sync_on_start=True)
    assert len(standin.command_syncs) == 1
    assert await stored_hash(core) != "an-older-tree"


async def test_shard_ids_split_the_guilds(standin: StandIn, start_client: Any) -> None:
    """DISCORD_SHARD_COUNT=2 with DISCORD_SHARD_IDS=1 identifies as shard 1 of 2 and sees only its guilds."""
    client = await start_client(env={"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "1"})
    assert [i["shard"] for i in standin.identifies] == [[1, 2]]
    assert [g.id for g in client.guilds] == [GUILD_ID]
    assert client.shard_count == 2
    assert list(client.shards) == [1]


async def test_without_shard_settings_the_recommended_count_is_used(standin: StandIn, start_client: Any) -> None:
    """With no shard settings the client asks Discord for the count and runs every shard."""
    client = await start_client()
    assert [i["shard"] for i in standin.identifies] == [[0, 1]]
    assert len(client.guilds) == 2
