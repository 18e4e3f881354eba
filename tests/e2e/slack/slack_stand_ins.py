"""Local stand-ins for Slack, and requests signed and shaped exactly as Slack sends them.

The stand-in is a recording Web API on 127.0.0.1, with response_url and a Socket Mode websocket.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from adapters.slack import runner
from bot.bootstrap import Runtime
from bot.settings import Settings

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
TEAM = "T0STUDY"
CHANNEL = "C0GENERAL"
LEARNER = "U0LEARNER"
OTHER = "U0OTHER"
ADMIN = "U0ADMIN"
LISTED_ADMIN = "U0LISTED"


def slack_settings(*, app_token: str | None = None, signing_secret: str | None = None,
                   http_port: int | None = None) -> Settings:
    """Settings from explicit values only (no .env file); LISTED_ADMIN is in STUDYBOT_ADMINS."""
    slack = {"bot_token": BOT_TOKEN, "app_token": app_token, "signing_secret": signing_secret, "http_port": http_port}
    return Settings(_env_file=None, STUDYBOT_ADMINS=LISTED_ADMIN, slack=slack)


def http_settings() -> Settings:
    """Settings for HTTP mode on a free loopback port."""
    return slack_settings(signing_secret=SIGNING_SECRET, http_port=free_port())


@contextlib.asynccontextmanager
async def running_http(runtime: Runtime) -> AsyncIterator[SlackHttpApp]:
    """Run the adapter in HTTP mode until the block ends; yields a client for its endpoint."""
    port = runtime.settings.slack.http_port
    task = await serve(runtime)
    try:
        async with aiohttp.ClientSession() as session:
            deadline = time.monotonic() + 5
            while True:
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    if task.done() or time.monotonic() > deadline:
                        await task
                        raise
                    await asyncio.sleep(0.02)
            yield SlackHttpApp(f"http://127.0.0.1:{port}/slack/events", session)
    finally:
        await stop(task)


async def serve(runtime: Runtime) -> asyncio.Task[None]:
    """Start the adapter's real `runner.run(runtime)` as a task."""
    return asyncio.create_task(runner.run(runtime))


