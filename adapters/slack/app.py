"""The slack-bolt app: `/study`, button clicks and the App Home tab, translated to `StudyBot` calls.

Every listener acks at once (Slack wants an answer within 3 s) and hands the work to a task:
look the user up, ask the core, render, deliver. (bolt's own "lazy" listeners would do the same
but deep-copy every request first, which costs more than the rest of the ack path.)
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Coroutine
from typing import Any, TypeVar

import aiohttp
from aiohttp import ClientError
from pydantic import BaseModel, ValidationError
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.payloads import ButtonPress, HomeOpened, SlashCommand
from adapters.slack.render import Payload
from adapters.slack.users import UserDirectory
from bot.app import StudyBot
from bot.messages import Message, Visibility
from bot.usecases.context import Actor

log = logging.getLogger(__name__)
Part = TypeVar("Part", bound=BaseModel)

PLATFORM = "slack"
COMMAND = "/study"
DELIVERY_MEMORY_SECONDS = 600.0
DELIVERY_MEMORY_SIZE = 10_000
NOT_POSTABLE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})
RESPONSE_URL_TIMEOUT = aiohttp.ClientTimeout(total=10)


def delivery_key(action_ts: str, user_id: str) -> str:
    """The idempotency key of one button click: Slack's action timestamp and the clicker."""
    return f"slack:{action_ts}:{user_id}"


class RecentDeliveries:
    """Click deliveries seen lately, so a retried delivery (`X-Slack-Retry-Num`) is answered once."""

    def __init__(self, seconds: float = DELIVERY_MEMORY_SECONDS, size: int = DELIVERY_MEMORY_SIZE) -> None:
        self.seconds = seconds
        self.size = size
        self._seen: OrderedDict[str, float] = OrderedDict()

    def claim(self, key: str) -> bool:
        """True the first time `key` is seen (within the memory window), False for a repeat."""
        now = time.monotonic()
        while self._seen and (next(iter(self._seen.values())) < now or len(self._seen) >= self.size):
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now + self.seconds
        return True

    def release(self, key: str) -> None:
        """Forget `key` (its handling failed, so a retry should be served)."""
        self._seen.pop(key, None)


