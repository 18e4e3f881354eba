"""Fixtures shared by the end-to-end tests: the platform stand-ins on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.discord.discord_standin import StandIn
from tests.e2e.slack.slack_stand_ins import SlackStandIn


@pytest.fixture
async def slack_api() -> AsyncIterator[SlackStandIn]:
    """The Slack Web API stand-in (the Slack tests override it with users)."""
    api = SlackStandIn()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def discord_api() -> AsyncIterator[StandIn]:
    """The Discord stand-in."""
    api = StandIn()
    await api.start()
    yield api
    await api.stop()
