"""Admin commands against a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import StudyBot
from bot.messages import Kind
from bot.store.models import Channel
from bot.usecases.context import ChannelRef, Core
from tests.conftest import make_actor

ADMIN = make_actor("boss", admin=True)


async def channels(core: Core) -> list[Channel]:
    """Every channel row."""
    async with core.unit_of_work() as uow:
        return list((await uow.answers.session.scalars(select(Channel))).all())


async def test_setup_by_admin_stores_settings_and_echoes_next_drop(studybot: StudyBot, core: Core) -> None:
    """An admin's setup stores time, timezone and weekdays and tells the next drop time."""
    message = await studybot.run(ADMIN, "setup", [ChannelRef("C123", "general"), "09:30", "Europe/Berlin", "mon-fri"])
    assert message.kind is Kind.SCHEDULE
    fields = {f.name: f.value for f in message.fields}
    assert fields["Next drop"] == "Thu 26 Nov 09:30 Europe/Berlin"
    [channel] = await channels(core)
    assert (channel.external_id, channel.name, channel.drop_time) == ("C123", "general", "09:30")
    assert (channel.timezone, channel.weekdays, channel.paused) == ("Europe/Berlin", "mon,tue,wed,thu,fri", False)


async def test_setup_refused_for_non_admin(studybot: StudyBot, core: Core) -> None:
    """A learner's setup is refused politely and nothing is stored."""
    message = await studybot.dispatch(make_actor(), "/study setup C123 09:30 UTC")
    assert message.title == "Only admins can do that"
    assert await channels(core) == []


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("/study setup C1 9.30 UTC", "That time doesn't work"),
        ("/study setup C1 09:30 Mars/Base", "“Mars/Base” is not a timezone"),
        ("/study setup C1 09:30 UTC funday", "Those weekdays don't work"),
        ("/study setup C1", "setup needs a channel, a time and a timezone"),
        ("/study setup !!! 09:30 UTC", "“!!!” is not a channel"),
    ],
)
async def test_setup_rejects_bad_arguments(studybot: StudyBot, core: Core, text: str, title: str) -> None:
    """Each bad argument gets its own friendly message and stores nothing."""
    message = await studybot.dispatch(ADMIN, text)
    assert message.kind is Kind.ERROR
    assert message.title == title
    assert await channels(core) == []


async def test_weekly_board_flag(studybot: StudyBot, core: Core) -> None:
    """`weekly-board on` switches the weekly board on."""
    await studybot.dispatch(ADMIN, "/study setup C1 08:00 UTC weekdays weekly-board on")
    [channel] = await channels(core)
    assert channel.weekly_board is True


async def test_team_report_and_weekly_board_switch_in_any_order(studybot: StudyBot, core: Core) -> None:
    """`team-report on` before or after `weekly-board`, each switch kept as given."""
    message = await studybot.dispatch(ADMIN, "/study setup C1 08:00 UTC mon-fri team-report on weekly-board off")
    [channel] = await channels(core)
    assert (channel.team_report, channel.weekly_board, channel.weekdays) == (True, False, "mon,tue,wed,thu,fri")
    fields = {f.name: f.value for f in message.fields}
    assert (fields["Team report"], fields["Weekly board"]) == ("on", "off")


async def test_rerunning_setup_keeps_the_team_report_and_says_what_changed(studybot: StudyBot, core: Core) -> None:
    """A later setup without the switch keeps it; turning it off is listed as a change."""
    await studybot.dispatch(ADMIN, "/study setup C1 08:00 UTC team-report on")
    kept = await studybot.dispatch(ADMIN, "/study setup C1 08:00 UTC")
    assert {f.name: f.value for f in kept.fields}["Team report"] == "on (kept)"
    changed = await studybot.dispatch(ADMIN, "/study setup C1 08:00 UTC team-report off")
    assert "Changed: team report on → off." in changed.body


async def test_a_switch_without_on_or_off_is_refused(studybot: StudyBot, core: Core) -> None:
    """`team-report maybe` names the switch and what it needs; nothing is stored."""
    message = await studybot.dispatch(ADMIN, "/study setup C1 08:00 UTC team-report maybe")
    assert message.title == "team-report needs on or off"
    assert await channels(core) == []


async def test_pause_and_resume_the_only_channel(studybot: StudyBot, core: Core) -> None:
    """With one scheduled channel, pause and resume act on it from anywhere."""
    await studybot.dispatch(ADMIN, "/study setup C1 08:00 UTC")
    assert (await studybot.dispatch(ADMIN, "/study pause")).title.startswith("Daily drops paused")
    assert (await channels(core))[0].paused is True
    assert (await studybot.dispatch(ADMIN, "/study resume")).title.startswith("Daily drops resumed")
    assert (await channels(core))[0].paused is False