class ResponseUrl:
    """Posts to a Slack response_url (ephemeral or in-channel) over a shared HTTP session."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url

    async def __call__(self, content: Payload, *, response_type: str) -> None:
        """Send `content`; never replaces the message the button was on."""
        body = {"text": content.text, "blocks": content.blocks, "response_type": response_type,
                "replace_original": False}
        async with self.session.post(self.url, json=body, timeout=RESPONSE_URL_TIMEOUT) as response:
            if response.status >= 400:
                log.warning("response_url answered HTTP %s", response.status)


def _read(shape: type[Part], data: dict[str, Any], what: str) -> Part | None:
    """`data` as `shape`, or None after one warning line naming what did not fit (never the values)."""
    try:
        return shape.model_validate(data)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) or "(the whole)" for e in exc.errors()})
        log.warning("ignored %s that Slack would not send (%s)", what, ", ".join(fields)[:200])
        return None


class SlackAdapter:
    """Builds the bolt app and serves `/study`, clicks and App Home through one `StudyBot`."""

    def __init__(self, bot: StudyBot, client: AsyncWebClient, session: aiohttp.ClientSession, *,
                 signing_secret: str | None = None, admin_ids: frozenset[str] = frozenset(),
                 users: UserDirectory | None = None) -> None:
        self.bot = bot
        self.client = client
        self.session = session
        self.admin_ids = admin_ids
        self.users = users or UserDirectory(client)
        self.deliveries = RecentDeliveries()
        self._tasks: set[asyncio.Task[None]] = set()
        self.app = AsyncApp(
            name="studybot",
            client=client,
            signing_secret=signing_secret or "",
            request_verification_enabled=bool(signing_secret),
            process_before_response=True,  # the HTTP response is the ack; the work runs in a task
            logger=logging.getLogger("adapters.slack.bolt"),
        )
        self.app.command(COMMAND)(self.ack_command)
        self.app.action(re.compile(r".+"))(self.ack_click)
        self.app.event("app_home_opened")(self.ack_home_opened)

    # acks: answer Slack now, work later ---------------------------------------------------------
    async def ack_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """Ack `/study` with an empty response, then handle it."""
        await ack()
        command = _read(SlashCommand, body, "a /study command")
        if command is not None:
            self.spawn(self.on_command(command))

    async def ack_click(self, ack: AsyncAck, body: dict[str, Any], request: AsyncBoltRequest) -> None:
        """Ack a button press, then handle it (noting Slack's X-Slack-Retry-Num)."""
        await ack()
        press = _read(ButtonPress, body, "a button press")
        if press is not None:
            retry = (request.headers.get("x-slack-retry-num") or [""])[0]
            self.spawn(self.on_click(press, retry))

    async def ack_home_opened(self, ack: AsyncAck, event: dict[str, Any], body: dict[str, Any]) -> None:
        """Ack app_home_opened, then publish the Home tab."""
        await ack()
        opened = _read(HomeOpened, event, "an app_home_opened event")
        team_id = body.get("team_id")
        if opened is not None and opened.tab == "home" and isinstance(team_id, str) and team_id:
            self.spawn(self.on_home_opened(opened, team_id[:64]))

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` in the background, logging (never raising) its failure."""
        task = asyncio.create_task(self._logged(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _logged(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except SlackApiError as exc:
            log.error("Slack refused a call: %s", exc.response.get("error"))
        except Exception:
            log.exception("handling a Slack request failed")

    async def drain(self) -> None:
        """Wait for the work already acked (on shutdown)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # the work ----------------------------------------------------------------------------------
    async def on_command(self, command: SlashCommand) -> None:
        """`/study <text>`: the text is exactly what follows `/study`."""
        actor = await self.actor(
            team_id=command.team_id, user_id=command.user_id, channel_id=command.channel_id,
            user_name=command.user_name, workspace_name=command.team_domain, channel_name=command.channel_name,
        )
        message = await self.bot.dispatch(actor, f"{COMMAND} {html.unescape(command.text)}")
        await self.deliver(message, response_url=command.response_url, channel_id=command.channel_id,
                           user_id=actor.user_id)

    async def on_click(self, press: ButtonPress, retry: str = "") -> None:
        """A button: record it through the core once per delivery, answer privately."""
        action, user_id = press.actions[0], press.user.id
        key = delivery_key(action.action_ts, user_id)
        if not self.deliveries.claim(key):
            log.info("ignoring repeated delivery %s (X-Slack-Retry-Num %s)", key, retry or "-")
            return
        if retry:
            log.info("serving retried delivery %s (X-Slack-Retry-Num %s)", key, retry)
        try:
            actor = await self.actor(
                team_id=press.team_id, user_id=user_id, channel_id=press.channel.id,
                user_name=press.user.username, workspace_name=press.team.domain, channel_name=press.channel.name,
            )
            message = await self.bot.click(actor, action.value or action.action_id, key)
            await self.deliver(message, response_url=press.response_url, channel_id=actor.channel_id,
                               user_id=user_id)
        except BaseException:
            self.deliveries.release(key)
            raise

    async def on_home_opened(self, opened: HomeOpened, team_id: str) -> None:
        """Publish the App Home tab: streak, points, accuracy, progress and practice buttons."""
        await self.publish_home(await self.actor(team_id=team_id, user_id=opened.user))

    async def publish_home(self, actor: Actor) -> None:
        """Render `bot.run(actor, "stats", [])` as the user's Home tab."""
        stats = await self.bot.run(actor, "stats", [])
        view = render.home_view(stats, self.bot.course_title)
        await self.client.views_publish(user_id=actor.user_id, view=view)

    async def actor(self, *, team_id: str, user_id: str, channel_id: str = "", user_name: str = "",
                    workspace_name: str = "", channel_name: str = "") -> Actor:
        """The core's Actor for a Slack user; admin and timezone come from users.info (cached)."""
        info = await self.users.lookup(user_id)
        is_admin = user_id in self.admin_ids or bool(info and info.is_admin)
        return Actor(
            platform=PLATFORM, workspace_id=team_id, user_id=user_id, channel_id=channel_id,
            user_name=(info.name if info and info.name else user_name) or user_id,
            workspace_name=workspace_name, channel_name=channel_name, is_admin=is_admin,
            user_timezone=info.timezone if info else None,
        )

    async def deliver(self, message: Message, *, response_url: object, channel_id: str, user_id: str) -> None:
        """Public messages go to the channel, private ones to the response_url as ephemeral.

        With no response_url (a click in the App Home tab) the answer goes to the user's
        direct messages with the app.
        """
        content = render.payload(message)
        respond = ResponseUrl(self.session, response_url) if isinstance(response_url, str) and response_url \
            else None
        if message.visibility is Visibility.PUBLIC and channel_id:
            try:
                await self.client.chat_postMessage(channel=channel_id, text=content.text, blocks=content.blocks,
                                                   unfurl_links=False)
                return
            except SlackApiError as exc:
                if exc.response.get("error") not in NOT_POSTABLE or respond is None:
                    raise
                log.info("chat.postMessage to %s failed (%s); answering in the channel via response_url",
                         channel_id, exc.response.get("error"))
                await respond(content, response_type="in_channel")
                return
        if respond is not None:
            try:
                await respond(content, response_type="ephemeral")
            except (ClientError, TimeoutError) as exc:
                log.warning("response_url failed: %s", exc.__class__.__name__)
            return
        await self.client.chat_postMessage(channel=user_id, text=content.text, blocks=content.blocks,
                                           unfurl_links=False)
