"""End to end on Slack: reviewing mistakes, forget-me and export-me, through the real bolt endpoint."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select

from bot.actions import Reviews
from bot.content.models import Course
from bot.store.models import User
from bot.usecases.context import Core
from tests.e2e.slack.slack_stand_ins import LEARNER, OTHER, Failure, SlackHttpApp, SlackStandIn, buttons_of, text_of
from tests.e2e.slack.test_slack_http import answer_button, answers, ask_quiz


def button(message: dict[str, Any], label: str) -> dict[str, Any]:
    """The button of a posted message with this label."""
    return next(b for b in buttons_of(message) if b["text"]["text"] == label)


async def command(app: SlackHttpApp, api: SlackStandIn, text: str, name: str, user: str = LEARNER
                  ) -> dict[str, Any]:
    """Send `/study <text>` and return the reply posted to its response_url."""
    assert await app.command(text, api.response_url(name), user=user) == (200, "")
    return await api.response(name)


async def click(app: SlackHttpApp, api: SlackStandIn, pressed: dict[str, Any], name: str, ts: str,
                user: str = LEARNER) -> dict[str, Any]:
    """Press a button and return the reply posted to its response_url."""
    status, _ = await app.click(pressed["value"], api.response_url(name), action_ts=ts, user=user)
    assert status == 200
    return await api.response(name)


async def answer_wrong(app: SlackHttpApp, api: SlackStandIn, course: Course, user: str = LEARNER) -> str:
    """Answer a quiz question wrong; its prompt."""
    question = await ask_quiz(app, api, f"quiz-{user}", user=user)
    await click(app, api, answer_button(question, course, correct=False), f"answer-{user}", f"1.{len(user)}", user)
    return str(question["blocks"][1]["text"]["text"])


async def test_review_shows_the_mistake_and_try_again_asks_it_anew(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course) -> None:
    """After a wrong answer, `/study review` lists it privately, and Try again asks the same question."""
    prompt = await answer_wrong(slack_http, slack_api, course)
    listed = await command(slack_http, slack_api, "review", "review")
    assert listed["response_type"] == "ephemeral"
    assert "Your mistakes to review (1)" in text_of(listed)
    assert "Right answer" in text_of(listed)
    asked = await click(slack_http, slack_api, button(listed, "Try again 1"), "retry", "2.1")
    assert prompt in text_of(asked)
    assert [b["text"]["text"] for b in buttons_of(asked)][:2] == ["A", "B"]


async def test_forget_me_after_confirmation_deletes_only_the_caller(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course, core: Core) -> None:
    """Another user's press is refused; the learner's own deletes their rows and leaves the other's."""
    await answer_wrong(slack_http, slack_api, course)
    await answer_wrong(slack_http, slack_api, course, user=OTHER)
    asked = await command(slack_http, slack_api, "forget-me", "forget")
    assert [b["text"]["text"] for b in buttons_of(asked)] == ["Keep my data", "Delete everything"]
    refused = await click(slack_http, slack_api, button(asked, "Delete everything"), "not-yours", "3.1", OTHER)
    assert "This button isn't yours" in text_of(refused)
    done = await click(slack_http, slack_api, button(asked, "Delete everything"), "deleted", "3.2")
    assert "Your data is deleted" in text_of(done)
    async with core.unit_of_work() as uow:
        users = (await uow.answers.session.scalars(select(User.external_id))).all()
    assert list(users) == [OTHER]
    assert [a.user_id for a in await answers(core)] == [2]


async def test_export_me_sends_the_file_to_the_learners_dm(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course) -> None:
    """The JSON file is uploaded into the learner's DM with the app and holds their answer; the reply says so."""
    await answer_wrong(slack_http, slack_api, course)
    reply = await command(slack_http, slack_api, "export-me", "export")
    assert re.search(r"I sent you studybot-my-data-[0-9-]+\.json in your direct messages", text_of(reply))
    [opened] = slack_api.calls_of("conversations.open")
    assert opened.params["users"] == LEARNER
    [data] = slack_api.files_shared_with("D0LEARNER")
    document = json.loads(data)
    assert document["user"]["external_id"] == LEARNER
    assert len(document["answers"]) == 1


async def test_export_me_says_so_when_the_dm_cannot_be_opened(
        slack_http: SlackHttpApp, slack_api: SlackStandIn) -> None:
    """When Slack refuses the DM, the learner is told the file could not be sent, and nothing is uploaded."""
    slack_api.fail_next("conversations.open", Failure(error="missing_scope"))
    reply = await command(slack_http, slack_api, "export-me", "export")
    assert "I couldn't send you the file in a direct message just now" in text_of(reply)
    assert slack_api.calls_of("files.getUploadURLExternal") == []


async def test_my_reviews_on_the_drop_answers_only_the_clicker(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course) -> None:
    """My reviews, pressed on a channel's drop, answers ephemerally with the clicker's own queue."""
    await answer_wrong(slack_http, slack_api, course)
    reviews = {"value": Reviews().encode()}
    reply = await click(slack_http, slack_api, reviews, "reviews", "4.1")
    assert reply["response_type"] == "ephemeral"
    assert "My mistakes (1)" in text_of(reply)
    assert slack_api.calls_of("chat.postMessage") == []
