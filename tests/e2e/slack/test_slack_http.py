"""End to end in HTTP mode: signed requests to the real bolt endpoint, a recording Web API stand-in."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import actions
from bot.app import StudyBot
from bot.bootstrap import wire
from bot.content.models import Course
from bot.store.answers import StatsRow
from bot.store.models import Answer, Channel, User
from bot.usecases.context import Core
from tests.e2e.slack.slack_stand_ins import (
    ADMIN,
    CHANNEL,
    LEARNER,
    LISTED_ADMIN,
    OTHER,
    Failure,
    SlackHttpApp,
    SlackStandIn,
    buttons_of,
    command_body,
    form,
    http_settings,
    running_http,
    signed,
    text_of,
)


async def ask_quiz(app: SlackHttpApp, api: SlackStandIn, name: str = "quiz", user: str = LEARNER
                   ) -> dict[str, Any]:
    """Send `/study quiz` and return the ephemeral question."""
    status, body = await app.command("quiz", api.response_url(name), user=user)
    assert (status, body) == (200, "")
    return await api.response(name)


def answer_of(button: dict[str, Any]) -> actions.Answer:
    """The answer a rendered quiz button stands for."""
    action = actions.decode(button["value"])
    assert isinstance(action, actions.Answer)
    return action


def answer_button(question: dict[str, Any], course: Course, *, correct: bool) -> dict[str, Any]:
    """The button of the right (or a wrong) choice of a rendered quiz question."""
    for button in buttons_of(question):
        action = answer_of(button)
        is_right = action.choice == course.quiz_by_id[action.question_id].answer
        if is_right == correct:
            return button
    raise AssertionError("no such button")


async def answers(core: Core) -> list[Answer]:
    """Every answer in the database."""
    async with core.unit_of_work() as uow:
        return list((await uow.answers.session.scalars(select(Answer))).all())


async def stats_of(core: Core, user: str) -> StatsRow | None:
    """A Slack user's running totals."""
    async with core.unit_of_work() as uow:
        user_pk = await uow.answers.session.scalar(select(User.id).where(User.external_id == user))
        return await uow.learners.stats(user_pk) if user_pk is not None else None


async def test_quiz_question_is_ephemeral_with_one_button_per_choice(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course) -> None:
    """`/study quiz` acks empty, then shows the question privately with lettered choices and buttons."""
    question = await ask_quiz(slack_http, slack_api)
    assert question["response_type"] == "ephemeral"
    assert question["replace_original"] is False
    labels = [b["text"]["text"] for b in buttons_of(question)]
    qid = answer_of(buttons_of(question)[0]).question_id
    assert labels == ["A", "B", "C", "D"][: len(course.quiz_by_id[qid].choices)]
    assert "*A.*" in text_of(question)
    assert slack_api.calls_of("chat.postMessage") == []


async def test_full_quiz_round_trip_records_the_answer(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course, core: Core) -> None:
    """A correct click answers privately with points and streak, and the answer is stored once."""
    question = await ask_quiz(slack_http, slack_api)
    button = answer_button(question, course, correct=True)
    status, _ = await slack_http.click(button["value"], slack_api.response_url("fb"), action_ts="1700000001.000001")
    assert status == 200
    feedback = await slack_api.response("fb")
    qid = answer_of(button).question_id
    assert feedback["response_type"] == "ephemeral"
    assert feedback["replace_original"] is False
    assert "Correct" in text_of(feedback)
    assert course.quiz_by_id[qid].explanation.split()[0] in text_of(feedback)
    assert "Next question" in [b["text"]["text"] for b in buttons_of(feedback)]
    stored = await answers(core)
    assert [(a.question_id, a.correct, a.delivery_key) for a in stored] == [
        (qid, True, f"slack:1700000001.000001:{LEARNER}")]
    stats = await stats_of(core, LEARNER)
    assert stats is not None
    assert stats.points > 0
    assert stats.current_streak == 1


async def test_wrong_answer_shows_the_correct_choice_and_explanation(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course, core: Core) -> None:
    """A wrong click names the right letter and explains it; the answer is stored as wrong."""
    question = await ask_quiz(slack_http, slack_api)
    button = answer_button(question, course, correct=False)
    await slack_http.click(button["value"], slack_api.response_url("fb"), action_ts="1700000002.000001")
    feedback = text_of(await slack_api.response("fb"))
    quiz = course.quiz_by_id[answer_of(button).question_id]
    assert f"the answer is {'ABCD'[quiz.answer]}" in feedback
    assert "Your answer" in feedback
    assert [a.correct for a in await answers(core)] == [False]


