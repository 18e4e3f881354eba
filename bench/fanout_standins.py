"""Rate-limit-enforcing stand-ins of Discord's and Slack's posting APIs, for `bench.fanout`.

Both are aiohttp servers on 127.0.0.1. They enforce the published limits and answer a request
over a limit with 429 and the headers the real platforms send, so the real discord.py and
slack_sdk clients react exactly as they would in production:

* Discord, `POST /api/v10/channels/{id}/messages`: the global limit of 50 requests per second
  per bot, and the per-route limit of 5 messages per 5 seconds per channel, with
  `X-RateLimit-*`, `Retry-After` and a JSON body with `retry_after` and `global` (and `Via`,
  without which discord.py takes a 429 for a Cloudflare ban). Nonces with `enforce_nonce`
  return the message already created, as Discord does. Plus the routes discord.py needs to log
  in (`GET /users/@me` and friends), from the e2e stand-in.
  `POST /api/v10/users/@me/channels` opens a DM channel (its id is the user's id here), counted
  against the global limit like every request.
* Slack, `chat.postMessage`: 1 message per second per channel and, optionally, a
  workspace-wide limit in messages per second (Slack says there is one but publishes no
  number), answering 429 with `Retry-After` in whole seconds. A user id as the channel posts
  into the app's DM with that user, `D<user>`, and the answer names that channel, as Slack
  does. `conversations.open` answers the same DM channel, optionally under a limit in calls
  per minute (`--slack-open-rate`; Slack's Tier 3 is "50+ per minute").

A limit is a sliding window over the requests the stand-in accepted: at most `limit` accepted
requests in any window of `period` seconds. Rejected requests do not use up the window (the
real platforms count them against an invalid-request budget instead).

Run as its own process (`python -m bench.fanout_standins [--slack-workspace-rate R]`) so its
CPU and memory are not the scheduler's: it prints one JSON line with both base URLs, serves
`GET /_bench/stats` on each, and stops when stdin closes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time
from collections import Counter, deque
from typing import Any

from aiohttp import web

from tests.e2e.discord.discord_standin import APP_ID, BOT_USER, application, json_response, users_me

DISCORD_GLOBAL_LIMIT = 50  # requests per second per bot (Discord, "Global Rate Limit")
DISCORD_ROUTE_LIMIT = 5  # messages per channel ...
DISCORD_ROUTE_PERIOD = 5.0  # ... per 5 seconds (the bucket Discord reports for channel messages)
DISCORD_BUCKET = "bench-channel-messages"
SLACK_CHANNEL_LIMIT = 1  # chat.postMessage: 1 message per second per channel
SLACK_CHANNEL_PERIOD = 1.0


class Window:
    """At most `limit` accepted events in any `period` seconds (a sliding log)."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.times: deque[float] = deque()

    def _trim(self, now: float) -> None:
        while self.times and self.times[0] <= now - self.period:
            self.times.popleft()

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0 when it fits now)."""
        self._trim(now)
        if len(self.times) < self.limit:
            return 0.0
        return self.times[len(self.times) - self.limit] + self.period - now

    def take(self, now: float) -> None:
        """Record an accepted event."""
        self.times.append(now)

    def remaining(self, now: float) -> int:
        """Events that still fit in the current window."""
        self._trim(now)
        return self.limit - len(self.times)

    def reset_after(self, now: float) -> float:
        """Seconds until the oldest event leaves the window."""
        self._trim(now)
        return self.times[0] + self.period - now if self.times else self.period


class Recorder:
    """Accepted posts per channel, their times, and the 429s answered."""

    def __init__(self) -> None:
        self.posts: Counter[str] = Counter()
        self.first: float | None = None
        self.last: float | None = None
        self.rejected: Counter[str] = Counter()
        self.requests = 0

    def post(self, channel: str, now: float) -> None:
        """Count one accepted post in `channel` at `now`."""
        self.posts[channel] += 1
        self.first = now if self.first is None else self.first
        self.last = now

    def stats(self) -> dict[str, Any]:
        """Posts per channel, the first and last post times, the 429s answered, and the stand-ins' CPU time."""
        return {"posts": dict(self.posts), "first": self.first, "last": self.last,
                "rejected": dict(self.rejected), "requests": self.requests, "cpu": time.process_time()}


