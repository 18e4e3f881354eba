"""Fixtures for the Slack end-to-end tests: the Web API stand-in and the bot served over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import StudyBot
from bot.bootstrap import wire
from tests.e2e.slack.slack_stand_ins import (
    ADMIN,
    LEARNER,
    LISTED_ADMIN,
    OTHER,
    SlackHttpApp,
    SlackStandIn,
    http_settings,
    running_http,
    slack_user,
)

SLACK_ENV = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_HTTP_PORT", "STUDYBOT_ADMINS")


@pytest.fixture
async def slack_api() -> AsyncIterator[SlackStandIn]:
    """The Slack Web API stand-in with four users (one workspace admin, one listed admin)."""
    api = SlackStandIn(users={
        LEARNER: slack_user(LEARNER),
        OTHER: slack_user(OTHER, tz="America/New_York"),
        ADMIN: slack_user(ADMIN, admin=True),
        LISTED_ADMIN: slack_user(LISTED_ADMIN),
    })
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
def slack_env(slack_api: SlackStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the adapter at the stand-in and keep the real environment out."""
    for name in SLACK_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_API_URL", slack_api.api_url)
    monkeypatch.setenv("SLACK_HTTP_HOST", "127.0.0.1")


@pytest.fixture
async def slack_http(slack_env: None, engine: AsyncEngine, studybot: StudyBot) -> AsyncIterator[SlackHttpApp]:
    """The bot's real HTTP mode (`runner.run`) on a loopback port, and a client sending it signed requests."""
    async with running_http(wire(http_settings(), engine, studybot)) as app:
        yield app
