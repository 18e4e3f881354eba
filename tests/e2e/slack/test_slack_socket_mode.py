"""Socket Mode end to end: the real slack_sdk aiohttp client against a local websocket stand-in."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import actions
from bot.app import StudyBot
from bot.bootstrap import wire
from bot.content.models import Course
from bot.store.models import Answer
from bot.usecases.context import Core
from tests.e2e.slack.slack_stand_ins import (
    APP_TOKEN,
    BOT_TOKEN,
    LEARNER,
    SlackStandIn,
    block_actions,
    buttons_of,
    command_body,
    serve,
    slack_settings,
    stop,
    text_of,
)


@pytest.fixture
async def socket_mode(slack_env: None, slack_api: SlackStandIn, engine: AsyncEngine,
                      studybot: StudyBot) -> AsyncIterator[SlackStandIn]:
    """The bot's real runner in Socket Mode (SLACK_APP_TOKEN set), connected to the stand-in."""
    runtime = wire(slack_settings(app_token=APP_TOKEN), engine, studybot)
    task = await serve(runtime)
    try:
        await slack_api.wait_until(lambda: bool(slack_api.calls_of("apps.connections.open")))
        await slack_api.wait_until(lambda: runtime.health.connected.get("slack") is True)
        yield slack_api
    finally:
        with contextlib.suppress(Exception):
            await stop(task)


def is_right(value: str, course: Course) -> bool:
    """Whether the button id `value` answers its quiz question rightly."""
    action = actions.decode(value)
    return isinstance(action, actions.Answer) and action.choice == course.quiz_by_id[action.question_id].answer


async def test_quiz_round_trip_over_socket_mode(socket_mode: SlackStandIn, course: Course, core: Core) -> None:
    """A slash command and a click arrive as envelopes, are acked on the socket and answered privately."""
    api = socket_mode
    await api.send_envelope({"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
                             "payload": command_body("quiz", api.response_url("q"))})
    await api.wait_until(lambda: any(a.get("envelope_id") == "env-1" for a in api.socket_acks))
    question = await api.response("q")
    assert question["response_type"] == "ephemeral"
    right = next(b for b in buttons_of(question) if is_right(b["value"], course))
    await api.send_envelope({"envelope_id": "env-2", "type": "interactive", "accepts_response_payload": False,
                             "payload": block_actions(right["value"], api.response_url("fb"),
                                                      action_ts="1700000100.000001")})
    await api.wait_until(lambda: any(a.get("envelope_id") == "env-2" for a in api.socket_acks))
    assert "Correct" in text_of(await api.response("fb"))
    async with core.unit_of_work() as uow:
        stored = (await uow.answers.session.scalars(select(Answer))).all()
    assert [(a.correct, a.delivery_key) for a in stored] == [(True, f"slack:1700000100.000001:{LEARNER}")]


async def test_socket_mode_uses_the_app_token_and_api_url(socket_mode: SlackStandIn) -> None:
    """The websocket URL comes from apps.connections.open on SLACK_API_URL, authorised by the app token."""
    await socket_mode.send_envelope({"envelope_id": "env-3", "type": "slash_commands",
                                     "accepts_response_payload": True,
                                     "payload": command_body("help", socket_mode.response_url("h"))})
    await socket_mode.response("h")
    assert [c.token for c in socket_mode.calls_of("apps.connections.open")] == [APP_TOKEN]
    assert {c.token for c in socket_mode.calls_of("users.info")} == {BOT_TOKEN}
