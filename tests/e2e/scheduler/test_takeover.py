"""Taking over a drop whose process died after posting: the earlier post is found, not repeated."""

from __future__ import annotations

import asyncio
import datetime as dt

import aiohttp
from sqlalchemy import select

from adapters.slack.config import web_client
from adapters.slack.poster import SlackPoster
from bot.store.models import DailyDrop
from bot.usecases.context import Core
from bot.usecases.drops import Drops
from scheduler.fanout import DropRunner, idempotency_key
from tests.e2e.scheduler.conftest import set_up_channels
from tests.e2e.slack.slack_stand_ins import BOT_TOKEN, SlackStandIn

LEASE = dt.timedelta(seconds=0.5)


async def test_slack_drop_posted_before_a_crash_is_not_posted_again(core: Core, slack_api: SlackStandIn) -> None:
    """The dead process posted but never recorded it; the survivor finds the post by its key."""
    clock = await set_up_channels(core, "slack", ["C0001"])
    async with aiohttp.ClientSession() as session:
        dead = Drops(core, "dead")
        [due] = await dead.due(clock.now)
        claim = await dead.claim(due)
        assert claim is not None
        first = await SlackPoster(web_client(BOT_TOKEN, slack_api.api_url, session)).post(
            "C0001", await dead.message(due, claim), idempotency_key(claim)
        )  # ...and the process dies before recording it
        await asyncio.sleep(LEASE.total_seconds() + 0.1)  # the lease runs on the database's clock
        survivor = DropRunner(Drops(core, "survivor", lease=LEASE), {"slack": SlackPoster(web_client(
            BOT_TOKEN, slack_api.api_url, session))}, clock=clock)
        [outcome] = await survivor.run_due()
    assert outcome.outcome == "sent"
    assert outcome.message_id == first
    assert len(slack_api.calls_of("chat.postMessage")) == 1
    async with core.unit_of_work() as uow:
        drop = await uow.answers.session.scalar(select(DailyDrop))
    assert drop is not None
    assert (drop.status, drop.message_id) == ("sent", first)


async def test_slack_drop_not_posted_before_a_crash_is_posted_once(core: Core, slack_api: SlackStandIn) -> None:
    """The dead process claimed but never posted; the survivor posts it once."""
    clock = await set_up_channels(core, "slack", ["C0001"])
    dead = Drops(core, "dead")
    [due] = await dead.due(clock.now)
    assert await dead.claim(due) is not None
    await asyncio.sleep(LEASE.total_seconds() + 0.1)  # the lease runs on the database's clock
    async with aiohttp.ClientSession() as session:
        survivor = DropRunner(Drops(core, "survivor", lease=LEASE), {"slack": SlackPoster(web_client(
            BOT_TOKEN, slack_api.api_url, session))}, clock=clock)
        [outcome] = await survivor.run_due()
    assert outcome.outcome == "sent"
    assert len(slack_api.calls_of("chat.postMessage")) == 1
    assert len(slack_api.calls_of("conversations.history")) == 1
