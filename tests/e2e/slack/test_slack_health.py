"""`GET /healthz` on the Slack HTTP port tells a load balancer whether this replica can serve Slack."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import StudyBot
from bot.bootstrap import wire
from bot.store.db import create_engine
from tests.e2e.slack.slack_stand_ins import http_settings, running_http


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