async def stop(task: asyncio.Task[None]) -> None:
    """Cancel the runner and wait for it to clean up."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Call:
    """One recorded Web API call."""

    method: str
    params: dict[str, Any]
    at: float
    status: int
    token: str = ""


@dataclass
class Failure:
    """A scripted answer for the next call of a method: an HTTP status and/or Slack error."""

    status: int = 200
    error: str = ""
    retry_after: int | None = None


@dataclass
class SlackStandIn:
    """A recording Slack Web API on loopback; also serves response_url posts and a Socket Mode socket."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    stalled: set[str] = field(default_factory=set)  # methods whose calls get no answer until stop()
    uploads: dict[str, bytes] = field(default_factory=dict)  # file id -> the bytes posted to its upload URL
    # Users the app cannot DM, with Slack's error: `cannot_dm_bot` comes from conversations.open,
    # any other (`messages_tab_disabled`) from chat.postMessage into the DM.
    dms_closed: dict[str, str] = field(default_factory=dict)
    port: int = 0
    _runner: web.AppRunner | None = None
    _socket: web.WebSocketResponse | None = None
    _ts: int = 0
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def base(self) -> str:
        """The stand-in's address: http://127.0.0.1:<port>."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The value for SLACK_API_URL."""
        return f"{self.base}/api/"

    def response_url(self, name: str) -> str:
        """A response_url that records what the app posts to it under `name`."""
        return f"{self.base}/response/{name}"

    async def start(self) -> None:
        """Listen on a free loopback port."""
        app = web.Application()
        app.add_routes([
            web.route("*", "/api/{method}", self._api),
            web.post("/response/{name}", self._response),
            web.post("/upload/{file_id}", self._upload),
            web.get("/socket", self._websocket),
        ])
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Close everything."""
        self._released.set()
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def fail_next(self, method: str, failure: Failure) -> None:
        """Answer the next call of `method` with `failure` instead of success."""
        self.failures.setdefault(method, []).append(failure)

    def calls_of(self, method: str) -> list[Call]:
        """Recorded calls of one method."""
        return [c for c in self.calls if c.method == method]

    async def wait_until(self, condition: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until `condition()` holds (fails the test after `within` seconds)."""
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for the Slack stand-in")
            await asyncio.sleep(0.01)

    async def response(self, name: str, count: int = 1, within: float = 5.0) -> dict[str, Any]:
        """The `count`-th post to response_url `name`, once it arrives."""
        await self.wait_until(lambda: len(self.responses.get(name, [])) >= count, within)
        return self.responses[name][count - 1]

    # handlers ----------------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(await request.post())
        scripted = self.failures.get(method)
        failure = scripted.pop(0) if scripted else None
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.calls.append(Call(method, params, time.monotonic(), failure.status if failure else 200, token))
        if method in self.stalled:
            await self._released.wait()
        if failure is not None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            body = {"ok": False, "error": failure.error or "ratelimited"}
            return web.json_response(body, status=failure.status, headers=headers)
        return web.json_response(self._answer(method, params))

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://study.slack.com/", "team": "Study", "user": "studybot",
                    "team_id": TEAM, "user_id": "U0BOT", "bot_id": "B0BOT"}
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.open":
            who = str(params.get("users"))
            if self.dms_closed.get(who) == "cannot_dm_bot":
                return {"ok": False, "error": "cannot_dm_bot"}
            return {"ok": True, "channel": {"id": dm_channel(who), "is_im": True}}
        if method == "chat.postMessage":
            return self._post_message(params)
        if method == "conversations.history":
            posted = [c for c in self.calls if c.method == "chat.postMessage" and c.status == 200
                      and c.params.get("_channel") == params.get("channel")]
            messages = [{"type": "message", "ts": c.params["_ts"], "metadata": c.params.get("metadata")}
                        for c in reversed(posted) if "_ts" in c.params]
            return {"ok": True, "messages": messages}
        if method.startswith("files."):
            return self._files(method, params)
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}
        return {"ok": True}

    def _post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        """chat.postMessage; a user id as the channel posts into the app's DM with that user, as Slack does.

        The answer names the channel posted in (the DM's `D…` id for a user id). A user whose DMs
        are closed is refused whichever way the DM is addressed.
        """
        channel = str(params.get("channel"))
        closed = next((e for u, e in self.dms_closed.items() if channel in (u, dm_channel(u))), None)
        if closed is not None:
            return {"ok": False, "error": closed}
        if channel.startswith(("U", "W")):
            channel = dm_channel(channel)
        self._ts += 1
        params["_ts"] = f"1700000000.{self._ts:06d}"  # remembered for conversations.history
        params["_channel"] = channel
        return {"ok": True, "channel": channel, "ts": params["_ts"], "message": {"text": params.get("text", "")}}

    def posted_in(self, channel: str) -> list[Call]:
        """The chat.postMessage calls Slack accepted into `channel` (a DM, whether addressed by user id or not)."""
        return [c for c in self.calls_of("chat.postMessage") if c.params.get("_channel") == channel]

    def _files(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """files.getUploadURLExternal and files.completeUploadExternal, as files_upload_v2 calls them."""
        if method == "files.getUploadURLExternal":
            file_id = f"F{len(self.calls_of(method)):08d}"
            return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            listed = _listed(params.get("files"))
            shared = [{"id": f["id"], "title": f.get("title"), "channels": [params.get("channel_id")]}
                      for f in listed if f.get("id") in self.uploads]
            if len(shared) != len(listed):
                return {"ok": False, "error": "file_not_found"}
            return {"ok": True, "files": shared}
        return {"ok": True}

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK - 1")

    def files_shared_with(self, channel: str) -> list[bytes]:
        """The bytes of every file completed into `channel` (a DM is D + the user's id), in order."""
        done = [c for c in self.calls_of("files.completeUploadExternal") if c.params.get("channel_id") == channel]
        ids = [f["id"] for c in done for f in _listed(c.params.get("files"))]
        return [self.uploads[i] for i in ids]

    async def _response(self, request: web.Request) -> web.Response:
        self.responses.setdefault(request.match_info["name"], []).append(await request.json())
        return web.Response(text="ok")

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "debug_info": {"host": "stand-in"}, "connection_info": {"app_id": "A0STUDY"}})
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.socket_acks.append(json.loads(msg.data))
        return ws

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        """Push a Socket Mode envelope to the connected app."""
        await self.wait_until(lambda: self._socket is not None)
        assert self._socket is not None
        await self._socket.send_json(envelope)


def _listed(files: Any) -> list[dict[str, Any]]:
    """files.completeUploadExternal's `files`: JSON text in a form, or a list in a JSON body."""
    listed = json.loads(files) if isinstance(files, str) else files
    return list(listed or [])
def dm_channel(user_id: str) -> str:
    """The id of the app's DM with a user (what conversations.open answers)."""
    return f"D{user_id.removeprefix('U')}"


