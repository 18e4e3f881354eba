"""The text entry point: commands, help and friendly errors."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot import actions
from bot.app import ADMINS_ONLY, StudyBot
from bot.commands import SUBCOMMANDS
from bot.content.catalogue import Catalogue
from bot.content.models import Course
from bot.messages import Kind
from bot.store.db import create_engine
from bot.usecases.context import Core
from tests.conftest import make_actor


@pytest.mark.parametrize("text", ["/study", "/study help", "help"])
async def test_blank_and_help_show_help(studybot: StudyBot, text: str) -> None:
    """No subcommand, or help, lists the commands."""
    message = await studybot.dispatch(make_actor(), text)
    assert message.kind is Kind.HELP
    assert "/study quiz [course] [topic]" in message.body


async def test_unknown_subcommand_shows_help_naming_it(studybot: StudyBot) -> None:
    """An unknown subcommand is named and help follows."""
    message = await studybot.dispatch(make_actor(), "/study dance")
    assert message.title == "“dance” is not a StudyBot command"


@pytest.mark.parametrize("name", [c.name for c in SUBCOMMANDS if c.admin])
async def test_an_admin_subcommand_refuses_a_learner_before_it_runs(studybot: StudyBot, name: str) -> None:
    """A learner is refused every admin subcommand before its handler sees the arguments."""
    message = await studybot.run(make_actor(), name, ["!!!"])
    assert message == ADMINS_ONLY


async def test_apostrophe_is_not_taken_for_a_quote(studybot: StudyBot) -> None:
    """`what's new` is read as two words, so the reply is about the topic, not about quotes."""
    message = await studybot.dispatch(make_actor(), "/study lesson what's new")
    assert message.title == "No topic called “what's new”"


@pytest.mark.parametrize("query", ["6", "valuetask-vs-task", "ValueTask vs Task: Avoiding allocation in hot paths"])
async def test_lesson_by_number_id_or_title(studybot: StudyBot, course: Course, query: str) -> None:
    """A lesson can be asked for by syllabus number, id or exact title."""
    message = await studybot.dispatch(make_actor(), f'/study lesson "{query}"')
    assert message.title == course.topic_by_id["valuetask-vs-task"].title
    assert message.footer.startswith("Topic 6/30")


async def test_today_is_the_first_topic_before_any_drop(studybot: StudyBot, course: Course) -> None:
    """A channel that has had no drop yet starts at topic 1."""
    message = await studybot.dispatch(make_actor(), "/study today")
    assert message.title == course.topics[0].title
    assert message.body.startswith("**Today's topic**")


async def test_damaged_button_is_a_friendly_error(studybot: StudyBot) -> None:
    """A click with an id StudyBot did not make is answered politely."""
    message = await studybot.click(make_actor(), "not-ours", "d1")
    assert message.title == "That button is not one of mine"


async def test_buttons_posted_by_earlier_versions_still_work(studybot: StudyBot, course: Course) -> None:
    """Literal ids of buttons already in chats open what they opened, and record what they recorded."""
    lesson = await studybot.click(make_actor(), "sb1:l:clr-memory-gc", "d1")
    assert lesson.title == course.topic_by_id["clr-memory-gc"].title
    answered = await studybot.click(make_actor(), "sb1:a:valuetask-vs-task.q1:AbC-12_xyz:1:t", "d2")
    assert answered.title == "✅ Correct!"
    assert actions.decode(answered.buttons[0].action) == actions.NextQuiz("valuetask-vs-task", course=course.key)
    section = await studybot.click(make_actor(), "sb1:s:memory-performance", "d3")
    assert section.title == course.section_by_id["memory-performance"].title


@pytest.mark.parametrize("choice", ["²", "٣", "9" * 5000, "-1", ""])
async def test_an_answer_button_with_a_choice_that_is_no_small_number_is_damaged(
    studybot: StudyBot, course: Course, choice: str
) -> None:
    """Unicode digits, huge numbers and signs in a button's choice are a damaged button, not an error."""
    question = course.topics[0].quiz[0]
    action = actions.Answer(question.id, "i1", 0).encode().rsplit(":", 1)[0] + f":{choice}"
    message = await studybot.click(make_actor(), action, "d1")
    assert message.title == "That button is damaged"


@pytest.mark.parametrize("text", ["²", "٣", "9" * 5000])
async def test_a_lesson_number_that_is_no_small_number_is_looked_up_as_text(studybot: StudyBot, text: str) -> None:
    """`/study lesson ²` and a 5,000-digit number get a polite "no such topic", not an error."""
    message = await studybot.dispatch(make_actor(), f"/study lesson {text}")
    assert message.kind is Kind.ERROR
    assert "Something went wrong" not in message.title


async def test_database_gone_gives_a_friendly_message(course: Course) -> None:
    """With the database unreachable, the user gets a clear message instead of a traceback."""
    engine = create_engine("postgresql://nobody@127.0.0.1:1/none")
    bot = StudyBot(Core(catalogue=Catalogue.of(course), sessions=async_sessionmaker(engine)))
    message = await bot.dispatch(make_actor(), "/study quiz")
    await engine.dispose()
    assert message.title == "StudyBot can't reach its database right now"
    assert message.body == "Please try again in a minute."


async def test_requests_during_an_outage_log_one_line_without_a_traceback(
    course: Course, caplog: pytest.LogCaptureFixture
) -> None:
    """Twenty requests against an unreachable database leave one log line, naming the cause."""
    engine = create_engine("postgresql://nobody@127.0.0.1:1/none")
    bot = StudyBot(Core(catalogue=Catalogue.of(course), sessions=async_sessionmaker(engine)))
    with caplog.at_level(logging.INFO, logger="bot.app"):
        for _ in range(20):
            await bot.dispatch(make_actor(), "/study quiz")
    await engine.dispose()
    records = [r for r in caplog.records if r.name == "bot.app"]
    assert len(records) == 1
    assert records[0].getMessage().startswith("database unavailable (")
    assert records[0].exc_info is None


async def test_database_gone_during_a_click_says_it_was_not_recorded(course: Course) -> None:
    """A click that could not reach the database is reported as not recorded, to be pressed again."""
    engine = create_engine("postgresql://nobody@127.0.0.1:1/none")
    bot = StudyBot(Core(catalogue=Catalogue.of(course), sessions=async_sessionmaker(engine)))
    q = course.topics[0].quiz[0]
    message = await bot.click(make_actor(), actions.Answer(q.id, "i1", q.answer).encode(), "d1")
    await engine.dispose()
    assert message.title == "StudyBot can't reach its database right now"
    assert "was not recorded" in message.body
    assert "press the button again" in message.body
    assert "Nothing you did was lost" not in message.body


async def test_a_command_of_a_megabyte_is_refused_at_once(studybot: StudyBot) -> None:
    """One 1 MB word is answered "too long" without being parsed or matched against topics."""
    message = await studybot.dispatch(make_actor(), "/study lesson " + "x" * 1_000_000)
    assert message.title == "That command is too long"
