"""`GET /healthz`: whether the database answers and which platforms are connected."""

from __future__ import annotations

import asyncio
import json
import logging

from aiohttp import web

from bot.bootstrap import Runtime
from bot.store.db import ping

log = logging.getLogger(__name__)
DB_TIMEOUT_S = 3.0


async def health_report(runtime: Runtime, platforms: list[str]) -> tuple[bool, dict[str, object]]:
    """(healthy, report): the database answers a query and every configured platform is connected."""
    try:
        async with asyncio.timeout(DB_TIMEOUT_S):
            await ping(runtime.engine)
        database = "ok"
    except Exception as exc:  # any failure means unhealthy; say which kind
        database = f"unreachable ({exc.__class__.__name__})"
    adapters = {name: _state(runtime.connected.get(name)) for name in platforms}
    healthy = database == "ok" and all(state == "connected" for state in adapters.values())
    return healthy, {"status": "ok" if healthy else "unhealthy", "database": database, "adapters": adapters}


def _state(connected: bool | None) -> str:
    return {None: "starting", True: "connected", False: "disconnected"}[connected]


async def serve_health(runtime: Runtime, platforms: list[str], host: str, port: int) -> None:
    """Serve `/healthz` until cancelled: 200 when healthy, 503 otherwise."""

    async def healthz(_request: web.Request) -> web.Response:
        healthy, report = await health_report(runtime, platforms)
        return web.Response(text=json.dumps(report), status=200 if healthy else 503, content_type="application/json")

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
