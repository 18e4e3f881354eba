"""End to end on Discord: reviewing mistakes, forget-me and export-me, with the real discord.py client."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot import actions
from bot.content.models import Course
from bot.store.models import User
from bot.usecases.context import Core
from tests.e2e.discord.discord_standin import ADMIN, MEMBER, Person, Reply, StandIn
from tests.e2e.discord.test_discord_quiz import answer_button, answers


def button(reply: Reply, label: str) -> str:
    """The custom_id of the reply's button with this label."""
    return str(next(b["custom_id"] for b in reply.buttons if b["label"] == label))


async def run(standin: StandIn, person: Person, subcommand: str, options: dict[str, Any] | None = None) -> Reply:
    """Run `/study <subcommand>` and return the one reply shown."""
    [reply] = await standin.answer(await standin.command(person, subcommand, options))
    return reply


async def press(standin: StandIn, person: Person, reply: Reply, custom_id: str) -> Reply:
    """Press a button of a reply and return the one reply shown."""
    [shown] = await standin.answer(await standin.click(person, reply, custom_id))
    return shown


async def answer_wrong(standin: StandIn, course: Course, person: Person = MEMBER) -> Reply:
    """Answer a quiz question wrong; the question shown."""
    question = await run(standin, person, "quiz")
    await press(standin, person, question, answer_button(course, question, right=False))
    return question


async def test_review_shows_the_mistake_and_try_again_asks_it_anew(standin: StandIn, client: Any,
                                                                   course: Course) -> None:
    """After a wrong answer, `/study review` lists it privately, and Try again asks the same question."""
    question = await answer_wrong(standin, course)
    listed = await run(standin, MEMBER, "review")
    assert listed.ephemeral
    assert listed.title == "Your mistakes to review (1)"
    assert "Right answer" in listed.text
    asked = await press(standin, MEMBER, listed, button(listed, "Try again 1"))
    assert asked.ephemeral
    assert asked.embeds[0]["description"].startswith(question.embeds[0]["description"].split("\n\n")[0])
    asked_again, first_asked = (actions.decode(r.buttons[0]["custom_id"]) for r in (asked, question))
    assert isinstance(asked_again, actions.Answer)
    assert isinstance(first_asked, actions.Answer)
    assert asked_again.question_id == first_asked.question_id


async def test_review_takes_a_page_option(standin: StandIn, client: Any, course: Course) -> None:
    """`/study review page:3` with one page of mistakes shows that page."""
    await answer_wrong(standin, course)
    listed = await run(standin, MEMBER, "review", {"page": 3})
    assert listed.title == "Your mistakes to review (1)"


async def test_forget_me_after_confirmation_deletes_only_the_caller(standin: StandIn, client: Any,
                                                                    course: Course, core: Core) -> None:
    """Another member's press is refused; the member's own deletes their rows and leaves the other's."""
    await answer_wrong(standin, course)
    await answer_wrong(standin, course, ADMIN)
    asked = await run(standin, MEMBER, "forget-me")
    assert asked.ephemeral
    assert [b["label"] for b in asked.buttons] == ["Keep my data", "Delete everything"]
    refused = await press(standin, ADMIN, asked, button(asked, "Delete everything"))
    assert refused.title == "This button isn't yours"
    done = await press(standin, MEMBER, asked, button(asked, "Delete everything"))
    assert done.title == "Your data is deleted"
    async with core.unit_of_work() as uow:
        users = list((await uow.answers.session.scalars(select(User.external_id))).all())
    assert users == [str(ADMIN.id)]
    assert len(await answers(core)) == 1


async def test_export_me_attaches_the_file_privately(standin: StandIn, client: Any, course: Course) -> None:
    """The JSON file comes with the ephemeral reply, described, and holds the member's answer."""
    await answer_wrong(standin, course)
    reply = await run(standin, MEMBER, "export-me")
    assert reply.ephemeral
    [upload] = reply.files
    assert upload.filename.startswith("studybot-my-data-")
    assert upload.filename.endswith(".json")
    assert (upload.description or "").startswith("Your StudyBot data as JSON: 1 answer")
    document = json.loads(upload.data)
    assert document["user"]["external_id"] == str(MEMBER.id)
    assert len(document["answers"]) == 1


async def test_privacy_hide_takes_its_choice(standin: StandIn, client: Any) -> None:
    """`/study privacy setting:hide` hides the member on the boards."""
    reply = await run(standin, MEMBER, "privacy", {"setting": "hide"})
    assert reply.title == "You're hidden on leaderboards"

