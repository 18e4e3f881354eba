"""`/study topics` and topic lookup on Slack: signed requests to the real bolt endpoint."""

from __future__ import annotations

from bot import actions
from bot.content.models import Course
from tests.e2e.slack.slack_stand_ins import SlackHttpApp, SlackStandIn, buttons_of, text_of


async def test_topics_lists_the_syllabus_with_section_buttons(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course) -> None:
    """`/study topics` answers privately with every topic numbered, and a button per section."""
    status, _ = await slack_http.command("topics", slack_api.response_url("t"))
    assert status == 200
    reply = await slack_api.response("t")
    assert reply["response_type"] == "ephemeral"
    text = text_of(reply)
    assert "*1.* The CLR Deep Dive" in text
    assert "*30.* " + course.topics[29].title in text
    assert "Span&lt;T&gt; and Memory&lt;T&gt;" in text
    assert len(reply["blocks"]) <= 50
    values = [b["value"] for b in buttons_of(reply)]
    assert values[1:] == [actions.Topics(s.id, course=course.key).encode() for s in course.sections]


async def test_a_section_button_offers_lesson_quiz_and_interview_rows(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course) -> None:
    """Pressing a section shows one actions block a topic: its lesson, a quiz and an interview question."""
    section = course.sections[0]
    await slack_http.click(actions.Topics(section.id, course=course.key).encode(), slack_api.response_url("s"),
                           action_ts="1700000009.000001")
    reply = await slack_api.response("s")
    rows = [[e["value"] for e in b["elements"]] for b in reply["blocks"] if b["type"] == "actions"]
    first = section.topic_ids[0]
    opened = (actions.Lesson(first, course=course.key), actions.QuizTopic(first, course=course.key),
              actions.Interview(first, course=course.key))
    assert rows[0] == [a.encode() for a in opened]
    assert rows[-1] == [actions.Topics(course=course.key).encode()]


async def test_lesson_by_prefix_opens_the_span_topic(
        slack_http: SlackHttpApp, slack_api: SlackStandIn, course: Course) -> None:
    """`/study lesson span` resolves to the Span<T> topic and shows its Read more links."""
    await slack_http.command("lesson span", slack_api.response_url("l"))
    reply = await slack_api.response("l")
    header = next(b for b in reply["blocks"] if b["type"] == "header")
    assert header["text"]["text"] == course.topic_by_id["span-and-memory"].title
    text = text_of(reply)
    assert "*Read more*" in text
    assert "<https://learn.microsoft.com/en-us/dotnet/standard/memory-and-spans/|" in text


async def test_lesson_by_words_and_an_ambiguous_word(slack_http: SlackHttpApp, slack_api: SlackStandIn,
                                                     course: Course) -> None:
    """`valuetask vs task` opens that lesson; `task` alone asks which of two topics was meant."""
    await slack_http.command("lesson valuetask vs task", slack_api.response_url("w"))
    header = next(b for b in (await slack_api.response("w"))["blocks"] if b["type"] == "header")
    assert header["text"]["text"].startswith("ValueTask vs Task")
    await slack_http.command("quiz task", slack_api.response_url("a"))
    ambiguous = await slack_api.response("a")
    assert "“task” matches 2 topics" in text_of(ambiguous)
    assert [b["value"] for b in buttons_of(ambiguous)] == [
        actions.QuizTopic("valuetask-vs-task", course=course.key).encode(),
        actions.QuizTopic("whenall-vs-parallel-foreachasync", course=course.key).encode(),
    ]
