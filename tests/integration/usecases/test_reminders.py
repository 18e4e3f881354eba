"""`/study remind`: setting, showing and stopping a reminder, and the buttons of a direct message."""

from __future__ import annotations

from dataclasses import replace

from bot import actions
from bot.app import StudyBot
from bot.usecases.context import Core
from tests.conftest import Clock, make_actor


async def test_without_a_time_it_says_no_reminder_is_set(studybot: StudyBot) -> None:
    """A learner with no reminder is told how to set one."""
    reply = await studybot.dispatch(make_actor("ada"), "/study remind")
    assert reply.title == "⏰ No reminder set"
    assert "/study remind HH:MM" in reply.body


async def test_a_reminder_is_set_in_the_learners_timezone(studybot: StudyBot, clock: Clock) -> None:
    """18:30 in the learner's own timezone, shown back, with the first day."""
    ada = make_actor("ada")
    await studybot.dispatch(ada, "/study timezone America/New_York")
    reply = await studybot.dispatch(ada, "/study remind 18:30")
    assert reply.title == "⏰ Reminder set for 18:30 America/New_York"
    assert "first on Wed 25 Nov" in reply.body  # noon UTC is 07:00 in New York
    assert (await studybot.dispatch(ada, "/study remind")).title == "⏰ Reminder at 18:30 America/New_York"


async def test_a_time_that_is_no_time_is_refused_kindly(studybot: StudyBot) -> None:
    """25:00 gets the usage, not a traceback."""
    reply = await studybot.dispatch(make_actor("ada"), "/study remind 25:00")
    assert reply.title == "“25:00” is not a time"
    assert "/study remind off" in reply.body


async def test_off_without_a_reminder_says_there_is_nothing_to_stop(studybot: StudyBot) -> None:
    """`/study remind off` with no reminder is answered plainly."""
    assert (await studybot.dispatch(make_actor("ada"), "/study remind off")).title == "⏰ You have no reminder"


async def test_remind_later_is_refused_when_the_day_ends_first(studybot: StudyBot, clock: Clock) -> None:
    """At 23:00 a two-hour snooze would fall tomorrow: the learner is told so."""
    ada = make_actor("ada")
    await studybot.dispatch(ada, "/study remind 18:00")
    clock.advance(hours=11)  # 23:00 UTC
    reply = await studybot.click(ada, actions.RemindLater().encode(), "later-1")
    assert reply.title == "⏰ Too late for today"


async def test_a_click_in_a_direct_message_acts_in_the_learners_workspace(core: Core, studybot: StudyBot) -> None:
    """A DM click (no workspace, as on Discord) stops the reminder the learner set in their server."""
    await studybot.dispatch(make_actor("ada", "guild-1", platform="discord"), "/study remind 18:00")
    in_dm = make_actor("ada", "dm-ada", platform="discord")
    reply = await studybot.click(replace(in_dm, direct=True), actions.StopReminders().encode(), "stop-1")
    assert reply.title == "⏰ Reminders stopped"
    shown = await studybot.dispatch(make_actor("ada", "guild-1", platform="discord"), "/study remind")
    assert shown.title == "⏰ No reminder set"
