"""A local stand-in of Discord for the e2e tests: the gateway and the REST routes StudyBot uses.

It speaks just enough of Discord's protocol for the real discord.py client: HELLO, heartbeat
ACKs, READY and GUILD_CREATE after IDENTIFY, then INTERACTION_CREATE dispatches that the tests
trigger. Every interaction callback, webhook follow-up, channel message and command sync is
recorded so tests can assert on what a user would see.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

APP_ID = 1130000000000000001
GUILD_ID = 1140000000000000002  # (id >> 22) % 2 == 1: shard 1 of 2
OTHER_GUILD_ID = 1140000000004194306  # (id >> 22) % 2 == 0: shard 0 of 2
CHANNEL_ID = 1150000000000000003
LOCKED_CHANNEL_ID = 1150000000000000004  # the bot cannot see it
VOICE_CHANNEL_ID = 1150000000000000005
DELETED_CHANNEL_ID = 1150000000000000099
BOT_ROLE_ID = 1160000000000000006
TOKEN = "test-token-not-a-secret"

VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, MANAGE_GUILD = 1 << 10, 1 << 11, 1 << 14, 1 << 5
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | (1 << 16) | (1 << 31)
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD

BOT_USER = {"id": str(APP_ID), "username": "StudyBot", "global_name": None, "discriminator": "0000",
            "avatar": None, "bot": True, "flags": 0}


@dataclass(frozen=True)
class Person:
    """A member of the test guild."""

    id: int
    name: str
    permissions: int

    def user(self) -> dict[str, Any]:
        """Discord's user object."""
        return {"id": str(self.id), "username": self.name.lower(), "global_name": self.name,
                "discriminator": "0", "avatar": None}


MEMBER = Person(1170000000000000007, "Lea", MEMBER_PERMISSIONS)
ADMIN = Person(1170000000000000008, "Ada", ADMIN_PERMISSIONS)


def now_iso() -> str:
    """An ISO timestamp as Discord writes them."""
    return dt.datetime.now(dt.UTC).isoformat()


def channel_object(channel_id: int, name: str, kind: int = 0, overwrites: list[dict[str, Any]] | None = None,
                   guild_id: int = GUILD_ID) -> dict[str, Any]:
    """A guild channel."""
    channel = {"id": str(channel_id), "type": kind, "guild_id": str(guild_id), "name": name, "position": 0,
               "permission_overwrites": overwrites or [], "nsfw": False, "parent_id": None, "topic": None,
               "rate_limit_per_user": 0, "last_message_id": None, "flags": 0}
    if kind == 2:
        channel.update({"bitrate": 64000, "user_limit": 0, "rtc_region": None})
    return channel


