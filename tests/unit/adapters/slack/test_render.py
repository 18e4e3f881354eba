"""Every renderer against Slack's Block Kit limits, with the longest lesson of the course."""

from __future__ import annotations

import pytest
from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, SectionBlock

from adapters.slack import limits, render
from bot import actions
from bot.commands import help_message
from bot.content.catalogue import Catalogue
from bot.content.models import Course, Topic
from bot.messages import Button, Choice, Field, Kind, Message, Style
from bot.usecases.interview import interview_message, reveal_message
from bot.usecases.lessons import lesson_message
from bot.usecases.quiz import question_message
from tests.unit.adapters.messages import longest_mistakes


def longest(course: Course) -> Topic:
    """The topic with the longest lesson."""
    return max(course.topics, key=lambda t: len(t.lesson))


def stress(kind: Kind, topic: Topic) -> Message:
    """A message of `kind` carrying the longest lesson everywhere text can go."""
    return Message(
        kind=kind, title=topic.title * 5, body=topic.lesson,
        fields=(Field("Key points", topic.lesson, inline=False), Field("Points", "42"), Field("Streak", "3 days")),
        buttons=tuple(Button(f"Choice {i} " * 10, actions.NextQuiz(topic.id).encode(), Style.PRIMARY)
                      for i in range(4)),
        footer=topic.summary * 3,
        choices=tuple(Choice(letter, topic.summary) for letter in "ABCD"),
    )


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_fits_slack_limits_with_the_longest_lesson(kind: Kind, course: Course) -> None:
    """Each kind's renderer keeps the longest lesson within blocks, section, header and button limits."""
    content = render.payload(stress(kind, longest(course)))
    assert len(content.blocks) <= limits.MESSAGE_BLOCKS
    assert all(len(b.get("text", {}).get("text", "")) <= limits.SECTION_TEXT for b in content.blocks)


def test_every_kind_has_exactly_one_layout() -> None:
    """The layout table covers every message kind."""
    assert set(render.LAYOUTS) == set(Kind)


def test_longest_lesson_is_split_into_sections_without_losing_text(course: Course) -> None:
    """The lesson is cut between paragraphs into sections of at most 3,000 characters, all of it kept."""
    topic = longest(course)
    blocks = render.render(lesson_message(course, topic))
    texts = [b.text.text for b in blocks if isinstance(b, SectionBlock) and b.text is not None]
    assert len(texts) >= 2
    assert all(len(t) <= limits.SECTION_TEXT for t in texts)
    last_words = topic.lesson.strip().split()[-1].strip("*`.")
    lesson_texts = [t for t in texts if not t.startswith(("*Key points*", "*Read more*"))]
    assert last_words in lesson_texts[-1]
    assert all(t.count("```") % 2 == 0 for t in texts)


