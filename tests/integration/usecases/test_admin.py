"""Admin commands against a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import StudyBot
from bot.messages import Kind
from bot.store.models import Channel
from bot.usecases.context import Core
from tests.conftest import make_actor

ADMIN = make_actor("boss", admin=True)


async def channels(core: Core) -> list[Channel]:
    async with core.unit_of_work() as repo:
        return list((await repo.session.scalars(select(Channel))).all())


async def test_setup_by_admin_stores_settings_and_echoes_next_drop(studybot: StudyBot, core: Core) -> None:
    """An admin's setup stores time, timezone and weekdays and tells the next drop time."""
    message = await studybot.dispatch(ADMIN, "/study setup <#C123|general> 09:30 Europe/Berlin mon-fri")
    assert message.kind is Kind.SCHEDULE
    fields = {f.name: f.value for f in message.fields}
    assert fields["Next drop"] == "Thu 26 Nov 09:30 Europe/Berlin"
    [channel] = await channels(core)
    assert (channel.external_id, channel.name, channel.drop_time) == ("C123", "general", "09:30")
    assert (channel.timezone, channel.weekdays, channel.paused) == ("Europe/Berlin", "mon,tue,wed,thu,fri", False)


async def test_setup_refused_for_non_admin(studybot: StudyBot, core: Core) -> None:
    """A learner's setup is refused politely and nothing is stored."""
    message = await studybot.dispatch(make_actor(), "/study setup <#C123> 09:30 UTC")
    assert message.title == "Only admins can do that"
    assert await channels(core) == []


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("/study setup <#C1> 9.30 UTC", "That time doesn't work"),
        ("/study setup <#C1> 09:30 Mars/Base", "“Mars/Base” is not a timezone"),
        ("/study setup <#C1> 09:30 UTC funday", "Those weekdays don't work"),
        ("/study setup <#C1>", "setup needs a channel, a time and a timezone"),
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
    await studybot.dispatch(ADMIN, "/study setup <#C1> 08:00 UTC weekdays weekly-board on")
    [channel] = await channels(core)
    assert channel.weekly_board is True


async def test_pause_and_resume_the_only_channel(studybot: StudyBot, core: Core) -> None:
    """With one scheduled channel, pause and resume act on it from anywhere."""
    await studybot.dispatch(ADMIN, "/study setup <#C1> 08:00 UTC")
    assert (await studybot.dispatch(ADMIN, "/study pause")).title.startswith("Daily drops paused")
    assert (await channels(core))[0].paused is True
    assert (await studybot.dispatch(ADMIN, "/study resume")).title.startswith("Daily drops resumed")
    assert (await channels(core))[0].paused is False


async def test_pause_refused_for_non_admin(studybot: StudyBot, core: Core) -> None:
    """A learner cannot pause the drop."""
    await studybot.dispatch(ADMIN, "/study setup <#C1> 08:00 UTC")
    assert (await studybot.dispatch(make_actor(), "/study pause")).title == "Only admins can do that"
    assert (await channels(core))[0].paused is False


async def test_schedule_lists_channels(studybot: StudyBot) -> None:
    """The schedule shows each channel with its time, days and next topic."""
    await studybot.dispatch(ADMIN, "/study setup <#C1|general> 08:00 UTC weekends")
    body = (await studybot.dispatch(ADMIN, "/study schedule")).body
    assert "#general" in body
    assert "08:00 UTC, weekends" in body
    assert "next topic: The CLR Deep Dive" in body


async def test_schedule_change_notifies_the_scheduler(core: Core) -> None:
    """setup, pause and resume tell the scheduler which channel changed."""
    changed: list[int] = []
    core.schedule_changed = changed.append
    bot = StudyBot(core)
    await bot.dispatch(ADMIN, "/study setup <#C1> 08:00 UTC")
    await bot.dispatch(ADMIN, "/study pause")
    assert changed == [1, 1]


async def test_schedule_refused_for_non_admin(studybot: StudyBot) -> None:
    """The schedule is for admins only."""
    assert (await studybot.dispatch(make_actor(), "/study schedule")).title == "Only admins can do that"
