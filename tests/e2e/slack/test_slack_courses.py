"""Two courses on Slack: the course as the first word of a command, and the overall board."""

from __future__ import annotations

from typing import Any

from bot import actions
from bot.content.models import Course
from tests.e2e.slack.slack_stand_ins import LEARNER, OTHER, SlackHttpApp, SlackStandIn, buttons_of, text_of


def answers_of(question: dict[str, Any]) -> list[actions.Answer]:
    """The answers the buttons of a rendered question stand for."""
    found = []
    for button in buttons_of(question):
        action = actions.decode(button["value"])
        assert isinstance(action, actions.Answer)
        found.append(action)
    return found


async def ask(app: SlackHttpApp, api: SlackStandIn, text: str, name: str, user: str = LEARNER) -> dict[str, Any]:
    """Send `/study <text>` as `user` and return the private answer."""
    status, body = await app.command(text, api.response_url(name), user=user)
    assert (status, body) == (200, "")
    return await api.response(name)


async def answer_right(app: SlackHttpApp, api: SlackStandIn, course: Course, user: str, ts: str) -> None:
    """Ask `user` a question of `course` and press its right answer."""
    question = await ask(app, api, f"quiz {course.id}", f"q-{user}", user)
    right = next(a for a in answers_of(question) if a.choice == course.quiz_by_id[a.question_id].answer)
    await app.click(right.encode(), api.response_url(f"fb-{user}"), action_ts=ts, user=user)
    assert "Correct" in text_of(await api.response(f"fb-{user}"))


async def test_a_quiz_naming_the_second_course_asks_it(slack_http: SlackHttpApp, slack_api: SlackStandIn,
                                                       second: Course) -> None:
    """`/study quiz web-apis` asks a question of that course, every button carrying its key."""
    question = await ask(slack_http, slack_api, f"quiz {second.id}", "q")
    found = answers_of(question)
    assert {a.course for a in found} == {second.key}
    assert found[0].question_id in second.quiz_by_id


async def test_the_overall_board_lists_learners_of_both_courses(slack_http: SlackHttpApp, slack_api: SlackStandIn,
                                                                course: Course, second: Course) -> None:
    """One learner answers in each course: the overall board lists both, each course's board only its own."""
    await answer_right(slack_http, slack_api, second, LEARNER, "1700000001.000001")
    await answer_right(slack_http, slack_api, course, OTHER, "1700000002.000001")
    overall = text_of(await ask(slack_http, slack_api, "leaderboard overall", "all"))
    theirs = text_of(await ask(slack_http, slack_api, f"leaderboard {second.id}", "second"))
    default = text_of(await ask(slack_http, slack_api, "leaderboard", "default"))
    assert "Leaderboard · All courses" in overall
    assert LEARNER.title() in overall
    assert OTHER.title() in overall
    assert (LEARNER.title() in theirs, OTHER.title() in theirs) == (True, False)
    assert (LEARNER.title() in default, OTHER.title() in default) == (False, True)
