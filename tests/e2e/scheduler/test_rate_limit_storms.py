"""Daily drops through the real Slack and Discord posters while the platforms answer 429s."""

from __future__ import annotations

from collections import Counter

import aiohttp
from sqlalchemy import select

from adapters.discord.config import apply
from adapters.slack.config import web_client
from adapters.slack.poster import SlackPoster
from bot.settings import DiscordSettings
from bot.store.models import Channel
from bot.usecases.context import Core
from bot.usecases.drops import Drops
from scheduler.fanout import DropRunner
from tests.e2e.discord.discord_standin import DELETED_CHANNEL_ID, TOKEN, StandIn
from tests.e2e.discord.rest_poster import open_poster
from tests.e2e.scheduler.conftest import set_up_channels
from tests.e2e.slack.slack_stand_ins import BOT_TOKEN, Failure, SlackStandIn


async def test_slack_429_storm_every_channel_once(core: Core, slack_api: SlackStandIn) -> None:
    """Ten 429s in a row from chat.postMessage: all 10 channels still get exactly one drop."""
    channels = [f"C{n:08d}" for n in range(10)]
    clock = await set_up_channels(core, "slack", channels)
    for _ in range(10):
        slack_api.fail_next("chat.postMessage", Failure(status=429, retry_after=0))
    async with aiohttp.ClientSession() as session:
        poster = SlackPoster(web_client(BOT_TOKEN, slack_api.api_url, session))
        runner = DropRunner(Drops(core, "w"), {"slack": poster}, clock=clock, backoff=0.01)
        outcomes = Counter(o.outcome for o in await runner.run_due())
    assert outcomes == {"sent": 10}
    posted = Counter(c.params["channel"] for c in slack_api.calls_of("chat.postMessage") if c.status == 200)
    assert posted == dict.fromkeys(channels, 1)


async def test_discord_429_storm_and_a_deleted_channel(core: Core, discord_api: StandIn) -> None:
    """Twelve 429s and one deleted channel: 10 channels get one drop each, the deleted one is marked failed."""
    channels = [str(1300000000000000000 + n) for n in range(10)]
    clock = await set_up_channels(core, "discord", [*channels, str(DELETED_CHANNEL_ID)])
    discord_api.rate_limit_posts = 12
    apply(DiscordSettings(api_url=discord_api.api_url))
    async with open_poster(TOKEN) as poster:
        runner = DropRunner(Drops(core, "w"), {"discord": poster}, clock=clock, backoff=0.01)
        outcomes = Counter(o.outcome for o in await runner.run_due())
    assert outcomes == {"sent": 10, "failed": 1}
    assert Counter(str(p["channel_id"]) for p in discord_api.channel_posts) == dict.fromkeys(channels, 1)
    async with core.unit_of_work() as uow:
        deleted = await uow.channels.session.scalar(
            select(Channel).where(Channel.external_id == str(DELETED_CHANNEL_ID))
        )
    assert deleted is not None
    assert deleted.last_error is not None
    assert "deleted" in deleted.last_error
