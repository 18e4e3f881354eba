"""Reminders end to end on Discord: `/study timezone` and `/study remind`, the DM and its buttons, closed DMs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.bootstrap import Runtime
from bot.store.models import Answer, User, Workspace
from bot.usecases.context import Core
from bot.usecases.reminder_sends import Reminders
from scheduler.fanout import ReminderRunner
from tests.conftest import Clock
from tests.e2e.discord.discord_standin import GUILD_ID, MEMBER, Reply, StandIn
from tests.integration.scheduler.conftest import at


async def set_reminder(standin: StandIn) -> None:
    """The member picks Europe/Berlin (the option's autocomplete offers it) and a reminder at 18:00."""
    await standin.answer(await standin.autocomplete(MEMBER, "timezone", "name", "berl"))
    [offered] = [r for r in standin.replies if r.type == 8]
    assert {"name": "Europe/Berlin", "value": "Europe/Berlin"} in offered.data["choices"]
    [zone] = await standin.answer(await standin.command(MEMBER, "timezone", {"name": "Europe/Berlin"}))
    assert zone.title == "🕒 Your timezone is now Europe/Berlin"
    [set_] = await standin.answer(await standin.command(MEMBER, "remind", {"time": "18:00"}))
    assert set_.title == "⏰ Reminder set for 18:00 Europe/Berlin"


def runner(runtime: Runtime, core: Core, clock: Clock) -> ReminderRunner:
    """A reminder runner through the posters the connected client registered."""
    return ReminderRunner(Reminders(core, "e2e"), runtime.posters, clock=clock, backoff=0.0)


def dm_buttons(post: dict[str, Any]) -> dict[str, str]:
    """The buttons of a DM the bot sent, by label."""
    return {c["label"]: c["custom_id"] for row in post.get("components") or [] for c in row["components"]}


async def test_reminder_comes_as_a_dm_at_local_time_with_its_buttons(
    standin: StandIn, client: Any, runtime: Runtime, core: Core, clock: Clock
) -> None:
    """18:00 Berlin: one DM with the streak and three buttons; Quiz me answers count in the server."""
    at(clock, "Europe/Berlin", 2026, 11, 25, 9, 0)
    await set_reminder(standin)
    at(clock, "Europe/Berlin", 2026, 11, 25, 18, 0)
    [outcome] = await runner(runtime, core, clock).run_due()
    assert outcome.outcome == "sent"
    [dm] = standin.direct_posts
    assert dm["user_id"] == MEMBER.id
    assert Reply(0, "post", None, dm).title == "⏰ Time for today's study"
    buttons = dm_buttons(dm)
    assert list(buttons) == ["Quiz me", "Remind me later today", "Stop reminders"]

    [later] = await standin.answer(await standin.dm_click(MEMBER, dm, buttons["Remind me later today"]))
    assert later.title == "⏰ I'll remind you later"
    [question] = await standin.answer(await standin.dm_click(MEMBER, dm, buttons["Quiz me"]))
    assert question.title.startswith("Quiz · ")
    [feedback] = await standin.answer(await standin.dm_click(MEMBER, question.data, question.buttons[0]["custom_id"]))
    assert "Streak" in feedback.text
    async with core.unit_of_work() as uow:
        session = uow.answers.session
        owners = (await session.execute(
            select(Workspace.external_id).join(User, User.workspace_id == Workspace.id)
            .join(Answer, Answer.user_id == User.id))).scalars().all()
    assert owners == [str(GUILD_ID)]
    at(clock, "Europe/Berlin", 2026, 11, 25, 20, 30)  # the snooze is due, but the member has studied
    assert await runner(runtime, core, clock).run_due() == []


async def test_stop_reminders_in_the_dm_stops_them(
    standin: StandIn, client: Any, runtime: Runtime, core: Core, clock: Clock
) -> None:
    """**Stop reminders** in the DM: no reminder the next day."""
    at(clock, "Europe/Berlin", 2026, 11, 25, 9, 0)
    await set_reminder(standin)
    at(clock, "Europe/Berlin", 2026, 11, 25, 18, 0)
    await runner(runtime, core, clock).run_due()
    [dm] = standin.direct_posts
    [stopped] = await standin.answer(await standin.dm_click(MEMBER, dm, dm_buttons(dm)["Stop reminders"]))
    assert stopped.title == "⏰ Reminders stopped"
    at(clock, "Europe/Berlin", 2026, 11, 26, 18, 0)
    assert await runner(runtime, core, clock).run_due() == []


async def test_closed_dms_switch_reminders_off_and_the_next_command_tells(
    standin: StandIn, client: Any, runtime: Runtime, core: Core, clock: Clock
) -> None:
    """Discord answers 50007: reminders go off and the member's next command starts with why."""
    at(clock, "Europe/Berlin", 2026, 11, 25, 9, 0)
    await set_reminder(standin)
    standin.dms_closed.add(MEMBER.id)
    at(clock, "Europe/Berlin", 2026, 11, 25, 18, 0)
    [outcome] = await runner(runtime, core, clock).run_due()
    assert outcome.outcome == "failed"
    assert standin.direct_posts == []
    [streak] = await standin.answer(await standin.command(MEMBER, "streak"))
    assert "Your reminders are switched off" in streak.text
    [again] = await standin.answer(await standin.command(MEMBER, "streak"))
    assert "Your reminders are switched off" not in again.text
