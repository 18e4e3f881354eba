"""Daily drops through the real Slack and Discord posters while the platforms answer 429s."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import select

from adapters.discord.config import DiscordConfig
from adapters.discord.poster import open_poster
from adapters.slack.config import web_client
from adapters.slack.poster import SlackPoster
from bot.app import StudyBot
from bot.store.models import Channel
from bot.usecases.context import Core
from bot.usecases.drops import Drops
from scheduler.runner import DropRunner
from tests.conftest import Clock, make_actor
from tests.e2e.discord.discord_standin import DELETED_CHANNEL_ID, TOKEN, StandIn
from tests.e2e.slack.slack_stand_ins import BOT_TOKEN, Failure, SlackStandIn

SET_UP = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


async def set_up_channels(core: Core, platform: str, channel_ids: list[str]) -> None:
    core.clock = Clock(SET_UP)
    admin = make_actor("owner", "ws-1", platform=platform, admin=True)
    for channel_id in channel_ids:
        reply = await StudyBot(core).dispatch(admin, f"/study setup <#{channel_id}> 09:00 UTC")
        assert reply.title == "Daily drop set up ✅"
    core.clock = Clock(DUE)


@pytest.fixture
async def slack_api() -> AsyncIterator[SlackStandIn]:
    api = SlackStandIn()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def discord_api() -> AsyncIterator[StandIn]:
    api = StandIn()
    await api.start()
    yield api
    await api.stop()


async def test_slack_429_storm_every_channel_once(core: Core, slack_api: SlackStandIn) -> None:
    """Ten 429s in a row from chat.postMessage: all 10 channels still get exactly one drop."""
    channels = [f"C{n:08d}" for n in range(10)]
    await set_up_channels(core, "slack", channels)
    for _ in range(10):
        slack_api.fail_next("chat.postMessage", Failure(status=429, retry_after=0))
    async with aiohttp.ClientSession() as session:
        poster = SlackPoster(web_client(BOT_TOKEN, slack_api.api_url, session))
        runner = DropRunner(Drops(core, "w"), {"slack": poster}, clock=core.clock, backoff=0.01)
        outcomes = Counter(o.outcome for o in await runner.run_due())
    assert outcomes == {"sent": 10}
    posted = Counter(c.params["channel"] for c in slack_api.calls_of("chat.postMessage") if c.status == 200)
    assert posted == dict.fromkeys(channels, 1)


async def test_discord_429_storm_and_a_deleted_channel(core: Core, discord_api: StandIn) -> None:
    """Twelve 429s and one deleted channel: 10 channels get one drop each, the deleted one is marked failed."""
    channels = [str(1300000000000000000 + n) for n in range(10)]
    await set_up_channels(core, "discord", [*channels, str(DELETED_CHANNEL_ID)])
    discord_api.rate_limit_posts = 12
    DiscordConfig.from_env({"DISCORD_API_URL": discord_api.api_url}).apply()
    async with open_poster(TOKEN) as poster:
        runner = DropRunner(Drops(core, "w"), {"discord": poster}, clock=core.clock, backoff=0.01)
        outcomes = Counter(o.outcome for o in await runner.run_due())
    assert outcomes == {"sent": 10, "failed": 1}
    assert Counter(str(p["channel_id"]) for p in discord_api.channel_posts) == dict.fromkeys(channels, 1)
    async with core.unit_of_work() as repo:
        deleted = await repo.session.scalar(select(Channel).where(Channel.external_id == str(DELETED_CHANNEL_ID)))
    assert deleted is not None
    assert deleted.last_error is not None
    assert "deleted" in deleted.last_error