async def test_retried_click_counts_once_and_answers_once(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course, core: Core) -> None:
    """A delivery retried with X-Slack-Retry-Num is acked but neither recorded nor answered again."""
    question = await ask_quiz(slack_http, slack_api)
    value = answer_button(question, course, correct=True)["value"]
    await slack_http.click(value, slack_api.response_url("fb"), action_ts="1700000003.000001")
    await slack_api.response("fb")
    status, _ = await slack_http.click(value, slack_api.response_url("fb"), action_ts="1700000003.000001",
                                       retry_num=1)
    assert status == 200
    await asyncio.sleep(0.3)
    assert len(slack_api.responses["fb"]) == 1
    assert len(await answers(core)) == 1
    stats = await stats_of(core, LEARNER)
    assert stats is not None
    assert stats.answers == 1


async def test_double_click_counts_once(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course, core: Core) -> None:
    """Two quick clicks on the same question (two deliveries) store one answer and score once."""
    question = await ask_quiz(slack_http, slack_api)
    value = answer_button(question, course, correct=True)["value"]
    await asyncio.gather(
        slack_http.click(value, slack_api.response_url("fb"), action_ts="1700000004.000001"),
        slack_http.click(value, slack_api.response_url("fb"), action_ts="1700000004.000002"),
    )
    await slack_api.response("fb", count=2)
    assert any("already counted" in text_of(r) for r in slack_api.responses["fb"])
    assert len(await answers(core)) == 1
    stats = await stats_of(core, LEARNER)
    assert stats is not None
    assert stats.answers == 1


async def test_changing_an_answer_is_refused(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course, core: Core) -> None:
    """Clicking a different choice after answering changes nothing."""
    question = await ask_quiz(slack_http, slack_api)
    right = answer_button(question, course, correct=True)["value"]
    wrong = answer_button(question, course, correct=False)["value"]
    await slack_http.click(right, slack_api.response_url("fb1"), action_ts="1700000005.000001")
    await slack_api.response("fb1")
    await slack_http.click(wrong, slack_api.response_url("fb2"), action_ts="1700000005.000002")
    assert "already answered" in text_of(await slack_api.response("fb2"))
    assert [a.correct for a in await answers(core)] == [True]


async def test_next_question_button_asks_another_question(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course) -> None:
    """"Next question" under the feedback brings a new quiz question."""
    question = await ask_quiz(slack_http, slack_api)
    await slack_http.click(answer_button(question, course, correct=True)["value"], slack_api.response_url("fb"),
                           action_ts="1700000006.000001")
    feedback = await slack_api.response("fb")
    next_button = next(b for b in buttons_of(feedback) if b["text"]["text"] == "Next question")
    await slack_http.click(next_button["value"], slack_api.response_url("q2"), action_ts="1700000006.000002")
    second = await slack_api.response("q2")
    assert next(b["text"]["text"] for b in buttons_of(second)) == "A"
    assert buttons_of(second)[0]["value"] != buttons_of(question)[0]["value"]


async def test_interview_round(slack_http: SlackHttpApp, slack_api: SlackStandIn, core: Core) -> None:
    """Question, "Reveal model answer", then a self-grade that is stored."""
    status, _ = await slack_http.command("interview", slack_api.response_url("iq"))
    assert status == 200
    question = await slack_api.response("iq")
    reveal = buttons_of(question)[0]
    assert reveal["text"]["text"] == "Reveal model answer"
    await slack_http.click(reveal["value"], slack_api.response_url("ra"), action_ts="1700000007.000001")
    answer = await slack_api.response("ra")
    assert "Model answer" in text_of(answer)
    grades = {b["text"]["text"]: b["value"] for b in buttons_of(answer)}
    assert set(grades) == {"Again", "Hard", "Good", "Easy"}
    await slack_http.click(grades["Good"], slack_api.response_url("gr"), action_ts="1700000007.000002")
    graded = await slack_api.response("gr")
    assert graded["response_type"] == "ephemeral"
    stored = await answers(core)
    assert [(a.kind, a.delivery_key) for a in stored] == [("interview", f"slack:1700000007.000002:{LEARNER}")]


