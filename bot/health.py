"""`GET /healthz`: whether the database answers and which platforms are connected."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

from bot.store.db import Engine, ping

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)
DB_TIMEOUT_S = 3.0


class Health:
    """Whether the database answers and which platforms are connected (each adapter sets its own)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connected: dict[str, bool] = {}

    async def report(self, platforms: list[str]) -> tuple[bool, dict[str, object]]:
        """(healthy, report): the database answers a query and every platform in `platforms` is connected."""
        try:
            async with asyncio.timeout(DB_TIMEOUT_S):
                await ping(self.engine)
            database = "ok"
        except Exception as exc:  # any failure means unhealthy; say which kind
            database = f"unreachable ({exc.__class__.__name__})"
        adapters = {name: _state(self.connected.get(name)) for name in platforms}
        healthy = database == "ok" and all(state == "connected" for state in adapters.values())
        return healthy, {"status": "ok" if healthy else "unhealthy", "database": database, "adapters": adapters}

    async def serve(self, platforms: list[str], host: str, port: int) -> None:
        """Serve `GET /healthz` until cancelled: 200 when healthy, 503 otherwise.

        aiohttp is imported here, when a port is configured, so the console never loads it.
        """
        from aiohttp import web

        async def healthz(_request: web.Request) -> web.Response:
            healthy, report = await self.report(platforms)
            return web.Response(text=json.dumps(report), status=200 if healthy else 503,
                                content_type="application/json")

        app = web.Application()
        app.add_routes([web.get("/healthz", healthz)])
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
            log.info("health endpoint on http://%s:%s/healthz", host, port)
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()


def _state(connected: bool | None) -> str:
    return {None: "starting", True: "connected", False: "disconnected"}[connected]
