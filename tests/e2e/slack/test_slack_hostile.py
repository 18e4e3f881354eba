"""Hostile and malformed requests to the real Slack HTTP endpoint: refused before parsing.

Never a 5xx, never a traceback, and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.parse

import pytest
from sqlalchemy import func, select

from bot import actions
from bot.store.models import User
from bot.usecases.context import Core
from tests.e2e.slack.slack_stand_ins import SlackHttpApp, SlackStandIn, block_actions, command_body, form, signed


def payload(value: object) -> str:
    """A `payload=` form field holding `value` as JSON."""
    return "payload=" + urllib.parse.quote(json.dumps(value))


SIGNED_BUT_MALFORMED = {
    "payload not JSON": "payload=%7Bnot+json",
    "payload null": "payload=null",
    "payload a number": "payload=12",
    "payload a string": "payload=%22hi%22",
    "payload an array": "payload=%5B1%2C2%5D",
    "payload empty": "payload=",
    "payload twice": "payload=%7B%7D&payload=%7B%7D",
    "payload 30,000 arrays deep": "payload=" + urllib.parse.quote("[" * 30_000 + "]" * 30_000),
    "block_actions without actions": payload({"type": "block_actions", "actions": []}),
    "an action without action_id": payload({"type": "block_actions", "actions": [{"value": "x"}]}),
    "an action_id that is not text": payload({"type": "block_actions", "actions": [{"action_id": 7}]}),
    "an action that is empty": payload({"type": "block_actions", "actions": [{}]}),
    "payload an empty object": "payload=%7B%7D",
    "payload of another type": payload({"type": "view_submission"}),
    "neither command nor payload": "hello=world",
}


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record of the test, at INFO and up."""
    caplog.set_level(logging.INFO)
    return caplog


def no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing in the log carries a traceback, and no line is long."""
    assert all(r.exc_info is None for r in caplog.records), [r.getMessage() for r in caplog.records if r.exc_info]
    assert all(len(r.getMessage()) < 300 for r in caplog.records)


async def still_serving(slack_http: SlackHttpApp, slack_api: SlackStandIn) -> None:
    """A genuine command right after is acked and answered."""
    status, _ = await slack_http.command("help", slack_api.response_url("after"))
    assert status == 200
    await slack_api.response("after")


@pytest.mark.parametrize("body", SIGNED_BUT_MALFORMED.values(), ids=SIGNED_BUT_MALFORMED.keys())
async def test_signed_but_malformed_bodies_get_400(
    slack_http: SlackHttpApp, slack_api: SlackStandIn, logged: pytest.LogCaptureFixture, body: str
) -> None:
    """A signed body that is no Slack request is a 400 with one short log line."""
    status, _ = await slack_http.send(body, signed(body))
    assert status == 400
    no_traceback(logged)
    await still_serving(slack_http, slack_api)


@pytest.mark.parametrize("timestamp", ["abc", "", "1.5e9", "-5", "9" * 40])
async def test_unusable_timestamps_get_401(
    slack_http: SlackHttpApp, slack_api: SlackStandIn, logged: pytest.LogCaptureFixture, timestamp: str
) -> None:
    """A timestamp that is no whole number of seconds is refused as unsigned, before anything is parsed."""
    body = "payload=%7Bnot+json"
    headers = signed(body) | {"X-Slack-Request-Timestamp": timestamp}
    status, _ = await slack_http.send(body, headers)
    assert status == 401
    no_traceback(logged)


async def test_an_unsigned_malformed_body_is_401_not_400(slack_http: SlackHttpApp) -> None:
    """The signature is checked before the body is looked at."""
    status, _ = await slack_http.send("payload=%7Bnot+json", {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 401


async def test_a_form_sent_as_json_gets_400(slack_http: SlackHttpApp, slack_api: SlackStandIn) -> None:
    """A slash command's form body labelled application/json is refused."""
    body = form(command_body("quiz", slack_api.response_url("x")))
    status, _ = await slack_http.send(body, signed(body) | {"Content-Type": "application/json"})
    assert status == 400


