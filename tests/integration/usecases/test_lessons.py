"""Lessons: finding the topic asked for, and the documentation each lesson points to."""

from __future__ import annotations

from bot import actions
from bot.app import StudyBot
from bot.content.models import Course
from bot.messages import Kind
from bot.usecases import interview, lessons
from bot.usecases.context import Core
from tests.conftest import make_actor


async def test_lesson_by_words_of_the_title(studybot: StudyBot) -> None:
    """`/study lesson valuetask vs task` opens the ValueTask lesson."""
    message = await studybot.dispatch(make_actor(), "/study lesson valuetask vs task")
    assert message.kind is Kind.LESSON
    assert message.title.startswith("ValueTask vs Task")


async def test_lesson_by_prefix_and_by_number(core: Core, course: Course) -> None:
    """`span` and `3` both open the Span lesson."""
    for query in ("span", "3"):
        message = await lessons.lesson(core, make_actor(), core.catalogue.default, query)
        assert message.title == course.topic_by_id["span-and-memory"].title


async def test_interview_uses_the_same_resolver(core: Core) -> None:
    """`/study interview span` keeps to the Span topic."""
    message = await interview.next_interview(core, make_actor(), core.catalogue.default, "span")
    assert message.kind is Kind.INTERVIEW
    assert message.title == "Interview · Span<T> and Memory<T>: Zero-copy high-performance code"


async def test_ambiguous_lesson_offers_lesson_buttons(core: Core) -> None:
    """`/study lesson memory` matches three topics and offers a lesson button for each."""
    message = await lessons.lesson(core, make_actor(), core.catalogue.default, "memory")
    assert message.title == "“memory” matches 3 topics"
    assert [b.action for b in message.buttons] == [
        actions.Lesson(t, course=core.catalogue.default.key).encode()
        for t in ("clr-memory-gc", "span-and-memory", "case-memory-leaks-cpu-spikes")
    ]


async def test_lesson_shows_its_references_as_read_more_links(core: Core, course: Course) -> None:
    """Every reference of the topic is a named link under "Read more"."""
    topic = course.topic_by_id["span-and-memory"]
    message = await lessons.lesson(core, make_actor(), core.catalogue.default, topic.id)
    fields = {f.name: f.value for f in message.fields}
    links = fields["Read more"].splitlines()
    assert len(links) == len(topic.references)
    assert links[0] == (
        "- [learn.microsoft.com/dotnet/standard/memory-and-spans]"
        "(https://learn.microsoft.com/en-us/dotnet/standard/memory-and-spans/)"
    )
    assert all(f"({url})" in line for url, line in zip(topic.references, links, strict=True))
