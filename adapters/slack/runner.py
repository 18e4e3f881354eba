"""Run the Slack adapter: Socket Mode with SLACK_APP_TOKEN, else HTTP at /slack/events."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from aiohttp import web
from pydantic import SecretStr
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.app import SlackAdapter
from adapters.slack.config import EVENTS_PATH, web_client
from adapters.slack.inbound import Gate, RefusedError
from bot.bootstrap import Runtime, StartupError
from bot.settings import SlackSettings

log = logging.getLogger(__name__)
SOCKET_CHECK_S = 10.0


def build_adapter(runtime: Runtime, token: str, session: aiohttp.ClientSession) -> SlackAdapter:
    """The adapter wired to the runtime's bot and a Web API client with the bot `token`."""
    config = runtime.settings.slack
    client = web_client(token, config.api_url, session)
    return SlackAdapter(runtime.bot, client, session, signing_secret=_secret(config.signing_secret),
                        admin_ids=runtime.settings.admin_ids, unfinished=runtime.unfinished)


async def run(runtime: Runtime) -> None:
    """Serve Slack until cancelled."""
    config = runtime.settings.slack
    if config.problem is not None:
        raise StartupError(config.problem)
    assert config.bot_token is not None  # else there would be a problem
    async with aiohttp.ClientSession() as session:
        adapter = build_adapter(runtime, config.bot_token.get_secret_value(), session)
        runtime.posters.register("slack", adapter.poster)
        finishing = asyncio.create_task(runtime.unfinished.keep_finishing(adapter.finish_unfinished))
        try:
            report = functools.partial(runtime.health.connected.__setitem__, "slack")
            if config.socket_mode:
                await serve_socket_mode(adapter.app, config, report)
            else:
                await serve_http(adapter.app, config, functools.partial(runtime.health.report, ["slack"]), report)
        finally:
            finishing.cancel()
            await asyncio.gather(finishing, return_exceptions=True)
            await asyncio.shield(adapter.drain())



Health = Callable[[], Awaitable[tuple[bool, dict[str, object]]]]


def http_app(app: AsyncApp, health: Health, gate: Gate) -> web.Application:
    """An aiohttp application: `POST /slack/events` goes to bolt, `GET /healthz` to `health`.

    Bolt checks signatures. `/healthz` answers 503 while the database or Slack is not usable, so a
    load balancer stops routing Slack's requests to a replica that cannot serve them.
    """

    async def events(request: web.Request) -> web.Response:
        try:
            body = gate.admit(await request.read(), request.headers, request.content_type, request.charset)
        except RefusedError as refused:
            return web.Response(status=refused.status, text=refused.reason)
        try:
            bolt_request = AsyncBoltRequest(body=body, query=request.query_string, headers=dict(request.headers))
            return await to_aiohttp_response(await app.async_dispatch(bolt_request))
        except Exception as exc:  # bolt reads nested fields as Slack sends them; a signed oddity is bad input
            log.warning("could not read a signed Slack request (%s: %s)", exc.__class__.__name__, str(exc)[:100])
            return web.Response(status=400, text="not a request StudyBot can read")

    async def healthz(_request: web.Request) -> web.Response:
        healthy, report = await health()
        return web.json_response(report, status=200 if healthy else 503)

    web_app = web.Application(client_max_size=1024 * 1024)
    web_app.add_routes([web.post(EVENTS_PATH, events), web.get("/healthz", healthz)])
    return web_app


async def serve_http(
    app: AsyncApp, config: SlackSettings, health: Health, report: Callable[[bool], None] = lambda _up: None
) -> None:
    """HTTP mode: listen on SLACK_HTTP_HOST:SLACK_HTTP_PORT until cancelled."""
    runner = web.AppRunner(http_app(app, health, Gate(_secret(config.signing_secret))), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, config.http_host, config.http_port)
        await site.start()
        log.info("Slack adapter in HTTP mode on %s:%s%s (Web API %s)", config.http_host, config.http_port,
                 EVENTS_PATH, config.api_url)
        report(True)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def serve_socket_mode(
    app: AsyncApp, config: SlackSettings, report: Callable[[bool], None] = lambda _up: None
) -> None:
    """Socket Mode: an outgoing websocket to Slack, no public URL, until cancelled."""
    assert config.app_token is not None
    handler = AsyncSocketModeHandler(app, config.app_token.get_secret_value(), web_client=app.client)
    # slack-bolt leaves these two unannotated; name their real signatures for mypy.
    connect: Callable[[], Awaitable[None]] = handler.connect_async
    close: Callable[[], Awaitable[None]] = handler.close_async
    try:
        await connect()
        log.info("Slack adapter in Socket Mode (Web API %s)", config.api_url)
        while True:  # the client reconnects by itself; keep /healthz told
            report(await handler.client.is_connected())
            await asyncio.sleep(SOCKET_CHECK_S)
    finally:
        await close()


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None
