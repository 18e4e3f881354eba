"""The slack-bolt app: `/study`, button clicks and the App Home tab, translated to `StudyBot` calls.

A command or click is handled before it is acked: look the user up and ask the core (which
records a click), then ack, then deliver the answer from a task. Work slower than `ACK_WITHIN_S`
is acked anyway, within Slack's 3 s, after the request is kept in the database (see
`bot.unfinished`), and the next process finishes it if this one dies first.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import html
import logging
import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from aiohttp import ClientError
from pydantic import BaseModel, ValidationError
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import limits, render
from adapters.slack.payloads import ButtonPress, HomeOpened, SlashCommand, read_channel
from adapters.slack.poster import SlackPoster
from adapters.slack.render import Payload
from adapters.slack.users import UserDirectory
from bot import posting
from bot.app import StudyBot
from bot.messages import Attachment, Field, Message, Visibility
from bot.text import shorten
from bot.unfinished import Hold, UnfinishedWork
from bot.usecases.context import Actor

log = logging.getLogger(__name__)
Part = TypeVar("Part", bound=BaseModel)

PLATFORM = "slack"
COMMAND = "/study"
DELIVERY_MEMORY_SECONDS = 600.0
DELIVERY_MEMORY_SIZE = 10_000
NOT_POSTABLE = frozenset({"not_in_channel", "channel_not_found", "is_archived", "restricted_action"})
RESPONSE_URL_TIMEOUT = aiohttp.ClientTimeout(total=10)
ACK_WITHIN_S = 2.0
"""Seconds of Slack's 3 to spend on the work before acking; slower work is kept for a restart first."""
FILE_SENT = "📎 I sent you {names} in your direct messages with StudyBot."
FILE_NOT_SENT = "I couldn't send you the file in a direct message just now. Please try again in a minute."
KEPT_FOR = dt.timedelta(minutes=30)
"""How long Slack lets a response_url answer: a request kept longer cannot be finished."""


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


@dataclass(frozen=True)
class Reply:
    """The core's answer to a request, and where it goes."""

    message: Message
    response_url: str | None
    channel_id: str
    user_id: str


class Kept(BaseModel):
    """What a process keeps of a request it acknowledged before answering: Slack's own payload."""

    command: SlashCommand | None = None
    press: ButtonPress | None = None