async def test_setup_by_a_workspace_admin(slack_http: SlackHttpApp, slack_api: SlackStandIn, core: Core) -> None:
    """An admin (users.info is_admin) sets up the drop with Slack's escaped channel; the next drop is echoed."""
    await slack_http.command(f"setup <#{CHANNEL}|general> 09:00 Europe/Berlin mon-fri",
                             slack_api.response_url("su"), user=ADMIN)
    reply = text_of(await slack_api.response("su"))
    assert "Daily drop set up" in reply
    assert "Next drop" in reply
    assert "Europe/Berlin" in reply
    async with core.unit_of_work() as uow:
        channel = await uow.answers.session.scalar(select(Channel).where(Channel.external_id == CHANNEL))
    assert channel is not None
    assert (channel.drop_time, channel.timezone, channel.weekdays, channel.name) == (
        "09:00", "Europe/Berlin", "mon,tue,wed,thu,fri", "general")


async def test_setup_by_an_admin_listed_in_studybot_admins(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, core: Core) -> None:
    """A user listed in STUDYBOT_ADMINS may set up drops without being a Slack admin."""
    await slack_http.command(f"setup <#{CHANNEL}|general> 18:30 Asia/Tokyo", slack_api.response_url("su"),
                             user=LISTED_ADMIN)
    assert "Daily drop set up" in text_of(await slack_api.response("su"))
    async with core.unit_of_work() as uow:
        assert await uow.answers.session.scalar(select(Channel.drop_time)) == "18:30"


async def test_setup_refused_for_a_non_admin(slack_http: SlackHttpApp, slack_api: SlackStandIn, core: Core) -> None:
    """Anyone else gets a polite refusal and no channel is configured."""
    await slack_http.command(f"setup <#{CHANNEL}|general> 09:00 Europe/Berlin", slack_api.response_url("su"))
    reply = await slack_api.response("su")
    assert "Only admins can do that" in text_of(reply)
    assert reply["response_type"] == "ephemeral"
    async with core.unit_of_work() as uow:
        assert await uow.answers.session.scalar(select(func.count()).select_from(Channel)) == 0


async def test_setup_rejects_a_bad_time(slack_http: SlackHttpApp, slack_api: SlackStandIn, core: Core) -> None:
    """An admin's invalid HH:MM is explained and nothing is stored."""
    await slack_http.command(f"setup <#{CHANNEL}|general> 25:99 Europe/Berlin", slack_api.response_url("su"),
                             user=ADMIN)
    assert "time" in text_of(await slack_api.response("su")).lower()
    async with core.unit_of_work() as uow:
        assert await uow.answers.session.scalar(select(func.count()).select_from(Channel)) == 0


async def test_forged_signature_is_rejected(slack_http: SlackHttpApp, slack_api: SlackStandIn, core: Core) -> None:
    """A request signed with the wrong secret gets 401 and nothing happens."""
    body = form(command_body("quiz", slack_api.response_url("x")))
    status, _ = await slack_http.send(body, signed(body, secret="not-the-secret"))
    assert status == 401
    await asyncio.sleep(0.2)
    assert slack_api.responses == {}
    assert slack_api.calls_of("users.info") == []
    async with core.unit_of_work() as uow:
        assert await uow.answers.session.scalar(select(func.count()).select_from(User)) == 0


async def test_stale_timestamp_is_rejected(slack_http: SlackHttpApp, slack_api: SlackStandIn, core: Core) -> None:
    """A correctly signed request older than 5 minutes gets 401 and nothing happens."""
    body = form(command_body("quiz", slack_api.response_url("x")))
    status, _ = await slack_http.send(body, signed(body, timestamp=int(time.time()) - 6 * 60))
    assert status == 401
    await asyncio.sleep(0.2)
    assert slack_api.responses == {}
    async with core.unit_of_work() as uow:
        assert await uow.answers.session.scalar(select(func.count()).select_from(User)) == 0