def slack_user(user_id: str, *, admin: bool = False, owner: bool = False, tz: str = "Europe/Berlin") -> dict[str, Any]:
    """A users.info `user` object."""
    return {"id": user_id, "team_id": TEAM, "name": user_id.lower(), "real_name": user_id.title(),
            "tz": tz, "is_admin": admin, "is_owner": owner, "is_primary_owner": False, "is_bot": False,
            "profile": {"display_name": user_id.title(), "real_name": user_id.title()}}


def command_body(text: str, response_url: str, *, user: str = LEARNER, channel: str = CHANNEL) -> dict[str, str]:
    """The form fields of a `/study` slash command, as Slack posts them."""
    return {
        "token": "legacy-verification-token", "team_id": TEAM, "team_domain": "study",
        "channel_id": channel, "channel_name": "general", "user_id": user, "user_name": user.lower(),
        "command": "/study", "text": text, "api_app_id": "A0STUDY", "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": "1337.42.abcd",
    }


def block_actions(value: str, response_url: str | None, *, action_ts: str, user: str = LEARNER,
                  channel: str | None = CHANNEL, label: str = "A") -> dict[str, Any]:
    """A `block_actions` payload for a button press on an ephemeral message (or the Home tab)."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM},
        "api_app_id": "A0STUDY", "token": "legacy-verification-token",
        "trigger_id": "1337.43.abcd", "team": {"id": TEAM, "domain": "study"}, "enterprise": None,
        "is_enterprise_install": False, "state": {"values": {}},
        "actions": [{"action_id": value, "block_id": "b1", "text": {"type": "plain_text", "text": label},
                     "value": value, "type": "button", "action_ts": action_ts}],
    }
    if channel is None:
        payload["container"] = {"type": "view", "view_id": "V0HOME"}
        payload["view"] = {"id": "V0HOME", "type": "home"}
    else:
        payload["container"] = {"type": "message", "message_ts": "1700000000.000100", "channel_id": channel,
                                "is_ephemeral": True}
        payload["channel"] = {"id": channel, "name": "general"}
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


def signed(body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's signature headers for `body` (`v0=` HMAC-SHA256 of `v0:{ts}:{body}`)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature,
            "Content-Type": "application/x-www-form-urlencoded"}


def form(fields: dict[str, str]) -> str:
    """URL-encode form fields."""
    return urllib.parse.urlencode(fields)


def payload_form(payload: dict[str, Any]) -> str:
    """`payload=<json>` as interactivity requests carry it."""
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button in a posted message's blocks."""
    return [e for b in message.get("blocks", []) if b.get("type") == "actions" for e in b["elements"]]


def text_of(message: dict[str, Any]) -> str:
    """All text a user sees in a posted message (blocks, fields, buttons, context)."""
    parts = [str(message.get("text", ""))]
    for block in message.get("blocks", []):
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        parts.extend(f["text"] for f in block.get("fields", []) or [])
        for element in block.get("elements", []) or []:
            text = element.get("text")
            parts.append(text["text"] if isinstance(text, dict) else str(text or ""))
    return "\n".join(parts)


@dataclass
class SlackHttpApp:
    """The bot's real HTTP endpoint, and a way to send it what Slack sends."""

    url: str
    session: aiohttp.ClientSession

    async def send(self, body: str, headers: dict[str, str]) -> tuple[int, str]:
        """POST a raw body to /slack/events; the status and response text."""
        async with self.session.post(self.url, data=body.encode(), headers=headers) as response:
            return response.status, await response.text()

    async def command(self, text: str, response_url: str, *, user: str = LEARNER,
                      channel: str = CHANNEL) -> tuple[int, str]:
        """A signed `/study <text>`."""
        body = form(command_body(text, response_url, user=user, channel=channel))
        return await self.send(body, signed(body))

    async def click(self, value: str, response_url: str | None, *, action_ts: str, user: str = LEARNER,
                    channel: str | None = CHANNEL, retry_num: int | None = None) -> tuple[int, str]:
        """A signed button press (optionally a retried delivery with X-Slack-Retry-Num)."""
        body = payload_form(block_actions(value, response_url, action_ts=action_ts, user=user, channel=channel))
        headers = signed(body)
        if retry_num is not None:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.send(body, headers)

    async def event(self, event: dict[str, Any]) -> tuple[int, str]:
        """A signed Events API callback."""
        body = json.dumps({"token": "legacy-verification-token", "team_id": TEAM, "api_app_id": "A0STUDY",
                           "event": event, "type": "event_callback", "event_id": "Ev0001",
                           "event_time": int(time.time())})
        return await self.send(body, signed(body) | {"Content-Type": "application/json"})