class SlackAdapter:
    """Builds the bolt app and serves `/study`, clicks and App Home through one `StudyBot`."""

    def __init__(self, bot: StudyBot, client: AsyncWebClient, session: aiohttp.ClientSession, *,
                 signing_secret: str | None = None, admin_ids: frozenset[str] = frozenset(),
                 users: UserDirectory | None = None, unfinished: UnfinishedWork) -> None:
        self.bot = bot
        self.unfinished = unfinished
        self.ack_within = ACK_WITHIN_S
        self.client = client
        self.session = session
        self.admin_ids = admin_ids
        self.users = users or UserDirectory(client)
        self.poster = SlackPoster(client)
        """Posts to channels and DMs: the scheduler's poster, and where this adapter opens DMs."""
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

    # acks: work first, then answer Slack -------------------------------------------------------
    async def ack_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """Handle `/study`, then ack it with an empty response; the answer follows."""
        command = _read(SlashCommand, body, "a /study command")
        if command is None:
            await ack()
            return
        key = f"slack-command:{command.trigger_id or uuid.uuid4().hex}"
        await self.serve(ack, key, Kept(command=command), self.on_command(command))

    async def ack_click(self, ack: AsyncAck, body: dict[str, Any], request: AsyncBoltRequest) -> None:
        """Handle a button press (noting Slack's X-Slack-Retry-Num), then ack it."""
        press = _read(ButtonPress, body, "a button press")
        if press is None:
            await ack()
            return
        retry = (request.headers.get("x-slack-retry-num") or [""])[0]
        key = delivery_key(press.actions[0].action_ts, press.user.id)
        await self.serve(ack, key, Kept(press=press), self.on_click(press, retry))

    async def ack_home_opened(self, ack: AsyncAck, event: dict[str, Any], body: dict[str, Any]) -> None:
        """Ack app_home_opened, then publish the Home tab."""
        await ack()
        opened = _read(HomeOpened, event, "an app_home_opened event")
        team_id = body.get("team_id")
        if opened is not None and opened.tab == "home" and isinstance(team_id, str) and team_id:
            self.spawn(self.on_home_opened(opened, team_id[:64]))

    async def serve(self, ack: AsyncAck, key: str, kept: Kept, work: Coroutine[Any, Any, Reply | None]) -> None:
        """Ack once `work` is done, or after `ack_within` s with the request kept for a restart.

        Either way a request Slack was told is handled is recorded, or kept until it is answered. If it
        cannot be kept in time either, the ack waits for the work: Slack may then tell the user it
        failed, and pressing again is safe.
        """
        task = asyncio.ensure_future(work)
        done, _pending = await asyncio.wait({task}, timeout=self.ack_within)
        hold = None if done else await self.unfinished.hold(PLATFORM, key, kept.model_dump_json(), KEPT_FOR)
        if hold is not None and not hold.is_kept:  # nothing would finish it after a crash: ack when done
            await asyncio.wait({task})
        await ack()
        self.spawn(self.finish(task, hold))

    async def finish_unfinished(self) -> None:
        """Finish the requests a stopped process acknowledged but never answered."""
        for hold, kept in await self.unfinished.take(PLATFORM, Kept):
            log.info("finishing request %s, acknowledged by a process that stopped", hold.key)
            work: Coroutine[Any, Any, Reply | None]
            if kept.command is not None:
                work = self.on_command(kept.command)
            elif kept.press is not None:
                work = self.on_click(kept.press)
            else:
                await self.unfinished.release(hold)
                continue
            self.spawn(self.finish(asyncio.ensure_future(work), hold))

    async def finish(self, task: asyncio.Future[Reply | None], hold: Hold | None) -> None:
        """Deliver the work's reply, then stop keeping the request (unless this process is stopping)."""
        try:
            reply = await task
            if reply is not None:
                await self.deliver(reply)
        finally:
            if hold is not None and not task.cancelled():
                await self.unfinished.release(hold)

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
    async def on_command(self, command: SlashCommand) -> Reply:
        """`/study <text>`: the text is exactly what follows `/study`."""
        actor = await self.actor(
            team_id=command.team_id, user_id=command.user_id, channel_id=command.channel_id,
            user_name=command.user_name, workspace_name=command.team_domain, channel_name=command.channel_name,
        )
        message = await self.bot.dispatch(actor, f"{COMMAND} {html.unescape(command.text)}", read_channel)
        return Reply(message, command.response_url, command.channel_id, actor.user_id)

    async def on_click(self, press: ButtonPress, retry: str = "") -> Reply | None:
        """A button: record it through the core once per delivery; None for a repeated delivery."""
        action, user_id = press.actions[0], press.user.id
        key = delivery_key(action.action_ts, user_id)
        if not self.deliveries.claim(key):
            log.info("ignoring repeated delivery %s (X-Slack-Retry-Num %s)", key, retry or "-")
            return None
        if retry:
            log.info("serving retried delivery %s (X-Slack-Retry-Num %s)", key, retry)
        try:
            actor = await self.actor(
                team_id=press.team_id, user_id=user_id, channel_id=press.channel.id,
                user_name=press.user.username, workspace_name=press.team.domain, channel_name=press.channel.name,
            )
            message = await self.bot.click(actor, action.value or action.action_id, key)
        except BaseException:
            self.deliveries.release(key)
            raise
        return Reply(message, press.response_url, actor.channel_id, user_id)

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

    async def send_files(self, user_id: str, attachments: tuple[Attachment, ...]) -> str:
        """Upload the files into the user's direct messages with the app; what to tell them about it.

        A response_url cannot carry files, so they go to the DM (conversations.open, then
        files_upload_v2: files.getUploadURLExternal, the upload, files.completeUploadExternal).
        """
        try:
            channel = await self.poster.direct_channel(user_id)
            for attachment in attachments:
                await self.client.files_upload_v2(
                    channel=channel, file=attachment.data, filename=attachment.filename, title=attachment.filename,
                    alt_txt=shorten(attachment.alt, limits.ALT_TEXT),
                )
        except (SlackApiError, SlackRequestError, ClientError, TimeoutError, posting.PermanentPostError) as exc:
            reason = exc.response.get("error") if isinstance(exc, SlackApiError) else exc.__class__.__name__
            log.warning("could not send a file to a direct message (%s)", reason)
            return FILE_NOT_SENT
        return FILE_SENT.format(names=", ".join(a.filename for a in attachments))

    async def deliver(self, reply: Reply) -> None:
        """Public messages go to the channel, private ones to the response_url as ephemeral.

        Files go to the user's direct messages with the app, and the message says so.

        With no response_url (a click in the App Home tab) the answer goes to the user's
        direct messages with the app.
        """
        message, response_url, channel_id, user_id = reply.message, reply.response_url, reply.channel_id, \
            reply.user_id
        if message.attachments:
            note = await self.send_files(user_id, message.attachments)
            message = dataclasses.replace(message, fields=(*message.fields, Field("Your file", note, inline=False)))
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