class DiscordLimits:
    """Discord's REST API for one bot: login routes and channel messages, rate limited."""

    def __init__(self) -> None:
        self.global_window = Window(DISCORD_GLOBAL_LIMIT, 1.0)
        self.routes: dict[str, Window] = {}
        self.nonces: dict[str, dict[str, Any]] = {}
        self.recorder = Recorder()
        self._ids = 1180000000000000000

    def routes_(self) -> list[web.RouteDef]:
        """The routes this stand-in serves."""
        return [
            web.get("/api/v10/users/@me", users_me),
            web.get("/api/v10/oauth2/applications/@me", application),
            web.get("/api/v10/gateway/bot", self.gateway_bot),
            web.post("/api/v10/channels/{channel}/messages", self.channel_message),
            web.post("/api/v10/users/@me/channels", self.open_dm),
            web.get("/_bench/stats", self.stats),
        ]

    async def open_dm(self, request: web.Request) -> web.Response:
        """A DM channel with the user (its id is the user's), under the global limit."""
        user = str((await request.json())["recipient_id"])
        now = time.monotonic()
        self.recorder.requests += 1
        wait = self.global_window.wait(now)
        if wait > 0:
            self.recorder.rejected["global"] += 1
            return json_response(
                {"message": "You are being rate limited.", "retry_after": round(wait, 3), "global": True},
                status=429, headers={"Retry-After": str(math.ceil(wait)), "X-RateLimit-Global": "true",
                                     "X-RateLimit-Scope": "global", "Via": "1.1 google"},
            )
        self.global_window.take(now)
        recipient = {"id": user, "username": f"user{user}", "global_name": None, "discriminator": "0", "avatar": None}
        return json_response({"id": user, "type": 1, "last_message_id": None, "flags": 0, "recipients": [recipient]})

    async def gateway_bot(self, request: web.Request) -> web.Response:
        """A gateway URL and shard count (the REST-only poster never connects to it)."""
        return json_response({"url": f"ws://{request.host}/gateway", "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})

    async def stats(self, _request: web.Request) -> web.Response:
        """`GET /_bench/stats`: what the recorder counted."""
        return json_response(self.recorder.stats())

    def _route_headers(self, window: Window, now: float) -> dict[str, str]:
        reset_after = window.reset_after(now)
        return {"X-RateLimit-Limit": str(window.limit), "X-RateLimit-Remaining": str(max(0, window.remaining(now))),
                "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                "X-RateLimit-Reset-After": f"{reset_after:.3f}", "X-RateLimit-Bucket": DISCORD_BUCKET}

    async def channel_message(self, request: web.Request) -> web.Response:
        """A channel post under the global and per-channel limits, or a 429 as Discord sends it."""
        channel = request.match_info["channel"]
        data = await request.json()
        now = time.monotonic()
        self.recorder.requests += 1
        route = self.routes.setdefault(channel, Window(DISCORD_ROUTE_LIMIT, DISCORD_ROUTE_PERIOD))
        global_wait = self.global_window.wait(now)
        if global_wait > 0:
            self.recorder.rejected["global"] += 1
            return json_response(
                {"message": "You are being rate limited.", "retry_after": round(global_wait, 3), "global": True},
                status=429,
                headers={"Retry-After": str(math.ceil(global_wait)), "X-RateLimit-Global": "true",
                         "X-RateLimit-Scope": "global", "Via": "1.1 google"},
            )
        route_wait = route.wait(now)
        if route_wait > 0:
            self.recorder.rejected["route"] += 1
            return json_response(
                {"message": "You are being rate limited.", "retry_after": round(route_wait, 3), "global": False},
                status=429,
                headers={**self._route_headers(route, now), "Retry-After": str(math.ceil(route_wait)),
                         "X-RateLimit-Scope": "user", "Via": "1.1 google"},
            )
        self.global_window.take(now)
        route.take(now)
        nonce = data.get("nonce")
        if nonce and data.get("enforce_nonce") and nonce in self.nonces:
            return json_response(self.nonces[nonce], headers=self._route_headers(route, now))
        self._ids += 1
        message = {
            "id": str(self._ids), "channel_id": channel, "author": BOT_USER, "content": data.get("content") or "",
            "timestamp": "2026-11-25T09:00:00+00:00", "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": data.get("embeds") or [], "pinned": False, "type": 0, "flags": 0,
            "components": data.get("components") or [], "application_id": str(APP_ID),
        }
        if nonce:
            message["nonce"] = nonce
            if data.get("enforce_nonce"):
                self.nonces[nonce] = message
        self.recorder.post(channel, now)
        return json_response(message, headers=self._route_headers(route, now))


class SlackLimits:
    """Slack's Web API for one workspace: auth.test and chat.postMessage, rate limited."""

    def __init__(self, workspace_rate: float, open_rate: float = 0.0) -> None:
        self.channels: dict[str, Window] = {}
        self.workspace = Window(max(1, round(workspace_rate)), 1.0) if workspace_rate > 0 else None
        self.opens = Window(max(1, round(open_rate)), 60.0) if open_rate > 0 else None
        self.recorder = Recorder()
        self._ts = 0

    def routes_(self) -> list[web.RouteDef]:
        """The routes this stand-in serves."""
        return [web.get("/_bench/stats", self.stats), web.route("*", "/api/{method}", self.api)]

    async def stats(self, _request: web.Request) -> web.Response:
        """`GET /_bench/stats`: what the recorder counted."""
        return web.json_response(self.recorder.stats())

    async def api(self, request: web.Request) -> web.Response:
        """The Web API: auth.test, and chat.postMessage under the channel (and workspace) limits or a 429."""
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            params.update(await request.json() if request.content_type == "application/json" else await request.post())
        if method == "auth.test":
            return web.json_response({"ok": True, "team_id": "T0BENCH", "user_id": "U0BOT", "bot_id": "B0BOT"})
        if method == "conversations.open":
            return self._open(str(params.get("users")))
        if method != "chat.postMessage":
            return web.json_response({"ok": True})
        channel = str(params.get("channel"))
        if channel.startswith(("U", "W")):  # a user id: Slack posts into the app's DM with them
            channel = f"D{channel}"
        now = time.monotonic()
        self.recorder.requests += 1
        window = self.channels.setdefault(channel, Window(SLACK_CHANNEL_LIMIT, SLACK_CHANNEL_PERIOD))
        for scope, limit in (("workspace", self.workspace), ("channel", window)):
            wait = limit.wait(now) if limit is not None else 0.0
            if wait > 0:
                self.recorder.rejected[scope] += 1
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                         headers={"Retry-After": str(max(1, math.ceil(wait)))})
        if self.workspace is not None:
            self.workspace.take(now)
        window.take(now)
        self._ts += 1
        self.recorder.post(channel, now)
        return web.json_response({"ok": True, "channel": channel, "ts": f"1700000000.{self._ts:06d}",
                                  "message": {"text": params.get("text", "")}})


    def _open(self, user: str) -> web.Response:
        """conversations.open: the DM `D<user>`, or a 429 over the (optional) per-minute limit."""
        now = time.monotonic()
        self.recorder.requests += 1
        if self.opens is not None:
            wait = self.opens.wait(now)
            if wait > 0:
                self.recorder.rejected["open"] += 1
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                         headers={"Retry-After": str(max(1, math.ceil(wait)))})
            self.opens.take(now)
        return web.json_response({"ok": True, "channel": {"id": f"D{user}"}})


async def serve(app_routes: list[web.RouteDef]) -> tuple[web.AppRunner, int]:
    """Serve `app_routes` on a free loopback port; the runner and the port."""
    app = web.Application()
    app.add_routes(app_routes)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, backlog=1024).start()
    return runner, int(runner.addresses[0][1])


async def main() -> None:
    """Start both stand-ins, print their URLs as one JSON line, and serve until stdin closes."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--slack-workspace-rate", type=float, default=0.0)
    parser.add_argument("--slack-open-rate", type=float, default=0.0)
    args = parser.parse_args()
    discord_runner, discord_port = await serve(DiscordLimits().routes_())
    slack_runner, slack_port = await serve(SlackLimits(args.slack_workspace_rate, args.slack_open_rate).routes_())
    print(json.dumps({"discord": f"http://127.0.0.1:{discord_port}/api/v10",
                      "slack": f"http://127.0.0.1:{slack_port}/api/",
                      "discord_stats": f"http://127.0.0.1:{discord_port}/_bench/stats",
                      "slack_stats": f"http://127.0.0.1:{slack_port}/_bench/stats"}), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the benchmark closes our stdin
    await discord_runner.cleanup()
    await slack_runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
