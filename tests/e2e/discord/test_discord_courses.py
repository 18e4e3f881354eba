"""Two courses on Discord: the `course` option, its autocomplete, a channel's course and the synced tree."""

from __future__ import annotations

from typing import Any

from bot import actions
from bot.content.models import Course
from tests.e2e.discord.discord_standin import ADMIN, CHANNEL_ID, MEMBER, Reply, StandIn, channel_resolved

COURSE_OPTION_SUBCOMMANDS = ("lesson", "quiz", "interview", "topics", "stats", "leaderboard", "review", "setup",
                             "team")
STRING = 3


def courses_of(question: Reply) -> set[str]:
    """The course keys the answer buttons of a question carry."""
    keys = set()
    for button in question.buttons:
        action = actions.decode(button["custom_id"])
        assert isinstance(action, actions.Answer)
        keys.add(action.course)
    return keys


def right_answer(course: Course, question: Reply) -> str:
    """The custom_id of the right answer of a question of `course`."""
    first = actions.decode(question.buttons[0]["custom_id"])
    assert isinstance(first, actions.Answer)
    correct = course.quiz_by_id[first.question_id].answer
    for button in question.buttons:
        choice = actions.decode(button["custom_id"])
        if isinstance(choice, actions.Answer) and choice.choice == correct:
            return str(button["custom_id"])
    raise AssertionError("no right answer among the buttons")


def fields_of(reply: Reply) -> dict[str, str]:
    """The embed fields of a reply, by name."""
    return {f["name"]: f["value"] for embed in reply.embeds for f in embed.get("fields", [])}


async def choices(standin: StandIn, subcommand: str, focused: str, value: str,
                  others: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The choices the bot offers for one option as a member types `value` into it."""
    iid = await standin.autocomplete(MEMBER, subcommand, focused, value, others)
    [reply] = await standin.wait_for(lambda: standin.replies_to(iid))
    assert reply.type == 8
    found: list[dict[str, Any]] = reply.data["choices"]
    return found


async def test_a_quiz_with_the_course_option_asks_that_course(standin: StandIn, client: Any,
                                                              second: Course) -> None:
    """`/study quiz course:web-apis` asks one of that course's questions, its buttons carrying its key."""
    [question] = await standin.answer(await standin.command(MEMBER, "quiz", {"course": second.id}))
    assert question.title.startswith("Quiz · ")
    assert courses_of(question) == {second.key}
    first = actions.decode(question.buttons[0]["custom_id"])
    assert isinstance(first, actions.Answer)
    assert first.question_id in second.quiz_by_id


async def test_an_answer_counts_in_its_course_only(standin: StandIn, client: Any, course: Course,
                                                   second: Course) -> None:
    """The right answer in the second course shows in its stats; the default course's stats have none."""
    [question] = await standin.answer(await standin.command(MEMBER, "quiz", {"course": second.id}))
    [feedback] = await standin.answer(await standin.click(MEMBER, question, right_answer(second, question)))
    assert feedback.title == "✅ Correct!"
    [theirs] = await standin.answer(await standin.command(MEMBER, "stats", {"course": second.id}))
    [default] = await standin.answer(await standin.command(MEMBER, "stats"))
    assert fields_of(theirs)["Accuracy"] == "100% of 1 answer"
    assert fields_of(default)["Accuracy"] == "– of 0 answers"
    assert theirs.embeds[-1]["footer"]["text"] == second.title
    assert default.embeds[-1]["footer"]["text"] == course.title


async def test_course_autocomplete_offers_the_served_courses(standin: StandIn, client: Any, course: Course,
                                                             second: Course) -> None:
    """The `course` option offers every course (title and id) when blank, and those matching what is typed."""
    offered = await choices(standin, "quiz", "course", "")
    assert offered == [{"name": f"{course.title} ({course.id})", "value": course.id},
                       {"name": f"{second.title} ({second.id})", "value": second.id}]
    assert [c["value"] for c in await choices(standin, "stats", "course", "web")] == [second.id]
    assert [c["value"] for c in await choices(standin, "topics", "course", "MASTERY")] == [course.id]
    assert await choices(standin, "quiz", "course", "kubernetes") == []


async def test_board_course_autocomplete_offers_all_courses_first(standin: StandIn, client: Any, course: Course,
                                                                  second: Course) -> None:
    """The leaderboard's `course` option offers every course together first, then each course."""
    offered = await choices(standin, "leaderboard", "course", "")
    assert offered[0] == {"name": "All courses (overall)", "value": "overall"}
    assert [c["value"] for c in offered[1:]] == [course.id, second.id]
    assert [c["value"] for c in await choices(standin, "leaderboard", "course", "web")] == [second.id]


async def test_topic_autocomplete_follows_the_chosen_course(standin: StandIn, client: Any, course: Course,
                                                            second: Course) -> None:
    """With the course chosen in the same command, the topic option offers that course's topics."""
    offered = await choices(standin, "quiz", "topic", "", {"course": second.id})
    assert [c["value"] for c in offered] == [t.id for t in second.topics]
    assert offered[0]["name"] == f"1. {second.topics[0].title} ({second.topics[0].id})"
    typed = await choices(standin, "lesson", "topic", "versioning", {"course": second.id})
    assert typed[0]["value"] == "api-versioning"
    assert typed[0]["name"].startswith("3. ")
    default = await choices(standin, "quiz", "topic", "")
    assert default[0]["value"] == course.topics[0].id


async def test_setup_with_a_course_sets_the_channels_course(standin: StandIn, client: Any,
                                                            second: Course) -> None:
    """`/study setup ... course:web-apis` says so, and a quiz in that channel without a course is of it."""
    iid = await standin.command(ADMIN, "setup", {"channel": str(CHANNEL_ID), "time": "09:30", "timezone": "UTC",
                                                 "course": second.id}, resolved=channel_resolved(CHANNEL_ID))
    [reply] = await standin.answer(iid)
    assert reply.title == "Daily drop set up ✅"
    assert fields_of(reply)["Course"] == second.title
    [question] = await standin.answer(await standin.command(MEMBER, "quiz", channel_id=CHANNEL_ID))
    assert courses_of(question) == {second.key}


async def test_the_synced_tree_has_a_course_option_where_a_course_is_taken(standin: StandIn,
                                                                           start_client: Any) -> None:
    """The synced `/study` gives each subcommand that takes a course an optional, autocompleted string `course`."""
    await start_client(sync_on_start=True)
    [synced] = standin.command_syncs
    [study] = synced["payload"]
    options = {s["name"]: {o["name"]: o for o in s.get("options", [])} for s in study["options"]}
    with_course = {name for name, opts in options.items() if "course" in opts}
    assert with_course == set(COURSE_OPTION_SUBCOMMANDS)
    for name in COURSE_OPTION_SUBCOMMANDS:
        option = options[name]["course"]
        assert (option["type"], option.get("autocomplete"), option.get("required", False)) == (STRING, True, False)