async def test_unknown_subcommand_shows_help(slack_http: SlackHttpApp, slack_api: SlackStandIn) -> None:
    """`/study dance` says it is not a command and lists the real ones."""
    await slack_http.command("dance", slack_api.response_url("h"))
    reply = text_of(await slack_api.response("h"))
    assert "is not a StudyBot command" in reply
    assert "/study quiz" in reply


async def test_no_text_shows_help(slack_http: SlackHttpApp, slack_api: SlackStandIn) -> None:
    """A bare `/study` shows every subcommand, admin ones apart."""
    await slack_http.command("", slack_api.response_url("h"))
    reply = text_of(await slack_api.response("h"))
    assert "/study leaderboard" in reply
    assert "*Admins*" in reply
    assert "**" not in reply


async def test_stats_use_the_slack_timezone(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, core: Core) -> None:
    """`/study streak` counts days in the user's Slack timezone (users.info `tz`), stored on the user."""
    await slack_http.command("streak", slack_api.response_url("s"), user=OTHER)
    assert "midnight America/New_York" in text_of(await slack_api.response("s"))
    async with core.unit_of_work() as uow:
        assert await uow.answers.session.scalar(select(User.timezone).where(User.external_id == OTHER)) == \
            "America/New_York"


async def test_users_info_is_cached(slack_http: SlackHttpApp, slack_api: SlackStandIn) -> None:
    """Two commands by one user cost one users.info call."""
    await slack_http.command("help", slack_api.response_url("a"))
    await slack_api.response("a")
    await slack_http.command("streak", slack_api.response_url("b"))
    await slack_api.response("b")
    assert len(slack_api.calls_of("users.info")) == 1


async def test_app_home_shows_streak_points_accuracy_and_progress(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course) -> None:
    """Opening the Home tab publishes the learner's stats with quiz and interview buttons."""
    question = await ask_quiz(slack_http, slack_api)
    await slack_http.click(answer_button(question, course, correct=True)["value"], slack_api.response_url("fb"),
                           action_ts="1700000008.000001")
    await slack_api.response("fb")
    status, _ = await slack_http.event({"type": "app_home_opened", "user": LEARNER, "channel": "D0LEARNER",
                                        "tab": "home", "event_ts": "1700000008.000002"})
    assert status == 200
    await slack_api.wait_until(lambda: bool(slack_api.calls_of("views.publish")))
    call = slack_api.calls_of("views.publish")[0]
    view = call.params["view"]
    assert call.params["user_id"] == LEARNER
    assert view["type"] == "home"
    home = text_of(view)
    for label in ("Streak", "Points", "Accuracy", "Topics practised", "1 day", "100%", f"1/{len(course.topics)}"):
        assert label in home
    assert [b["text"]["text"] for b in buttons_of(view)] == ["Quiz me", "Interview question"]


async def test_home_button_answers_in_the_app_dm_after_a_429(
        slack_http: SlackHttpApp, slack_api: SlackStandIn) -> None:
    """A Home-tab click (no response_url) posts to the user's DM, retrying chat.postMessage after Retry-After."""
    slack_api.fail_next("chat.postMessage", Failure(status=429, retry_after=1))
    status, _ = await slack_http.click(actions.NextQuiz().encode(), None, action_ts="1700000009.000001", channel=None)
    assert status == 200
    await slack_api.wait_until(lambda: len(slack_api.calls_of("chat.postMessage")) == 2, within=6)
    limited, retried = slack_api.calls_of("chat.postMessage")
    assert (limited.status, retried.status) == (429, 200)
    assert retried.at - limited.at >= 1.0
    assert retried.params["channel"] == LEARNER
    assert next(b["text"]["text"] for b in buttons_of(retried.params)) == "A"


async def test_buttons_keep_working_after_a_restart(
        slack_env: None, slack_api: SlackStandIn, engine: AsyncEngine, course: Course, core: Core) -> None:
    """A question shown before a restart is answered after it: the button id carries everything."""
    async with running_http(wire(http_settings(), engine, StudyBot(core))) as before:
        question = await ask_quiz(before, slack_api)
    async with running_http(wire(http_settings(), engine, StudyBot(core))) as after:
        await after.click(answer_button(question, course, correct=True)["value"], slack_api.response_url("fb"),
                          action_ts="1700000010.000001")
        assert "Correct" in text_of(await slack_api.response("fb"))
    assert [a.correct for a in await answers(core)] == [True]