async def test_a_utf16_body_gets_400(slack_http: SlackHttpApp, slack_api: SlackStandIn) -> None:
    """Slack sends UTF-8; another charset is refused."""
    body = form(command_body("quiz", slack_api.response_url("x")))
    headers = signed(body) | {"Content-Type": "application/x-www-form-urlencoded; charset=utf-16"}
    status, _ = await slack_http.send(body, headers)
    assert status == 400


async def test_forged_requests_are_logged_short_and_rate_limited(
    slack_http: SlackHttpApp, slack_api: SlackStandIn, logged: pytest.LogCaptureFixture
) -> None:
    """Five large forged requests leave one short line, and no body or response_url in the log."""
    secret_url = slack_api.response_url("do-not-log")
    body = form(command_body("quiz " + "x" * 500_000, secret_url))
    for _ in range(5):
        status, _ = await slack_http.send(body, signed(body, secret="forged"))
        assert status == 401
    lines = [r.getMessage() for r in logged.records if "refused" in r.getMessage()]
    assert lines == ["refused a Slack request with HTTP 401: bad signature"]
    assert not any("do-not-log" in r.getMessage() or "xxxx" in r.getMessage() for r in logged.records)


async def test_stale_but_validly_signed_is_named_stale(
    slack_http: SlackHttpApp, slack_api: SlackStandIn, logged: pytest.LogCaptureFixture
) -> None:
    """The log says why: a replayed old request is "stale", not a bad signature."""
    body = form(command_body("quiz", slack_api.response_url("x")))
    status, _ = await slack_http.send(body, signed(body, timestamp=int(time.time()) - 600))
    assert status == 401
    assert any(r.getMessage().endswith("stale timestamp") for r in logged.records)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The adapter's warning lines."""
    return [r.getMessage() for r in caplog.records if r.name == "adapters.slack.app" and r.levelno == logging.WARNING]


async def nothing_recorded(core: Core) -> None:
    """No learner was created: the request was not served."""
    async with core.unit_of_work() as uow:
        assert await uow.answers.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    ("change", "missing"),
    [({"user_id": None}, "user_id"), ({"user_id": "U" * 65}, "user_id"), ({"team_id": None}, "team_id")],
    ids=["no user_id", "user_id too long", "no team_id"],
)
async def test_a_command_without_who_sent_it_is_ignored_with_one_warning(
    slack_http: SlackHttpApp, slack_api: SlackStandIn, logged: pytest.LogCaptureFixture, core: Core,
    change: dict[str, str | None], missing: str,
) -> None:
    """A signed /study lacking (or with an impossible) user or team is acked, ignored and logged once."""
    fields = {k: v for k, v in (command_body("quiz", slack_api.response_url("x")) | change).items() if v is not None}
    body = form(fields)
    status, _ = await slack_http.send(body, signed(body))
    assert status == 200
    await asyncio.sleep(0.2)
    assert warnings_of(logged) == [f"ignored a /study command that Slack would not send ({missing})"]
    no_traceback(logged)
    await nothing_recorded(core)


async def test_a_button_press_whose_user_is_a_string_is_ignored_with_one_warning(
    slack_http: SlackHttpApp, slack_api: SlackStandIn, logged: pytest.LogCaptureFixture, core: Core
) -> None:
    """`"user": "U0LEARNER"` instead of an object is not a press Slack sends."""
    press = block_actions(actions.NextQuiz().encode(), slack_api.response_url("x"), action_ts="1700000001.000001")
    press["user"] = "U0LEARNER"
    body = payload(press)
    status, _ = await slack_http.send(body, signed(body))
    assert status == 200
    await asyncio.sleep(0.2)
    assert warnings_of(logged) == ["ignored a button press that Slack would not send (user)"]
    no_traceback(logged)
    await nothing_recorded(core)


async def test_app_home_opened_without_a_user_is_ignored_with_one_warning(
    slack_http: SlackHttpApp, slack_api: SlackStandIn, logged: pytest.LogCaptureFixture
) -> None:
    """An app_home_opened event with no user publishes nothing and logs one line."""
    status, _ = await slack_http.event({"type": "app_home_opened", "tab": "home", "event_ts": "1700000008.000002"})
    assert status == 200
    await asyncio.sleep(0.2)
    assert warnings_of(logged) == ["ignored an app_home_opened event that Slack would not send (user)"]
    assert slack_api.calls_of("views.publish") == []
    no_traceback(logged)
