"""Fixtures for the Discord e2e tests: the stand-in, a runtime on the test database, a live client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.discord.client import StudyClient
from adapters.discord.config import apply
from adapters.discord.runner import serve
from bot.app import StudyBot
from bot.bootstrap import Runtime, wire
from bot.settings import Settings
from tests.e2e.discord.discord_standin import TOKEN, StandIn

READY_TIMEOUT = 10.0


@pytest.fixture(autouse=True)
def _restore_discord_urls() -> Any:
    """Put discord.py's process-wide URLs back after each test."""
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, yarl.URL(str(gateway))


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    """A running stand-in of Discord on 127.0.0.1."""
    server = StandIn()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def discord_env(standin: StandIn, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment that points the adapter at the stand-in."""
    env = {"DISCORD_API_URL": standin.api_url, "DISCORD_GATEWAY_URL": standin.gateway_url}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for key in ("DISCORD_SHARD_COUNT", "DISCORD_SHARD_IDS", "DISCORD_APPLICATION_ID"):
        monkeypatch.delenv(key, raising=False)
    return env


def settings_for(db_url: str) -> Settings:
    """Settings for the test database with a (fake) Discord token, the rest from the environment."""
    return Settings(_env_file=None, DATABASE_URL=db_url, STUDYBOT_ADMINS="", discord={"token": TOKEN})


@pytest.fixture
def settings(db_url: str, discord_env: dict[str, str]) -> Settings:
    """Settings for the test database, pointed at the stand-in by the environment."""
    return settings_for(db_url)


@pytest.fixture
def runtime(settings: Settings, engine: AsyncEngine, studybot: StudyBot) -> Runtime:
    """The runtime the adapter serves, on the test database and clock."""
    return wire(settings, engine, studybot)


@pytest.fixture
async def start_client(runtime: Runtime, db_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Any]:
    """Start StudyClients against the stand-in; all are closed at the end of the test.

    `env` sets more DISCORD_* variables for that client's settings.
    """
    running: list[tuple[StudyClient, asyncio.Task[None]]] = []

    async def start(bot_runtime: Runtime | None = None, *, defer_after: float = 1.5, sync_on_start: bool = False,
                    env: dict[str, str] | None = None) -> StudyClient:
        bot_runtime = bot_runtime or runtime
        if env:
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            bot_runtime = wire(settings_for(db_url), bot_runtime.engine, bot_runtime.bot)
        apply(bot_runtime.settings.discord)
        client = StudyClient(bot_runtime, defer_after=defer_after, guild_ready_timeout=0.1)
        task = asyncio.create_task(serve(client, TOKEN, sync_on_start=sync_on_start))
        running.append((client, task))
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            if task in done:
                task.result()
            raise TimeoutError("the client never became ready")
        return client

    yield start
    for client, task in running:
        await stop_client(client, task)


async def stop_client(client: StudyClient, task: asyncio.Task[None]) -> None:
    """Close a client and wait for its serve task."""
    await client.close()
    try:
        await asyncio.wait_for(task, timeout=5)
    except (asyncio.CancelledError, TimeoutError):
        task.cancel()


@pytest.fixture
async def client(start_client: Any) -> StudyClient:
    """One StudyClient, connected and ready."""
    started: StudyClient = await start_client()
    return started

