"""`/study topics` and topic lookup on Discord: the real client against the local stand-in."""

from __future__ import annotations

from typing import Any

from bot import actions
from bot.content.models import Course
from tests.e2e.discord.discord_standin import MEMBER, StandIn


async def test_topics_lists_the_syllabus_with_section_buttons(standin: StandIn, client: Any,
                                                              course: Course) -> None:
    """`/study topics` answers privately with all 30 topics and one button per section, in rows."""
    [reply] = await standin.answer(await standin.command(MEMBER, "topics"))
    assert reply.ephemeral
    assert reply.title == f"📚 {course.title}"
    assert "**1.** The CLR Deep Dive" in reply.text
    assert f"**30.** {course.topics[29].title}" in reply.text
    rows = reply.data["components"]
    assert [c["custom_id"] for c in rows[0]["components"]] == [actions.Lesson(course.topics[0].id,
                                                                              course=course.key).encode()]
    assert [c["custom_id"] for row in rows[1:] for c in row["components"]] == [
        actions.Topics(s.id, course=course.key).encode() for s in course.sections]
    assert len(rows) <= 5
    assert all(len(row["components"]) <= 5 for row in rows)
    assert "`" not in reply.embeds[-1]["footer"]["text"]


async def test_section_button_shows_a_row_per_topic(standin: StandIn, client: Any, course: Course) -> None:
    """A section button opens its topics: lesson, quiz and interview buttons on one row per topic."""
    [syllabus] = await standin.answer(await standin.command(MEMBER, "topics"))
    press = await standin.click(MEMBER, syllabus, actions.Topics(course.sections[1].id, course=course.key).encode())
    [section] = await standin.answer(press)
    assert section.title == course.sections[1].title
    first = course.sections[1].topic_ids[0]
    rows = section.data["components"]
    opened = (actions.Lesson(first, course=course.key), actions.QuizTopic(first, course=course.key),
              actions.Interview(first, course=course.key))
    assert [c["custom_id"] for c in rows[0]["components"]] == [a.encode() for a in opened]
    assert [c["label"] for c in rows[0]["components"]] == ["📖 5. Async/Await Internals", "Quiz 5", "Interview 5"]


async def test_lesson_span_resolves_to_the_span_topic(standin: StandIn, client: Any, course: Course) -> None:
    """`/study lesson topic:span` (typed, not picked from autocomplete) opens Span<T> with its references."""
    replies = await standin.answer(await standin.command(MEMBER, "lesson", {"topic": "span"}))
    assert replies[0].title == course.topic_by_id["span-and-memory"].title
    text = "\n".join(r.text for r in replies)
    assert "Read more" in text
    assert "](https://learn.microsoft.com/en-us/dotnet/standard/memory-and-spans/)" in text


async def test_leaderboard_footers_are_plain_and_right_for_the_period(standin: StandIn, client: Any) -> None:
    """The month board's footer talks of months, not weeks, and has no backticks."""
    [reply] = await standin.answer(await standin.command(MEMBER, "leaderboard", {"period": "month"}))
    footer = reply.embeds[-1]["footer"]["text"]
    assert footer.startswith("Months follow the calendar in ")
    assert "`" not in footer
    [all_time] = await standin.answer(await standin.command(MEMBER, "leaderboard", {"period": "all"}))
    assert "footer" not in all_time.embeds[-1] or not all_time.embeds[-1]["footer"].get("text")