CHANNELS = [
    channel_object(CHANNEL_ID, "dotnet"),
    channel_object(LOCKED_CHANNEL_ID, "staff-only",
                   overwrites=[{"id": str(BOT_ROLE_ID), "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL)}]),
    channel_object(VOICE_CHANNEL_ID, "voice", kind=2),
]


def guild_object(guild_id: int, name: str) -> dict[str, Any]:
    """GUILD_CREATE data: roles, channels and the bot's own member."""
    everyone = {"id": str(guild_id), "name": "@everyone", "permissions": str(MEMBER_PERMISSIONS), "position": 0,
                "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
    bot_role = {"id": str(BOT_ROLE_ID), "name": "StudyBot", "permissions": str(VIEW_CHANNEL | SEND_MESSAGES
                | EMBED_LINKS), "position": 1, "color": 0, "hoist": False, "managed": True,
                "mentionable": False, "flags": 0}
    return {
        "id": str(guild_id), "name": name, "icon": None, "owner_id": str(ADMIN.id), "region": "europe",
        "afk_channel_id": None, "afk_timeout": 300, "verification_level": 0,
        "default_message_notifications": 0, "explicit_content_filter": 0, "roles": [everyone, bot_role],
        "emojis": [], "stickers": [], "features": [], "mfa_level": 0, "application_id": None,
        "system_channel_id": None, "system_channel_flags": 0, "rules_channel_id": None,
        "joined_at": now_iso(), "large": False, "unavailable": False, "member_count": 3,
        "voice_states": [], "presences": [], "threads": [], "stage_instances": [],
        "guild_scheduled_events": [], "premium_tier": 0, "preferred_locale": "en-US", "nsfw_level": 0,
        "channels": CHANNELS if guild_id == GUILD_ID else [],
        "members": [{"user": BOT_USER, "roles": [str(BOT_ROLE_ID)], "joined_at": now_iso(), "deaf": False,
                     "mute": False, "flags": 0}],
    }


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with Content-Type exactly `application/json`, as discord.py requires."""
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


async def users_me(request: web.Request) -> web.Response:
    """The bot user, or 401 for a wrong token (discord.py's login)."""
    if request.headers.get("Authorization") != f"Bot {TOKEN}":
        return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
    return json_response(BOT_USER)


async def application(_request: web.Request) -> web.Response:
    """The application behind the bot (discord.py's login)."""
    return json_response({"id": str(APP_ID), "name": "StudyBot", "icon": None, "description": "",
                          "rpc_origins": [], "bot_public": True, "bot_require_code_grant": False,
                          "owner": {**BOT_USER, "bot": False, "id": str(ADMIN.id)}, "summary": "",
                          "verify_key": "0" * 64, "team": None, "flags": 0, "bot": BOT_USER})


def interaction_payload(kind: int, person: Person, channel_id: int, interaction_id: int) -> dict[str, Any]:
    """INTERACTION_CREATE data of `kind` (2 command, 3 component, 4 autocomplete) without its `data`."""
    channel = next((c for c in CHANNELS if int(c["id"]) == channel_id), channel_object(channel_id, "x"))
    return {
        "id": str(interaction_id), "application_id": str(APP_ID), "type": kind, "token": f"token-{interaction_id}",
        "version": 1, "guild_id": str(GUILD_ID), "guild": {"id": str(GUILD_ID), "locale": "en-US", "features": []},
        "channel_id": str(channel_id), "channel": channel,
        "member": {"user": person.user(), "roles": [], "joined_at": now_iso(), "deaf": False, "mute": False,
                   "flags": 0, "permissions": str(person.permissions), "nick": None, "avatar": None},
        "app_permissions": str(VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS), "locale": "en-US",
        "guild_locale": "en-US", "entitlements": [], "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0, "attachment_size_limit": 10 * 1024 * 1024,
    }


@dataclass(frozen=True)
class Upload:
    """A file sent with a message: its name, its bytes, and its description from the attachments list."""

    filename: str
    data: bytes
    description: str | None


async def read_message_body(request: web.Request) -> tuple[dict[str, Any], list[Upload]]:
    """A message's JSON and its files: plain JSON, or multipart with `payload_json` and `files[n]` parts."""
    if not request.content_type.startswith("multipart/"):
        return await request.json(), []
    payload: dict[str, Any] = {}
    raw: dict[int, tuple[str, bytes]] = {}
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader):
            continue
        name = part.name or ""
        if name == "payload_json":
            payload = json.loads(await part.text())
        elif name.startswith("files["):
            raw[int(name[6:-1])] = (part.filename or "", bytes(await part.read()))
    listed = payload.get("attachments") or (payload.get("data") or {}).get("attachments") or []  # a callback's
    described = {int(a["id"]): a.get("description") for a in listed}
    return payload, [Upload(name, data, described.get(index)) for index, (name, data) in sorted(raw.items())]


@dataclass
class Reply:
    """Something the bot showed in answer to an interaction."""

    interaction_id: int
    kind: str  # "callback", "followup" or "edit"
    type: int | None  # the callback type (4 message, 5 deferred, 8 autocomplete), None otherwise
    data: dict[str, Any]
    files: list[Upload] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        """Whether only the clicking user sees it."""
        return bool(int(self.data.get("flags", 0) or 0) & 64)

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """The embeds shown."""
        return list(self.data.get("embeds") or [])

    @property
    def title(self) -> str:
        """The first embed's title."""
        return str(self.embeds[0].get("title", "")) if self.embeds else ""

    @property
    def text(self) -> str:
        """Every title, description and field of the embeds, for assertions."""
        parts = []
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
            parts.append((embed.get("footer") or {}).get("text", ""))
        return "\n".join(p for p in parts if p)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every button, row by row."""
        return [c for row in self.data.get("components") or [] for c in row.get("components", [])]


@dataclass
class StandIn:
    """The stand-in server and everything it recorded."""

    app: web.Application = field(default_factory=web.Application)
    runner: web.AppRunner | None = None
    port: int = 0
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    identifies: list[dict[str, Any]] = field(default_factory=list)
    connections: int = 0  # gateway websockets ever opened: a reconnect or resume opens another
    heartbeats: int = 0
    replies: list[Reply] = field(default_factory=list)
    channel_posts: list[dict[str, Any]] = field(default_factory=list)
    direct_posts: list[dict[str, Any]] = field(default_factory=list)  # DMs, each with the recipient's "user_id"
    dm_channels: dict[int, int] = field(default_factory=dict)  # DM channel id -> the user it is with
    dms_closed: set[int] = field(default_factory=set)  # users who take no DMs from the bot (50007)
    command_syncs: list[dict[str, Any]] = field(default_factory=list)
    rate_limit_posts: int = 0
    heartbeat_interval_ms: int = 500
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1180000000000000000))
    _tokens: dict[str, int] = field(default_factory=dict)
    _messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    _nonces: dict[str, dict[str, Any]] = field(default_factory=dict)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        """Listen on a free loopback port."""
        routes = [
            web.get("/gateway", self.gateway),
            web.get("/api/v10/gateway/bot", self.gateway_bot),
            web.get("/api/v10/users/@me", users_me),
            web.get("/api/v10/oauth2/applications/@me", application),
            web.put("/api/v10/applications/{app}/commands", self.bulk_commands),
            web.put("/api/v10/applications/{app}/guilds/{guild}/commands", self.bulk_commands),
            web.post("/api/v10/interactions/{id}/{token}/callback", self.callback),
            web.post("/api/v10/webhooks/{app}/{token}", self.followup),
            web.patch("/api/v10/webhooks/{app}/{token}/messages/{message}", self.edit),
            web.post("/api/v10/channels/{channel}/messages", self.channel_message),
            web.post("/api/v10/users/@me/channels", self.open_dm),
        ]
        self.app.add_routes(routes)
        self.runner = web.AppRunner(self.app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.port = int(self.runner.addresses[0][1])

    async def stop(self) -> None:
        """Close sockets and the server."""
        for ws in list(self.sockets):
            await ws.close()
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def api_url(self) -> str:
        """The REST base for DISCORD_API_URL."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The gateway for DISCORD_GATEWAY_URL."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        """A fresh snowflake."""
        return next(self._ids)

    def _touch(self) -> None:
        self._changed.set()

    async def wait_for(self, predicate: Callable[[], Any], within: float = 10.0) -> Any:
        """Wait until `predicate()` is truthy and return its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            value = predicate()
            if value:
                return value
            self._changed.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError("the stand-in never saw what the test waited for")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=remaining)

    # gateway -----------------------------------------------------------------------
    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        """HELLO, heartbeat ACKs, READY + GUILD_CREATE after IDENTIFY."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        self.connections += 1
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None, "t": None})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                if payload["op"] == 1:
                    self.heartbeats += 1
                    await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
                elif payload["op"] == 2:
                    await self._identify(ws, payload["d"])
                self._touch()
        finally:
            self.sockets.remove(ws)
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identifies.append(data)
        shard_id, count = data.get("shard", [0, 1])
        guilds = [(g, n) for g, n in ((GUILD_ID, "Study Guild"), (OTHER_GUILD_ID, "Other Guild"))
                  if (g >> 22) % count == shard_id]
        ready = {"v": 10, "user": BOT_USER, "session_id": f"session-{shard_id}",
                 "resume_gateway_url": self.gateway_url, "shard": [shard_id, count],
                 "guilds": [{"id": str(g), "unavailable": True} for g, _ in guilds],
                 "application": {"id": str(APP_ID), "flags": 0}}
        await self._send(ws, "READY", ready)
        for guild_id, name in guilds:
            await self._send(ws, "GUILD_CREATE", guild_object(guild_id, name))

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        await ws.send_json({"op": 0, "t": event, "s": next(self._seq), "d": data})

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch to every connected shard."""
        for ws in list(self.sockets):
            await self._send(ws, event, data)

    # interactions the tests send -------------------------------------------------------
    def _base(self, kind: int, person: Person, channel_id: int, interaction_id: int | None) -> dict[str, Any]:
        return self.admit(interaction_payload(kind, person, channel_id, interaction_id or self.next_id()))

    def admit(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The payload, with callbacks for its id and token (whatever they are) accepted.

        Discord accepts callbacks for the interactions it sends.
        """
        token, iid = payload.get("token"), payload.get("id")
        if isinstance(token, str) and isinstance(iid, str) and iid.isascii() and iid.isdigit() and len(iid) <= 20:
            self._tokens[token] = int(iid)
        return payload

    async def command(self, person: Person, subcommand: str, options: dict[str, Any] | None = None, *,
                      channel_id: int = CHANNEL_ID, resolved: dict[str, Any] | None = None) -> int:
        """Dispatch `/study <subcommand>` with options; the interaction id."""
        body = self._base(2, person, channel_id, None)
        sub_options = [{"name": k, "type": _option_type(v, k), "value": v} for k, v in (options or {}).items()]
        body["data"] = {"id": "1190000000000000001", "name": "study", "type": 1, "guild_id": str(GUILD_ID),
                        "options": [{"name": subcommand, "type": 1, "options": sub_options}]}
        if resolved:
            body["data"]["resolved"] = resolved
        await self.dispatch("INTERACTION_CREATE", body)
        return int(body["id"])

    async def autocomplete(self, person: Person, subcommand: str, focused: str, value: str,
                           others: dict[str, Any] | None = None) -> int:
        """Dispatch an autocomplete request for one option; the interaction id."""
        body = self._base(4, person, CHANNEL_ID, None)
        sub_options = [{"name": k, "type": _option_type(v, k), "value": v} for k, v in (others or {}).items()]
        sub_options.append({"name": focused, "type": 3, "value": value, "focused": True})
        body["data"] = {"id": "1190000000000000001", "name": "study", "type": 1, "guild_id": str(GUILD_ID),
                        "options": [{"name": subcommand, "type": 1, "options": sub_options}]}
        await self.dispatch("INTERACTION_CREATE", body)
        return int(body["id"])

    async def click(self, person: Person, reply: Reply, custom_id: str, *, interaction_id: int | None = None) -> int:
        """Click a button of a message the bot showed; pass `interaction_id` to redeliver a click."""
        body = self._base(3, person, CHANNEL_ID, interaction_id)
        message_id = int(reply.data.get("id") or 0)
        body["message"] = self._messages.get(message_id) or self._message(CHANNEL_ID, reply.data)
        body["data"] = {"custom_id": custom_id, "component_type": 2}
        await self.dispatch("INTERACTION_CREATE", body)
        return int(body["id"])

    async def dm_click(self, person: Person, message: dict[str, Any], custom_id: str) -> int:
        """Click a button of a DM the bot sent, as Discord sends it: no guild and no member, the user and the DM."""
        dm = next(c for c, u in self.dm_channels.items() if u == person.id)
        channel_id = int(message.get("channel_id") or dm)
        body = self.admit({
            "id": str(self.next_id()), "application_id": str(APP_ID), "type": 3, "version": 1,
            "channel_id": str(channel_id), "channel": {"id": str(channel_id), "type": 1, "last_message_id": None,
                                                        "recipients": [person.user()]},
            "user": person.user(), "app_permissions": str(VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS),
            "locale": "en-US", "entitlements": [], "authorizing_integration_owners": {"1": str(person.id)},
            "context": 1, "attachment_size_limit": 10 * 1024 * 1024,
            "message": self._messages.get(int(message["id"])) or message,
            "data": {"custom_id": custom_id, "component_type": 2},
        })
        body["token"] = f"token-{body['id']}"
        self.admit(body)
        await self.dispatch("INTERACTION_CREATE", body)
        return int(body["id"])

    def replies_to(self, interaction_id: int) -> list[Reply]:
        """What the bot answered to one interaction, in order."""
        return [r for r in self.replies if r.interaction_id == interaction_id]

    async def answer(self, interaction_id: int, count: int = 1, within: float = 10.0) -> list[Reply]:
        """Wait for `count` visible messages (not deferrals) answering an interaction."""
        def shown() -> list[Reply] | None:
            got = [r for r in self.replies_to(interaction_id) if r.type != 5]
            return got if len(got) >= count else None

        result: list[Reply] = await self.wait_for(shown, within)
        return result

    # REST ----------------------------------------------------------------------------
    def _message(self, channel_id: int, data: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        mid = message_id or self.next_id()
        message = {
            "id": str(mid), "channel_id": str(channel_id), "author": BOT_USER, "content": data.get("content") or "",
            "timestamp": now_iso(), "edited_timestamp": None, "tts": False, "mention_everyone": False,
            "mentions": [], "mention_roles": [], "attachments": [], "embeds": data.get("embeds") or [],
            "pinned": False, "type": 0, "flags": int(data.get("flags", 0) or 0),
            "components": data.get("components") or [], "application_id": str(APP_ID),
        }
        if "nonce" in data:
            message["nonce"] = data["nonce"]
        self._messages[mid] = message
        return message

    async def gateway_bot(self, _request: web.Request) -> web.Response:
        """The recommended shard count and our own gateway."""
        return json_response({"url": self.gateway_url, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})

    async def bulk_commands(self, request: web.Request) -> web.Response:
        """Record a command sync and echo the commands with ids."""
        payload = await request.json()
        guild = request.match_info.get("guild")
        self.command_syncs.append({"guild_id": int(guild) if guild else None, "payload": payload})
        self._touch()
        echoed = [{**c, "id": str(self.next_id()), "application_id": str(APP_ID), "version": "1",
                   **({"guild_id": guild} if guild else {})} for c in payload]
        return json_response(echoed)

    async def callback(self, request: web.Request) -> web.Response:
        """Record an interaction callback and answer as Discord does with `with_response`."""
        iid, token = int(request.match_info["id"]), request.match_info["token"]
        if self._tokens.get(token) != iid:
            return json_response({"message": "Unknown interaction", "code": 10062}, status=404)
        payload, files = await read_message_body(request)
        kind = int(payload["type"])
        data = payload.get("data") or {}
        message = None
        if kind in (4, 5):
            message = self._message(CHANNEL_ID, data)
            data = {**data, "id": message["id"]}
        self.replies.append(Reply(iid, "callback", kind, data, files))
        self._touch()
        interaction = {"id": str(iid), "type": 2, "response_message_loading": kind == 5,
                       "response_message_ephemeral": bool(int(data.get("flags", 0) or 0) & 64)}
        if message is not None:
            interaction["response_message_id"] = message["id"]
        resource: dict[str, Any] = {"type": kind}
        if kind == 4 and message is not None:
            resource["message"] = message
        return json_response({"interaction": interaction, "resource": resource})

    async def followup(self, request: web.Request) -> web.Response:
        """Record a follow-up message of an interaction."""
        return await self._webhook(request, "followup")

    async def edit(self, request: web.Request) -> web.Response:
        """Record an edit of the original response."""
        return await self._webhook(request, "edit")

    async def _webhook(self, request: web.Request, kind: str) -> web.Response:
        iid = self._tokens.get(request.match_info["token"])
        if iid is None:
            return json_response({"message": "Unknown Webhook", "code": 10015}, status=404)
        data, files = await read_message_body(request)
        message = self._message(CHANNEL_ID, data)
        self.replies.append(Reply(iid, kind, None, {**data, "id": message["id"]}, files))
        self._touch()
        return json_response(message)

    async def open_dm(self, request: web.Request) -> web.Response:
        """POST /users/@me/channels: the DM channel with a user (the same one every time)."""
        user_id = int((await request.json())["recipient_id"])
        channel_id = next((c for c, u in self.dm_channels.items() if u == user_id), None)
        if channel_id is None:
            channel_id = self.next_id()
            self.dm_channels[channel_id] = user_id
        recipient = {"id": str(user_id), "username": f"user{user_id}", "global_name": None, "discriminator": "0",
                     "avatar": None}
        return json_response({"id": str(channel_id), "type": 1, "last_message_id": None, "flags": 0,
                              "recipients": [recipient]})

    async def channel_message(self, request: web.Request) -> web.Response:
        """Post in a channel or a DM: 429 on demand, 404/403 for deleted/locked channels, 50007, nonce dedupe."""
        channel_id = int(request.match_info["channel"])
        if self.rate_limit_posts > 0:
            self.rate_limit_posts -= 1
            return json_response({"message": "You are being rate limited.", "retry_after": 0.2, "global": False},
                                 status=429, headers={"Retry-After": "1", "Via": "1.1 google",
                                                      "X-RateLimit-Scope": "user"})
        if channel_id == DELETED_CHANNEL_ID:
            return json_response({"message": "Unknown Channel", "code": 10003}, status=404)
        if channel_id == LOCKED_CHANNEL_ID:
            return json_response({"message": "Missing Access", "code": 50001}, status=403)
        if self.dm_channels.get(channel_id) in self.dms_closed:
            return json_response({"message": "Cannot send messages to this user", "code": 50007}, status=403)
        data = await request.json()
        nonce = data.get("nonce")
        if nonce and data.get("enforce_nonce") and nonce in self._nonces:
            return json_response(self._nonces[nonce])
        message = self._message(channel_id, data)
        if nonce and data.get("enforce_nonce"):
            self._nonces[nonce] = message
        if channel_id in self.dm_channels:
            self.direct_posts.append({**data, "id": message["id"], "channel_id": channel_id,
                                      "user_id": self.dm_channels[channel_id]})
        else:
            self.channel_posts.append({**data, "id": message["id"], "channel_id": channel_id})
        self._touch()
        return json_response(message)


def _option_type(value: Any, name: str) -> int:
    if name in ("channel",):
        return 7
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    return 3


def channel_resolved(channel_id: int) -> dict[str, Any]:
    """`resolved` data for a channel option, as Discord sends it."""
    channel = next(c for c in CHANNELS if int(c["id"]) == channel_id)
    return {"channels": {str(channel_id): {"id": channel["id"], "name": channel["name"], "type": channel["type"],
                                           "permissions": str(ADMIN_PERMISSIONS), "guild_id": str(GUILD_ID),
                                           "parent_id": None, "position": 0, "topic": None, "nsfw": False,
                                           "flags": 0, "permission_overwrites": [], "rate_limit_per_user": 0,
                                           "last_message_id": None}}}
