"""Posting for the scheduler: the same Block Kit renderer, 429-aware, idempotent per key; drops and DMs."""

from __future__ import annotations

import logging
from collections import OrderedDict

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from bot import posting
from bot.messages import Message

log = logging.getLogger(__name__)

PERMANENT_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "channel_is_archived", "access_denied",
    "restricted_action", "restricted_action_read_only_channel", "restricted_action_thread_only_channel",
    "restricted_action_non_threadable_channel", "team_access_not_granted", "missing_scope",
    "not_authed", "invalid_auth", "account_inactive", "token_revoked", "no_permission",
    "ekm_access_denied", "org_login_required",
})
DMS_CLOSED_ERRORS = frozenset({
    "cannot_dm_bot", "messages_tab_disabled", "user_disabled", "user_not_found", "user_not_visible",
})
"""What Slack answers when a person cannot get a direct message from the app (these switch reminders off)."""
REMEMBERED_DMS = 50_000  # user -> DM channel (from chat.postMessage or conversations.open), for DM history and files
HINTS = {
    "not_in_channel": "invite the bot to the channel (/invite @StudyBot)",
    "channel_not_found": "the channel was deleted, or it is private and the bot was not invited",
    "is_archived": "the channel is archived",
}
REMEMBERED_KEYS = 1000
# Rendered messages, by message: a fan-out sends the same few messages (one lesson to every channel,
# reminders that differ only in a streak) thousands of times, and rendering plus checking the
# blocks costs more than the post itself.
REMEMBERED_RENDERS = 256
METADATA_EVENT = "studybot_post"
HISTORY_LOOKBACK = 100  # messages; a drop is looked for among the channel's latest ones


class PermanentPostError(posting.PermanentPostError):
    """Slack will never accept this post as things stand (deleted channel, no access, bad token)."""

    def __init__(self, channel_id: str, error: str) -> None:
        hint = HINTS.get(error, "")
        super().__init__(f"cannot post to Slack channel {channel_id}: {error}" + (f" ({hint})" if hint else ""))
        self.channel_id = channel_id
        self.error = error


class DirectMessagesClosed(posting.DirectMessagesClosedError):
    """Slack will not deliver a direct message from the app to this person."""

    def __init__(self, user_id: str, error: str) -> None:
        super().__init__(f"cannot send a direct message to Slack user {user_id}: {error}")
        self.user_id = user_id
        self.error = error


