"""A request is handled before it is acked, or kept in the database until it is answered.

A request a stopped process acknowledged is finished by the next one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack import app as slack_app
from adapters.slack.app import Kept
from adapters.slack.payloads import ButtonPress
from bot.app import StudyBot
from bot.bootstrap import wire
from bot.content.models import Course
from bot.messages import Message
from bot.store.db import create_engine, session_factory
from bot.store.models import UnfinishedReply
from bot.store.unfinished import UnfinishedStore
from bot.unfinished import UnfinishedWork
from bot.usecases.context import Actor, Core
from tests.e2e.slack.slack_stand_ins import LEARNER, SlackStandIn, block_actions, http_settings, running_http, text_of
from tests.e2e.slack.test_slack_http import answer_button, answers, ask_quiz

SLOW_S = 0.4


class SlowBot(StudyBot):
    """A core whose clicks take longer than the adapter waits before acking."""

    async def click(self, actor: Actor, action_id: str, delivery_key: str) -> Message:
        """Answer after a pause."""
        await asyncio.sleep(SLOW_S)
        return await super().click(actor, action_id, delivery_key)


async def kept_requests(core: Core) -> int:
    """How many requests the database keeps."""
    async with core.unit_of_work() as uow:
        return int(await uow.answers.session.scalar(select(func.count()).select_from(UnfinishedReply)) or 0)


async def test_a_fast_click_is_recorded_before_the_ack(
        slack_env: None, slack_api: SlackStandIn, engine: AsyncEngine, core: Core, course: Course) -> None:
    """When Slack hears "ok", the answer is already in the database, and nothing needed keeping."""
    async with running_http(wire(http_settings(), engine, StudyBot(core))) as slack_http:
        button = answer_button(await ask_quiz(slack_http, slack_api), course, correct=True)
        status, _ = await slack_http.click(button["value"], slack_api.response_url("fb"), action_ts="1700000001.1")
        assert status == 200
        assert [a.delivery_key for a in await answers(core)] == [f"slack:1700000001.1:{LEARNER}"]
        await slack_api.response("fb")
    assert await kept_requests(core) == 0


async def test_a_slow_click_is_acked_in_time_kept_then_answered(
        slack_env: None, slack_api: SlackStandIn, engine: AsyncEngine, core: Core, course: Course,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Slower than the ack budget: acked on time, kept meanwhile, answered, then no longer kept."""
    monkeypatch.setattr(slack_app, "ACK_WITHIN_S", 0.05)
    async with running_http(wire(http_settings(), engine, SlowBot(core))) as slack_http:
        button = answer_button(await ask_quiz(slack_http, slack_api), course, correct=True)
        began = time.monotonic()
        status, _ = await slack_http.click(button["value"], slack_api.response_url("fb"), action_ts="1700000002.1")
        acked_after = time.monotonic() - began
        assert status == 200
        assert acked_after < SLOW_S
        assert await kept_requests(core) == 1
        assert "Correct" in text_of(await slack_api.response("fb"))
    assert await kept_requests(core) == 0
    assert len(await answers(core)) == 1


async def test_a_click_a_stopped_process_acknowledged_is_finished_at_start(
        slack_env: None, slack_api: SlackStandIn, engine: AsyncEngine, core: Core, course: Course) -> None:
    """The kept click of a process that died is recorded once and answered by the next process."""
    async with running_http(wire(http_settings(), engine, StudyBot(core))) as slack_http:
        button = answer_button(await ask_quiz(slack_http, slack_api), course, correct=True)
    press = ButtonPress.model_validate(
        block_actions(button["value"], slack_api.response_url("late"), action_ts="1700000003.1"))
    dead = UnfinishedStore(session_factory(engine), taken_for=dt.timedelta(milliseconds=1))
    await dead.keep("slack", f"slack:1700000003.1:{LEARNER}", Kept(press=press).model_dump_json(),
                    dt.timedelta(minutes=30))
    await asyncio.sleep(0.01)
    async with running_http(wire(http_settings(), engine, StudyBot(core))):
        assert "Correct" in text_of(await slack_api.response("late"))
    assert [a.delivery_key for a in await answers(core)] == [f"slack:1700000003.1:{LEARNER}"]
    assert await kept_requests(core) == 0


async def test_a_slow_click_that_cannot_be_kept_is_acked_when_done(
        slack_env: None, slack_api: SlackStandIn, engine: AsyncEngine, core: Core, course: Course,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With nowhere to keep it, the ack waits for the work: what Slack hears "ok" for is recorded."""
    monkeypatch.setattr(slack_app, "ACK_WITHIN_S", 0.05)
    runtime = wire(http_settings(), engine, SlowBot(core))
    unreachable = create_engine(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    runtime.unfinished = UnfinishedWork(UnfinishedStore(session_factory(unreachable)))
    try:
        async with running_http(runtime) as slack_http:
            button = answer_button(await ask_quiz(slack_http, slack_api), course, correct=True)
            began = time.monotonic()
            status, _ = await slack_http.click(button["value"], slack_api.response_url("fb"),
                                               action_ts="1700000004.1")
            assert status == 200
            assert time.monotonic() - began >= SLOW_S
            assert len(await answers(core)) == 1
    finally:
        await unreachable.dispose()
