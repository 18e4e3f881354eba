"""The parts of Slack's requests the adapter reads, checked once where they arrive.

Slack ids and fields are bounded by what the store holds (ids of 64 characters at most). A request
that does not fit is ignored with one warning line: it cannot come from Slack as documented.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.usecases.context import ChannelRef

SlackId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
Name = Annotated[str, StringConstraints(max_length=200)]


class _Part(BaseModel):
    """A piece of a Slack request: unknown fields are Slack's business and ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class SlashCommand(_Part):
    """`/study <text>` as Slack posts it."""

    user_id: SlackId
    team_id: SlackId
    channel_id: Annotated[str, StringConstraints(max_length=64)] = ""
    text: str = ""
    user_name: Name = ""
    team_domain: Name = ""
    channel_name: Name = ""
    response_url: str | None = None
    trigger_id: Annotated[str, StringConstraints(max_length=100)] = ""


class _User(_Part):
    id: SlackId
    username: Name = ""
    team_id: Annotated[str, StringConstraints(max_length=64)] = ""


class _Place(_Part):
    id: Annotated[str, StringConstraints(max_length=64)] = ""
    name: Name = ""
    domain: Name = ""


class _Action(_Part):
    action_id: Annotated[str, StringConstraints(max_length=255)] = ""
    value: Annotated[str, StringConstraints(max_length=2000)] = ""
    action_ts: Annotated[str, StringConstraints(max_length=32)] = ""


class ButtonPress(_Part):
    """A `block_actions` payload: who pressed which button, where."""

    user: _User
    team: _Place = _Place()
    channel: _Place = _Place()
    actions: list[_Action] = Field(min_length=1)
    response_url: str | None = None

    @property
    def team_id(self) -> str:
        """The workspace: the payload's team, else the user's."""
        return self.team.id or self.user.team_id


class HomeOpened(_Part):
    """The `app_home_opened` event."""

    user: SlackId
    tab: str = ""


SLACK_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")


def read_channel(word: str) -> ChannelRef | None:
    """The channel of a Slack mention in command text (`<#C123|general>`), or None for any other word."""
    match = SLACK_CHANNEL.fullmatch(word)
    return ChannelRef(match.group(1), match.group(2) or "") if match else None
