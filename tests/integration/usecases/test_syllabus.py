"""`/study topics`: the syllabus by section with each learner's progress, against a real database."""

from __future__ import annotations

import re

from bot import actions
from bot.app import StudyBot
from bot.content.models import Course
from bot.messages import Kind
from bot.usecases import quiz, syllabus
from bot.usecases.context import Core
from tests.conftest import make_actor


async def test_syllabus_lists_every_topic_numbered_by_section(studybot: StudyBot, course: Course) -> None:
    """`/study topics` shows the 8 sections and the 30 topics numbered 1-30 in syllabus order."""
    message = await studybot.dispatch(make_actor(), "/study topics")
    assert message.kind is Kind.TOPICS
    numbers = [int(n) for n in re.findall(r"^- . \*\*(\d+)\.\*\*", message.body, re.MULTILINE)]
    assert numbers == list(range(1, 31))
    positions = [message.body.index(f"**{s.title}**") for s in course.sections]
    assert positions == sorted(positions)
    assert f"**1.** {course.topics[0].title}" in message.body


async def test_syllabus_shows_the_callers_progress(core: Core, course: Course) -> None:
    """Two of six questions right in topic 1 shows it practised with 2/6 right; topic 2 not started."""
    actor = make_actor()
    first = course.topics[0]
    for n, q in enumerate(first.quiz[:3]):
        choice = q.answer if n < 2 else (q.answer + 1) % len(q.choices)
        await quiz.answer(core, actor, core.catalogue.default, q.id, f"i{n}", choice, f"d{n}")
    body = (await syllabus.topics(core, actor, core.catalogue.default)).body
    assert f"- ● **1.** {first.title} · 2/6 questions right" in body
    assert f"- ○ **2.** {course.topics[1].title}\n" in body
    assert "You have practised 1 of 30 topics." in body
    other = (await syllabus.topics(core, make_actor("u2"), core.catalogue.default)).body
    assert f"- ○ **1.** {first.title}\n" in other


async def test_a_topic_with_every_question_right_is_ticked(core: Core, course: Course) -> None:
    """Every quiz question of a topic answered right marks the topic ✓."""
    actor = make_actor()
    topic = course.topics[2]
    for n, q in enumerate(topic.quiz):
        await quiz.answer(core, actor, core.catalogue.default, q.id, f"i{n}", q.answer, f"d{n}")
    body = (await syllabus.topics(core, actor, core.catalogue.default)).body
    assert f"- ✓ **3.** {topic.title} · 6/6 questions right" in body


async def test_syllabus_buttons_open_the_next_topic_and_each_section(core: Core, course: Course) -> None:
    """One button for the next topic not yet practised, then one per section, within 5 rows of 5."""
    message = await syllabus.topics(core, make_actor(), core.catalogue.default)
    assert message.buttons[0].action == actions.Lesson(course.topics[0].id, course=course.key).encode()
    sections = [actions.Topics(s.id, course=course.key).encode() for s in course.sections]
    assert [b.action for b in message.buttons[1:]] == sections
    assert message.buttons[1].label == "1-4 · Memory Management & Performance"
    rows = {b.row for b in message.buttons}
    assert len(message.buttons) <= 25
    assert len(rows) <= 5
    assert all(sum(b.row == r for b in message.buttons) <= 5 for r in rows)


async def test_a_section_button_lists_its_topics_with_lesson_quiz_and_interview(studybot: StudyBot,
                                                                                course: Course) -> None:
    """Clicking a section shows its topics, one row each: the lesson, a quiz and an interview question."""
    section = course.sections[1]
    message = await studybot.click(make_actor(), actions.Topics(section.id).encode(), "k1")
    assert message.kind is Kind.TOPICS
    assert message.title == section.title
    first = course.topic_by_id[section.topic_ids[0]]
    assert [(b.label, b.action) for b in message.buttons if b.row == 0] == [
        ("📖 5. Async/Await Internals", actions.Lesson(first.id, course=course.key).encode()),
        ("Quiz 5", actions.QuizTopic(first.id, course=course.key).encode()),
        ("Interview 5", actions.Interview(first.id, course=course.key).encode()),
    ]
    assert message.buttons[-1].action == actions.Topics(course=course.key).encode()
    assert message.footer.startswith("Section 2/8 · topics 5-8")


async def test_a_section_that_left_the_course_is_a_friendly_error(studybot: StudyBot) -> None:
    """An old section button whose section is gone is answered politely."""
    message = await studybot.click(make_actor(), actions.Topics("gone-section").encode(), "k1")
    assert message.kind is Kind.ERROR


async def test_help_lists_topics(studybot: StudyBot) -> None:
    """`/study help` lists `/study topics` and how to name a topic."""
    body = (await studybot.dispatch(make_actor(), "/study help")).body
    assert "`/study topics`" in body
    assert "`/study lesson 6`" in body