def test_lesson_has_quiz_button_and_course_position_footer(course: Course) -> None:
    """A daily drop carries "Quiz me on this" and its place in the course, e.g. 15/30."""
    topic = longest(course)
    blocks = render.payload(lesson_message(course, topic)).blocks
    labels = [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert "Quiz me on this" in labels
    assert blocks[-1]["type"] == "context"
    assert f"{course.topic_number(topic.id)}/{len(course.topics)}" in blocks[-1]["elements"][0]["text"]


def test_no_markdown_bold_left_in_any_lesson(course: Course) -> None:
    """No raw `**` survives the conversion of any lesson of the course."""
    for topic in course.topics:
        for block in render.payload(lesson_message(course, topic)).blocks:
            assert "**" not in str(block.get("text", {}).get("text", ""))


def test_real_messages_of_every_use_case_pass_the_checks(course: Course) -> None:
    """Quiz, interview, reveal, help and review messages built by the core all render within limits."""
    topic = max((t for t in course.topics if t.quiz and t.interview), key=lambda t: len(t.lesson))
    quiz, interview = topic.quiz[0], topic.interview[0]
    messages = [
        question_message(course, quiz, "inst000001", scoped=True),
        interview_message(course, interview, "inst000002"),
        reveal_message(course, interview, "inst000002"),
        help_message(Catalogue.of(course), unknown="dance"),
        longest_mistakes(course),
    ]
    for message in messages:
        assert render.payload(message).blocks


def test_quiz_shows_the_choices_in_text_and_letters_on_buttons(course: Course) -> None:
    """Choice texts are in a section; the buttons carry only A-D and the core's action id."""
    quiz = course.topics[0].quiz[0]
    blocks = render.payload(question_message(course, quiz, "inst000003", scoped=False)).blocks
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [b["text"]["text"] for b in buttons] == list("ABCD"[: len(quiz.choices)])
    assert all(isinstance(actions.decode(b["value"]), actions.Answer) for b in buttons)
    assert any("*A.*" in b.get("text", {}).get("text", "") for b in blocks)


def test_too_many_blocks_are_trimmed_keeping_buttons_and_footer(course: Course) -> None:
    """A body that would need more than 50 blocks is shortened, keeping the buttons and footer."""
    topic = longest(course)
    huge = Message(kind=Kind.LESSON, title="Huge", body="\n\n".join([topic.lesson] * 40),
                   buttons=(Button("Quiz me on this", actions.QuizTopic(topic.id).encode()),), footer="Topic 1/30")
    blocks = render.render(huge)
    assert len(blocks) == limits.MESSAGE_BLOCKS
    assert isinstance(blocks[-2], ActionsBlock)
    assert isinstance(blocks[-1], ContextBlock)
    assert limits.check(blocks, limits.MESSAGE_BLOCKS)


def test_home_view_fits_the_home_tab(course: Course) -> None:
    """The App Home view with a stressed stats message stays within 100 blocks and passes the checks."""
    view = render.home_view(stress(Kind.STATS, longest(course)), course.title).to_dict()
    assert view["type"] == "home"
    assert len(view["blocks"]) <= limits.HOME_BLOCKS


def test_check_rejects_an_oversized_section() -> None:
    """The one limit checker refuses a section over 3,000 characters."""
    with pytest.raises(limits.BlockLimitError):
        limits.check([SectionBlock(text="x" * 3001)], limits.MESSAGE_BLOCKS)


def test_every_question_of_the_course_renders_within_limits(course: Course) -> None:
    """Every quiz question, interview question and model answer of the course passes the Block Kit checks."""
    for question in course.quiz_by_id.values():
        assert render.payload(question_message(course, question, "inst000004", scoped=True)).blocks
    for interview in course.interview_by_id.values():
        assert render.payload(interview_message(course, interview, "inst000005")).blocks
        assert render.payload(reveal_message(course, interview, "inst000005")).blocks


def test_every_lesson_of_the_course_renders_within_limits(course: Course) -> None:
    """Every lesson of the course, as a daily drop, passes the Block Kit checks."""
    for topic in course.topics:
        assert render.payload(lesson_message(course, topic)).blocks


def test_button_rows_become_one_actions_block_each() -> None:
    """Buttons the core put on rows 0 and 1 become two actions blocks, in that order."""
    buttons = (Button("Lesson 1", "sb1:l:a", row=0), Button("Quiz 1", "sb1:q:a", row=0),
               Button("All topics", "sb1:s", row=1))
    blocks = render.render(Message(kind=Kind.TOPICS, title="Section", body="x", buttons=buttons))
    rows = [[e.value if isinstance(e, ButtonElement) else e for e in b.elements] for b in blocks
            if isinstance(b, ActionsBlock)]
    assert rows == [["sb1:l:a", "sb1:q:a"], ["sb1:s"]]


def test_header_shows_no_markdown() -> None:
    """A header is plain text on Slack, so a title's code span loses its backticks."""
    blocks = render.render(Message(kind=Kind.LESSON, title="Use `Span<T>`", body="x"))
    assert blocks[0].to_dict()["text"]["text"] == "Use Span<T>"


def test_a_page_of_the_longest_mistakes_fits_without_trimming(course: Course) -> None:
    """A review page of the five longest questions stays within 50 blocks whole: nothing is cut."""
    content = render.payload(longest_mistakes(course))
    assert len(content.blocks) <= limits.MESSAGE_BLOCKS
    assert limits.TRIMMED_NOTE not in str(content.blocks)
    labels = [e["text"]["text"] for b in content.blocks if b["type"] == "actions" for e in b["elements"]]
    assert labels == [f"Try again {n}" for n in range(6, 11)] + ["Newer mistakes", "Older mistakes"]
