"""End to end on Slack: pictures (the team chart, the progress card) uploaded to the asker's DM."""

from __future__ import annotations

import io

from PIL import Image

from bot.content.models import Course
from tests.e2e.slack.slack_stand_ins import ADMIN, LEARNER, SlackHttpApp, SlackStandIn, text_of
from tests.e2e.slack.test_slack_privacy import answer_wrong, command


async def test_team_answers_the_admin_and_sends_the_chart_to_their_dm(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course) -> None:
    """The figures come back privately; the team chart arrives as a PNG in the admin's DM, with alt text."""
    await answer_wrong(slack_http, slack_api, course)
    reply = await command(slack_http, slack_api, "team", "team", user=ADMIN)
    assert reply["response_type"] == "ephemeral"
    text = text_of(reply)
    assert "Active this week: 1 learner" in text
    assert "I sent you team-chart.png in your direct messages" in text
    [png] = slack_api.files_shared_with(f"D{ADMIN[1:]}")
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (900, 760)
    [upload] = slack_api.calls_of("files.getUploadURLExternal")
    assert "recall" in str(upload.params.get("alt_txt", "")).lower()


async def test_team_is_refused_to_a_learner_without_any_upload(
        slack_http: SlackHttpApp, slack_api: SlackStandIn) -> None:
    """A learner who is not an admin gets the admins-only answer and no file."""
    reply = await command(slack_http, slack_api, "team", "team")
    assert "Only admins can do that" in text_of(reply)
    assert slack_api.calls_of("files.getUploadURLExternal") == []


async def test_stats_sends_the_progress_card_to_the_learners_dm(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course) -> None:
    """`/study stats` answers privately with a sparkline, and the progress card arrives in the learner's DM."""
    await answer_wrong(slack_http, slack_api, course)
    reply = await command(slack_http, slack_api, "stats", "stats")
    text = text_of(reply)
    assert "Last 4 weeks" in text
    assert "I sent you progress-card.png in your direct messages" in text
    [png] = slack_api.files_shared_with(f"D{LEARNER[1:]}")
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (900, 640)
