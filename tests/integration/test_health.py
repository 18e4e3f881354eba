"""The /healthz endpoint: database and adapter status over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.bootstrap import Runtime, build
from bot.health import Health
from bot.settings import Settings
from bot.store.db import create_engine
from tests.conftest import free_port


@pytest.fixture
async def runtime(db_url: str) -> AsyncIterator[Runtime]:
    """The wiring for the test database, closed afterwards."""
    runtime = await build(Settings(DATABASE_URL=db_url))
    yield runtime
    await runtime.close()


async def get_health(health: Health, platforms: list[str]) -> tuple[int, dict[str, object]]:
    """Serve /healthz on a free port and return its status and report."""
    port = free_port()
    server = asyncio.create_task(health.serve(platforms, "127.0.0.1", port))
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                        return response.status, await response.json()
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.02)
        raise AssertionError("the health endpoint never answered")
    finally:
        server.cancel()
        await asyncio.gather(server, return_exceptions=True)


async def test_healthy_with_database_and_connected_adapters(runtime: Runtime) -> None:
    """200 when the database answers and every configured platform has connected."""
    runtime.health.connected["slack"] = True
    status, report = await get_health(runtime.health, ["slack"])
    assert status == 200
    assert report == {"status": "ok", "database": "ok", "adapters": {"slack": "connected"}}


async def test_unhealthy_while_an_adapter_is_still_starting(runtime: Runtime) -> None:
    """503 until a configured platform has connected."""
    status, report = await get_health(runtime.health, ["discord"])
    assert status == 503
    assert report["adapters"] == {"discord": "starting"}


async def test_unhealthy_when_an_adapter_lost_its_connection(runtime: Runtime) -> None:
    """503 naming the platform whose connection dropped."""
    runtime.health.connected["slack"] = False
    status, report = await get_health(runtime.health, ["slack"])
    assert status == 503
    assert report["adapters"] == {"slack": "disconnected"}


async def test_unhealthy_when_the_database_is_gone() -> None:
    """503 naming the database when it cannot be reached."""
    gone = create_engine("postgresql://nobody@127.0.0.1:1/none")
    try:
        status, report = await get_health(Health(gone), [])
    finally:
        await gone.dispose()
    assert status == 503
    assert str(report["database"]).startswith("unreachable")