class SlackPoster:
    """Posts core messages to channels with chat.postMessage; returns the message ts.

    A 429 is retried after its `Retry-After` by the client's retry handler; a key already
    posted by this process returns the first post's ts instead of posting again, and the key
    rides along in the message metadata.
    """

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._posted: OrderedDict[str, str] = OrderedDict()
        self._dms: OrderedDict[str, str] = OrderedDict()
        self._rendered: OrderedDict[Message, render.Payload] = OrderedDict()

    async def post_direct(self, user_id: str, message: Message, idempotency_key: str) -> str:
        """DM `message` to a user: one chat.postMessage with the user's id as the channel; the message ts.

        Slack posts a message sent to a user id into the app's DM with that user (its Messages
        tab) and answers the DM's channel id, which is remembered for `direct_channel`, so no
        conversations.open (Tier 3) is needed. A user whose direct messages the app cannot reach
        raises `DirectMessagesClosed`.
        """
        try:
            ts, channel = await self._post(user_id, message, idempotency_key)
        except SlackApiError as exc:
            if str(exc.response.get("error") or "") in DMS_CLOSED_ERRORS:
                raise DirectMessagesClosed(user_id, str(exc.response.get("error"))) from None
            raise
        if channel:
            self._remember_dm(user_id, channel)
        return ts

    async def direct_channel(self, user_id: str) -> str:
        """The app's DM channel with a user: conversations.open once per user, then remembered.

        A user whose direct messages the app cannot reach raises `DirectMessagesClosed`; a refusal
        that retrying cannot change raises `PermanentPostError`.
        """
        channel = self._dms.get(user_id)
        if channel is None:
            try:
                response = await self.client.conversations_open(users=user_id, return_im=False)
            except SlackApiError as exc:
                error = str(exc.response.get("error") or "")
                if error in DMS_CLOSED_ERRORS:
                    raise DirectMessagesClosed(user_id, error) from None
                if error in PERMANENT_ERRORS:
                    raise PermanentPostError(user_id, error) from None
                raise
            channel = str((response.get("channel") or {}).get("id") or "")
            if not channel:
                raise PermanentPostError(user_id, "conversations.open returned no channel")
            self._remember_dm(user_id, channel)
        return channel

    def _remember_dm(self, user_id: str, channel: str) -> None:
        """Remember the app's DM channel with a user (the oldest are forgotten past REMEMBERED_DMS)."""
        self._dms[user_id] = channel
        self._dms.move_to_end(user_id)
        while len(self._dms) > REMEMBERED_DMS:
            self._dms.popitem(last=False)

    def _render(self, message: Message) -> render.Payload:
        """The message's text and checked blocks, rendered once per distinct message (the latest remembered).

        A message with files is rendered every time rather than kept with its bytes.
        """
        if message.attachments:
            return render.payload(message)
        content = self._rendered.get(message)
        if content is None:
            content = render.payload(message)
            self._rendered[message] = content
            while len(self._rendered) > REMEMBERED_RENDERS:
                self._rendered.popitem(last=False)
        else:
            self._rendered.move_to_end(message)
        return content

    async def find_direct(self, user_id: str, idempotency_key: str) -> str | None:
        """The ts of this app's direct message to `user_id` carrying `idempotency_key`, if there is one.

        A reminder taken over from a stopped process is looked for in the DM's history (scope
        `im:history`) before it is sent again; a DM that cannot be opened holds nothing to find.
        """
        try:
            channel = await self.direct_channel(user_id)
        except posting.PermanentPostError:
            return None
        return await self.find(channel, idempotency_key)

    async def find(self, channel_id: str, idempotency_key: str) -> str | None:
        """The ts of a recent message of this app carrying `idempotency_key`, if there is one.

        Slack has no idempotent post, so a drop taken over from a stopped process is looked for
        in the channel's recent history (its key rides in the message metadata) before it is
        posted again. Without the history scopes, or outside the channel, nothing can be found.
        """
        try:
            response = await self.client.conversations_history(
                channel=channel_id, limit=HISTORY_LOOKBACK, include_all_metadata=True
            )
        except SlackApiError as exc:
            log.warning("cannot read the history of %s to avoid a double post: %s", channel_id,
                        exc.response.get("error"))
            return None
        for item in response.get("messages") or []:
            metadata = item.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == METADATA_EVENT and payload.get("idempotency_key") == idempotency_key:
                return str(item["ts"])
        return None

    async def post(self, channel_id: str, message: Message, idempotency_key: str) -> str:
        """Post `message` to the channel once per `idempotency_key`; the Slack message ts."""
        ts, _channel = await self._post(channel_id, message, idempotency_key)
        return ts

    async def _post(self, channel_id: str, message: Message, idempotency_key: str) -> tuple[str, str]:
        """chat.postMessage once per `idempotency_key`; the ts and the channel Slack posted in ("" if known)."""
        if idempotency_key in self._posted:
            return self._posted[idempotency_key], ""
        content = self._render(message)
        try:
            response = await self.client.chat_postMessage(
                channel=channel_id, text=content.text, blocks=content.blocks, unfurl_links=False,
                unfurl_media=False,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"idempotency_key": idempotency_key}},
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            if error in PERMANENT_ERRORS:
                raise PermanentPostError(channel_id, error) from None
            raise
        ts = str(response["ts"])
        self._posted[idempotency_key] = ts
        while len(self._posted) > REMEMBERED_KEYS:
            self._posted.popitem(last=False)
        log.info("posted %s to %s as %s", message.kind.value, channel_id, ts)
        return ts, str(response.get("channel") or "")
