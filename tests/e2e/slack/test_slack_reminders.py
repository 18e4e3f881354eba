"""Reminders end to end on Slack: `/study remind`, chat.postMessage to the learner's id, the buttons, closed DMs."""

from __future__ import annotations

import pytest

from adapters.slack.config import web_client
from adapters.slack.poster import SlackPoster
from bot.usecases.context import Core
from bot.usecases.reminder_sends import Reminders
from scheduler.fanout import ReminderRunner
from tests.conftest import Clock
from tests.e2e.slack.slack_stand_ins import (
    BOT_TOKEN,
    LEARNER,
    SlackHttpApp,
    SlackStandIn,
    buttons_of,
    dm_channel,
    text_of,
)
from tests.integration.scheduler.conftest import at


async def set_reminder(app: SlackHttpApp, api: SlackStandIn, clock: Clock) -> None:
    """The learner (Europe/Berlin in their Slack profile) asks for a reminder at 18:00, at noon."""
    at(clock, "Europe/Berlin", 2026, 11, 25, 12, 0)
    await app.command("remind 18:00", api.response_url("set"))
    assert "Reminder set for 18:00 Europe/Berlin" in text_of(await api.response("set"))


def runner(api: SlackStandIn, core: Core, clock: Clock) -> ReminderRunner:
    """A reminder runner with the real Slack poster, talking to the stand-in."""
    poster = SlackPoster(web_client(BOT_TOKEN, api.api_url))
    return ReminderRunner(Reminders(core, "e2e"), {"slack": poster}, clock=clock, backoff=0.0)


async def test_reminder_is_posted_into_the_dm_with_its_buttons(
    slack_http: SlackHttpApp, slack_api: SlackStandIn, core: Core, clock: Clock
) -> None:
    """At 18:00 Berlin: one chat.postMessage to the learner's id, which lands in the DM, with three buttons."""
    await set_reminder(slack_http, slack_api, clock)
    at(clock, "Europe/Berlin", 2026, 11, 25, 18, 0)
    [outcome] = await runner(slack_api, core, clock).run_due()
    assert outcome.outcome == "sent"
    assert slack_api.calls_of("conversations.open") == []
    [posted] = slack_api.posted_in(dm_channel(LEARNER))
    assert posted.params["channel"] == LEARNER
    assert "Time for today's study" in text_of(posted.params)
    labels = [b["text"]["text"] for b in buttons_of(posted.params)]
    assert labels == ["Quiz me", "Remind me later today", "Stop reminders"]


async def test_the_dms_buttons_snooze_and_stop(
    slack_http: SlackHttpApp, slack_api: SlackStandIn, core: Core, clock: Clock
) -> None:
    """**Remind me later today** snoozes once; **Stop reminders** stops the next day's."""
    await set_reminder(slack_http, slack_api, clock)
    at(clock, "Europe/Berlin", 2026, 11, 25, 18, 0)
    await runner(slack_api, core, clock).run_due()
    [posted] = slack_api.posted_in(dm_channel(LEARNER))
    values = {b["text"]["text"]: b["value"] for b in buttons_of(posted.params)}
    await slack_http.click(values["Remind me later today"], slack_api.response_url("later"),
                           action_ts="1700000011.000001", channel=dm_channel(LEARNER))
    assert "I'll remind you later" in text_of(await slack_api.response("later"))
    await slack_http.click(values["Stop reminders"], slack_api.response_url("stop"),
                           action_ts="1700000011.000002", channel=dm_channel(LEARNER))
    assert "Reminders stopped" in text_of(await slack_api.response("stop"))
    at(clock, "Europe/Berlin", 2026, 11, 26, 18, 0)
    assert await runner(slack_api, core, clock).run_due() == []


@pytest.mark.parametrize("error", ["cannot_dm_bot", "messages_tab_disabled"])
async def test_closed_dms_switch_reminders_off_and_the_next_command_tells(
    slack_http: SlackHttpApp, slack_api: SlackStandIn, core: Core, clock: Clock, error: str
) -> None:
    """Slack refuses the DM: reminders go off, and the learner's next command starts with why, once."""
    await set_reminder(slack_http, slack_api, clock)
    slack_api.dms_closed[LEARNER] = error
    at(clock, "Europe/Berlin", 2026, 11, 25, 18, 0)
    [outcome] = await runner(slack_api, core, clock).run_due()
    assert outcome.outcome == "failed"
    assert error in (outcome.error or "")
    await slack_http.command("streak", slack_api.response_url("s1"))
    assert "Your reminders are switched off" in text_of(await slack_api.response("s1"))
    await slack_http.command("streak", slack_api.response_url("s2"))
    assert "Your reminders are switched off" not in text_of(await slack_api.response("s2"))
