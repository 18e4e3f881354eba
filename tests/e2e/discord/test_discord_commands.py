"""`/study` subcommands end to end: interview, admin setup, autocomplete, errors and deferral."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import select

from adapters.discord.render import render
from bot.app import StudyBot
from bot.bootstrap import Runtime, wire
from bot.messages import Message
from bot.store.models import Answer, Channel
from bot.usecases.context import Actor, Argument, Core
from bot.usecases.lessons import lesson_message
from tests.e2e.discord.discord_standin import (
    ADMIN,
    CHANNEL_ID,
    LOCKED_CHANNEL_ID,
    MEMBER,
    StandIn,
    channel_resolved,
)


async def channels(core: Core) -> list[Channel]:
    """Every channel row."""
    async with core.unit_of_work() as uow:
        return list((await uow.answers.session.scalars(select(Channel))).all())


async def test_interview_round_reveal_then_self_grade(standin: StandIn, client: Any, core: Core) -> None:
    """Interview: the question, "Reveal model answer", then a self-grade that is stored once."""
    [question] = await standin.answer(await standin.command(MEMBER, "interview", {"topic": "span-and-memory"}))
    assert question.title.startswith("Interview · ")
    assert [b["label"] for b in question.buttons] == ["Reveal model answer"]
    [reveal] = await standin.answer(await standin.click(MEMBER, question, question.buttons[0]["custom_id"]))
    assert reveal.title.startswith("Model answer · ")
    assert [b["label"] for b in reveal.buttons] == ["Again", "Hard", "Good", "Easy"]
    good = next(b["custom_id"] for b in reveal.buttons if b["label"] == "Good")
    iid = await standin.click(MEMBER, reveal, good)
    [graded] = await standin.answer(iid)
    assert graded.ephemeral
    assert graded.title == "Graded: Good"
    async with core.unit_of_work() as uow:
        [stored] = (await uow.answers.session.scalars(select(Answer))).all()
    assert stored.kind == "interview"
    assert stored.correct
    assert stored.delivery_key == f"discord:{iid}"


async def test_setup_by_admin_schedules_the_channel(standin: StandIn, client: Any, core: Core) -> None:
    """An admin's `/study setup` echoes the next drop and stores the channel's schedule."""
    iid = await standin.command(ADMIN, "setup", {"channel": str(CHANNEL_ID), "time": "09:30",
                                                 "timezone": "Europe/Berlin", "weekdays": "mon-fri"},
                                resolved=channel_resolved(CHANNEL_ID))
    [reply] = await standin.answer(iid)
    assert reply.ephemeral
    assert reply.title == "Daily drop set up ✅"
    assert f"<#{CHANNEL_ID}>" in reply.text
    assert "09:30 Europe/Berlin" in reply.text
    assert "Next drop" in reply.text
    [row] = await channels(core)
    assert (row.external_id, row.drop_time, row.timezone) == (str(CHANNEL_ID), "09:30", "Europe/Berlin")
    assert row.weekdays == "mon,tue,wed,thu,fri"


async def test_setup_is_refused_for_a_member(standin: StandIn, client: Any, core: Core) -> None:
    """A member without Manage Server is refused and nothing is stored."""
    iid = await standin.command(MEMBER, "setup", {"channel": str(CHANNEL_ID), "time": "09:30",
                                                  "timezone": "Europe/Berlin"},
                                resolved=channel_resolved(CHANNEL_ID))
    [reply] = await standin.answer(iid)
    assert reply.ephemeral
    assert reply.title == "Only admins can do that"
    assert await channels(core) == []


async def test_a_member_is_refused_before_the_channel_is_checked(standin: StandIn, client: Any) -> None:
    """A member naming a channel the bot cannot post in hears the core's refusal, not the channel's problem."""
    iid = await standin.command(MEMBER, "setup", {"channel": str(LOCKED_CHANNEL_ID), "time": "09:30",
                                                  "timezone": "UTC"},
                                resolved=channel_resolved(LOCKED_CHANNEL_ID))
    [reply] = await standin.answer(iid)
    assert reply.title == "Only admins can do that"


async def test_admin_ids_setting_makes_a_member_admin(standin: StandIn, start_client: Any, runtime: Runtime,
                                                      core: Core) -> None:
    """A member listed in STUDYBOT_ADMINS may run `/study setup` without Manage Server."""
    runtime.settings.admins = str(MEMBER.id)
    await start_client()
    iid = await standin.command(MEMBER, "setup", {"channel": str(CHANNEL_ID), "time": "08:00", "timezone": "UTC"},
                                resolved=channel_resolved(CHANNEL_ID))
    [reply] = await standin.answer(iid)
    assert reply.title == "Daily drop set up ✅"
    assert len(await channels(core)) == 1


async def test_schedule_is_refused_for_a_member(standin: StandIn, client: Any) -> None:
    """Admin subcommands are checked on every call, including `/study schedule`."""
    [reply] = await standin.answer(await standin.command(MEMBER, "schedule"))
    assert reply.title == "Only admins can do that"


async def test_setup_rejects_a_channel_the_bot_cannot_post_in(standin: StandIn, client: Any, core: Core) -> None:
    """Setup validates the channel: the bot must be able to see it and post embeds there."""
    iid = await standin.command(ADMIN, "setup", {"channel": str(LOCKED_CHANNEL_ID), "time": "09:30",
                                                 "timezone": "UTC"},
                                resolved=channel_resolved(LOCKED_CHANNEL_ID))
    [reply] = await standin.answer(iid)
    assert reply.title == f"I can't post in <#{LOCKED_CHANNEL_ID}>"
    assert "View Channel" in reply.text
    assert await channels(core) == []


async def test_setup_rejects_an_unknown_timezone(standin: StandIn, client: Any, core: Core) -> None:
    """Setup validates the IANA timezone through the core."""
    iid = await standin.command(ADMIN, "setup", {"channel": str(CHANNEL_ID), "time": "09:30",
                                                 "timezone": "Mars/Olympus"},
                                resolved=channel_resolved(CHANNEL_ID))
    [reply] = await standin.answer(iid)
    assert reply.title == "“Mars/Olympus” is not a timezone"
    assert await channels(core) == []


async def test_topic_autocomplete_matches_titles_and_ids(standin: StandIn, client: Any) -> None:
    """Topic autocomplete answers with fuzzy matches, labelled with number, title and id."""
    iid = await standin.autocomplete(MEMBER, "quiz", "topic", "span")
    [reply] = await standin.wait_for(lambda: standin.replies_to(iid))
    assert reply.type == 8
    choices = reply.data["choices"]
    assert choices[0]["value"] == "span-and-memory"
    assert "(span-and-memory)" in choices[0]["name"]
    assert all(len(c["name"]) <= 100 for c in choices)
    assert len(choices) <= 25


async def test_timezone_autocomplete_offers_iana_names(standin: StandIn, client: Any) -> None:
    """Timezone autocomplete for `berl` offers Europe/Berlin."""
    iid = await standin.autocomplete(ADMIN, "setup", "timezone", "berl")
    [reply] = await standin.wait_for(lambda: standin.replies_to(iid))
    assert next(c["value"] for c in reply.data["choices"]) == "Europe/Berlin"


async def test_unknown_topic_gets_a_friendly_error(standin: StandIn, client: Any, core: Core) -> None:
    """An unknown topic is answered privately with suggestions, and nothing is recorded."""
    [reply] = await standin.answer(await standin.command(MEMBER, "quiz", {"topic": "spann"}))
    assert reply.ephemeral
    assert reply.title == "No topic called “spann”"
    assert "span-and-memory" in reply.text
    async with core.unit_of_work() as uow:
        assert (await uow.answers.session.scalars(select(Answer))).all() == []


async def test_long_lesson_is_split_over_embeds(standin: StandIn, client: Any, course: Any) -> None:
    """The longest lesson arrives as several embeds, each within 4,096 and 6,000 in all."""
    longest = max(course.topics, key=lambda t: len(t.lesson))
    parts = len(render(lesson_message(course, longest)).parts)  # with its references, maybe two messages
    replies = await standin.answer(await standin.command(MEMBER, "lesson", {"topic": longest.id}), count=parts)
    embeds = [e for r in replies for e in r.embeds]
    assert len(embeds) >= 2
    assert all(len(e.get("description", "")) <= 4096 for e in embeds)
    assert embeds[0]["title"] == longest.title
    assert "Quiz me on this" in [b["label"] for b in replies[-1].buttons]


class ExplodingBot(StudyBot):
    """A core whose `run` fails the first time, as an unexpected bug would."""

    failures = 1

    async def run(self, actor: Actor, name: str, args: list[Argument]) -> Message:
        """Fail once, then behave."""
        if self.failures:
            self.failures -= 1
            raise RuntimeError("boom: a bug in a handler")
        return await super().run(actor, name, args)


async def test_handler_error_is_friendly_and_logged(standin: StandIn, start_client: Any, runtime: Runtime,
                                                    core: Core, caplog: pytest.LogCaptureFixture) -> None:
    """A failing handler answers a friendly private message, logs the traceback, and the bot keeps going."""
    broken = wire(runtime.settings, runtime.engine, ExplodingBot(core))
    await start_client(broken)
    with caplog.at_level(logging.ERROR):
        [reply] = await standin.answer(await standin.command(MEMBER, "streak"))
    assert reply.ephemeral
    assert reply.title == "Something went wrong on our side"
    record = next(r for r in caplog.records if r.name.startswith("adapters.discord"))
    assert record.exc_info is not None
    assert "boom" in str(record.exc_info[1])
    [after] = await standin.answer(await standin.command(MEMBER, "streak"))
    assert after.title.startswith("🔥 Streak")


class SlowBot(StudyBot):
    """A core that takes longer than the adapter waits before deferring."""

    async def run(self, actor: Actor, name: str, args: list[Argument]) -> Message:
        """Answer after a pause."""
        await asyncio.sleep(0.3)
        return await super().run(actor, name, args)


async def test_slow_command_defers_then_follows_up(standin: StandIn, start_client: Any, runtime: Runtime,
                                                   core: Core) -> None:
    """When the core is slow the adapter defers privately first, then sends the answer as a follow-up."""
    await start_client(wire(runtime.settings, runtime.engine, SlowBot(core)), defer_after=0.05)
    iid = await standin.command(MEMBER, "help")
    [reply] = await standin.answer(iid)
    kinds = [(r.kind, r.type) for r in standin.replies_to(iid)]
    assert kinds == [("callback", 5), ("followup", None)]
    assert standin.replies_to(iid)[0].ephemeral
    assert reply.title.startswith("StudyBot · ")


async def test_subcommand_unknown_to_this_version_asks_for_a_sync(standin: StandIn, client: Any) -> None:
    """A subcommand Discord still shows but this version lacks is answered with a hint to sync."""
    [reply] = await standin.answer(await standin.command(MEMBER, "retired-subcommand"))
    assert reply.ephemeral
    assert reply.title == "This command is out of date"
