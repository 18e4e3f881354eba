"""End to end on Discord: pictures (the team chart, the progress card) attached to the ephemeral reply."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from bot.content.models import Course
from tests.e2e.discord.discord_standin import ADMIN, MEMBER, StandIn
from tests.e2e.discord.test_discord_privacy import answer_wrong, run


async def test_team_comes_privately_with_its_chart(standin: StandIn, client: Any, course: Course) -> None:
    """The reply is ephemeral and carries the team chart as a described PNG."""
    await answer_wrong(standin, course)
    reply = await run(standin, ADMIN, "team")
    assert reply.ephemeral
    assert "Active this week: 1 learner" in reply.text
    [upload] = reply.files
    assert upload.filename == "team-chart.png"
    assert "recall" in (upload.description or "").lower()
    with Image.open(io.BytesIO(upload.data)) as image:
        assert image.size == (900, 760)


async def test_team_is_refused_to_a_member(standin: StandIn, client: Any) -> None:
    """A member without Manage Server gets the admins-only answer and no file."""
    reply = await run(standin, MEMBER, "team")
    assert reply.title == "Only admins can do that"
    assert reply.files == []


async def test_stats_comes_with_the_progress_card(standin: StandIn, client: Any, course: Course) -> None:
    """`/study stats` is ephemeral and carries the learner's progress card, described for screen readers."""
    await answer_wrong(standin, course)
    reply = await run(standin, MEMBER, "stats")
    assert reply.ephemeral
    [upload] = reply.files
    assert upload.filename == "progress-card.png"
    assert "1 answer" in (upload.description or "")
    with Image.open(io.BytesIO(upload.data)) as image:
        assert image.size == (900, 640)
