"""`GET /healthz` on the Slack HTTP port tells a load balancer whether this replica can serve Slack."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import MAX_COMMAND_CHARS, StudyBot
from bot.bootstrap import wire
from bot.store.db import create_engine
from tests.e2e.slack.slack_stand_ins import (
    SlackHttpApp,
    SlackStandIn,
    command_body,
    form,
    http_settings,
    running_http,
    signed,
)


async def test_healthz_on_the_slack_port_reports_the_database(
    slack_env: None, engine: AsyncEngine, studybot: StudyBot
) -> None:
    """200 with the database and Slack up; 503 naming the database once it cannot be reached."""
    runtime = wire(http_settings(), engine, studybot)
    async with running_http(runtime) as app:
        health = app.url.replace("/slack/events", "/healthz")
        async with app.session.get(health) as response:
            assert response.status == 200
            assert await response.json() == {"status": "ok", "database": "ok", "adapters": {"slack": "connected"}}
        runtime.health.engine = create_engine("postgresql://nobody@127.0.0.1:1/none")
        try:
            async with app.session.get(health) as response:
                report = await response.json()
                assert response.status == 503
        finally:
            await runtime.health.engine.dispose()
            runtime.health.engine = engine
    assert str(report["database"]).startswith("unreachable")
    assert report["status"] == "unhealthy"


async def test_healthz_answers_while_the_largest_requests_are_handled(
    slack_http: SlackHttpApp, slack_api: SlackStandIn
) -> None:
    """/healthz answers at once while a 2,000-character command and a signed 1 MB one are handled.

    A generous 1 s bound here; `python -m bench.slack_ack --during-heavy` measures it. Both heavy
    commands are acked and answered.
    """
    longest = form(command_body("lesson " + "x" * (MAX_COMMAND_CHARS - len("/study lesson ")),
                                slack_api.response_url("longest")))
    base = form(command_body("lesson ", slack_api.response_url("huge")))
    huge = base.replace("text=lesson+", "text=lesson+" + "x" * (1_000_000 - len(base)), 1)
    heavy = [asyncio.create_task(slack_http.send(body, signed(body))) for body in (longest, huge)]
    started = time.perf_counter()
    async with slack_http.session.get(slack_http.url.replace("/slack/events", "/healthz")) as response:
        status = response.status
    elapsed = time.perf_counter() - started
    acks = [code for code, _text in await asyncio.gather(*heavy)]
    answers = [await slack_api.response(name) for name in ("longest", "huge")]
    assert (status, acks) == (200, [200, 200])
    assert elapsed < 1.0
    assert answers[0]["text"].startswith("No topic called")  # looked up: the longest command there is
    assert answers[1]["text"].startswith("That command is too long")