async def test_pause_refused_for_non_admin(studybot: StudyBot, core: Core) -> None:
    """A learner cannot pause the drop."""
    await studybot.dispatch(ADMIN, "/study setup C1 08:00 UTC")
    assert (await studybot.dispatch(make_actor(), "/study pause")).title == "Only admins can do that"
    assert (await channels(core))[0].paused is False


async def test_schedule_lists_channels(studybot: StudyBot) -> None:
    """The schedule shows each channel with its time, days and next topic."""
    await studybot.run(ADMIN, "setup", [ChannelRef("C1", "general"), "08:00", "UTC", "weekends"])
    body = (await studybot.dispatch(ADMIN, "/study schedule")).body
    assert "<#C1|general>" in body  # a channel mention, which each renderer shows its own way
    assert "08:00 UTC, weekends" in body
    assert "next topic: The CLR Deep Dive" in body


async def test_schedule_change_notifies_the_scheduler(core: Core) -> None:
    """setup, pause and resume tell the scheduler which channel changed."""
    changed: list[int] = []
    core.schedule_changed.subscribe(changed.append)
    bot = StudyBot(core)
    await bot.dispatch(ADMIN, "/study setup C1 08:00 UTC")
    await bot.dispatch(ADMIN, "/study pause")
    assert changed == [1, 1]


async def test_schedule_refused_for_non_admin(studybot: StudyBot) -> None:
    """The schedule is for admins only."""
    assert (await studybot.dispatch(make_actor(), "/study schedule")).title == "Only admins can do that"


async def test_setup_reports_every_problem_at_once(studybot: StudyBot, core: Core) -> None:
    """A bad time and a bad timezone are both named in one reply."""
    message = await studybot.dispatch(ADMIN, "/study setup C1 9.30 Mars/Base")
    assert message.title == "That setup has 2 problems"
    assert "- That time doesn't work: '9.30' is not a time" in message.body
    assert "- “Mars/Base” is not a timezone:" in message.body
    assert await channels(core) == []


async def test_usage_stands_on_its_own_and_ends_with_a_period(studybot: StudyBot) -> None:
    """The usage line is its own paragraph and the example ends the sentence."""
    body = (await studybot.dispatch(ADMIN, "/study setup C1 9.30 UTC")).body
    detail, usage, example = body.split("\n\n")
    assert detail.endswith(".")
    assert usage.startswith("Usage: `/study setup")
    assert example == "For example: `/study setup #dotnet 09:00 Europe/Berlin mon-fri`."


async def test_rerunning_setup_without_weekdays_keeps_them_and_says_so(studybot: StudyBot, core: Core) -> None:
    """Weekdays, like the weekly board, are kept when not given again; the reply says what changed."""
    await studybot.dispatch(ADMIN, "/study setup C1 08:00 UTC mon-fri weekly-board on")
    message = await studybot.dispatch(ADMIN, "/study setup C1 09:00 UTC")
    [channel] = await channels(core)
    assert (channel.weekdays, channel.weekly_board, channel.drop_time) == ("mon,tue,wed,thu,fri", True, "09:00")
    fields = {f.name: f.value for f in message.fields}
    assert fields["Weekdays"] == "Monday to Friday (kept)"
    assert fields["Weekly board"] == "on (kept)"
    assert "Changed: time 08:00 → 09:00." in message.body


async def test_rerunning_the_same_setup_says_nothing_changed(studybot: StudyBot) -> None:
    """The same setup twice: the second reply says nothing changed."""
    await studybot.dispatch(ADMIN, "/study setup C1 08:00 UTC")
    message = await studybot.dispatch(ADMIN, "/study setup C1 08:00 UTC")
    assert "Nothing changed: this was already the schedule." in message.body


async def test_pausing_a_channel_without_a_drop_names_it(studybot: StudyBot) -> None:
    """`/study pause #nonexistent` says that channel has no daily drop, naming it and the ones that do."""
    await studybot.dispatch(ADMIN, "/study setup #team 08:00 UTC")
    message = await studybot.dispatch(ADMIN, "/study pause #nonexistent")
    assert message.kind is Kind.ERROR
    assert message.title == "That channel has no daily drop"
    assert message.body == "<#nonexistent|nonexistent> is not set up for daily drops. Channels with one: <#team|team>."


async def test_pause_and_resume_name_the_channel(studybot: StudyBot) -> None:
    """Pausing and resuming mention the channel, which the console names by #name."""
    await studybot.dispatch(ADMIN, "/study setup #team 08:00 UTC")
    paused = await studybot.dispatch(ADMIN, "/study pause #team")
    assert paused.title == "Daily drops paused ⏸️"
    assert paused.body.startswith("Drops in <#team|team> are paused")
    resumed = await studybot.dispatch(ADMIN, "/study resume #team")
    assert resumed.body.startswith("Drops in <#team|team> are running again. Next drop: ")
