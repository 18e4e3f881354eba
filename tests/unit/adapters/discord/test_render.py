"""Every renderer against Discord's embed and component limits, with the longest lesson."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.discord import render as r
from bot import actions
from bot.app import ADMINS_ONLY, DATABASE_DOWN, UNEXPECTED
from bot.commands import help_message
from bot.content.catalogue import Catalogue
from bot.content.models import Course
from bot.markdown import split_markdown
from bot.messages import Attachment, Button, Choice, Field, Kind, Message, Visibility, channel_mention
from bot.store.answers import StatsRow
from bot.usecases.interview import interview_message, reveal_message
from bot.usecases.lessons import lesson_message
from bot.usecases.quiz import feedback_message, question_message
from bot.usecases.syllabus import TopicProgress, section_message, syllabus_message
from tests.unit.adapters.messages import longest_mistakes


def longest_lesson(course: Course) -> Message:
    """The lesson message of the course's longest lesson."""
    return lesson_message(course, max(course.topics, key=lambda t: len(t.lesson)))


def core_messages(course: Course) -> Iterator[tuple[str, Message]]:
    """One message of every kind the core makes, each from its longest content."""
    yield "lesson", longest_lesson(course)
    topic = max(course.topics, key=lambda t: len(t.lesson))
    yield "drop", lesson_message(course, topic, visibility=Visibility.PUBLIC, heading="**Today's topic**")
    quiz = [q for t in course.topics for q in t.quiz]
    question = max(quiz, key=lambda q: len(q.prompt) + sum(len(c) for c in q.choices))
    yield "quiz", question_message(course, question, actions.new_instance(), scoped=True)
    explained = max(quiz, key=lambda q: len(q.explanation))
    wrong = (explained.answer + 1) % len(explained.choices)
    stats = StatsRow(points=1234, answers=50, correct=40, current_streak=12, best_streak=30)
    yield "feedback", feedback_message(course, explained, wrong, stats, scoped=False, earned=0)
    interviews = [q for t in course.topics for q in t.interview]
    yield "interview", interview_message(course, max(interviews, key=lambda q: len(q.prompt)), "abcdefghij")
    answer = max(interviews, key=lambda q: len(q.model_answer) + sum(len(x) for x in q.rubric))
    yield "reveal", reveal_message(course, answer, "abcdefghij")
    yield "help", help_message(Catalogue.of(course))
    yield "refuse", ADMINS_ONLY
    yield "unexpected", UNEXPECTED
    yield "database-down", DATABASE_DOWN
    progress = {t.id: TopicProgress(True, 3, len(t.quiz)) for t in course.topics}
    yield "topics", syllabus_message(course, progress)
    biggest = max(course.sections, key=lambda s: len(s.topic_ids))
    yield "section", section_message(course, biggest, progress)
    yield "review", longest_mistakes(course)


def monster() -> Message:
    """A message past every limit at once."""
    return Message(
        kind=Kind.INFO, title="T" * 400, body=("word " * 300 + "\n\n") * 20 + "x" * 9000,
        fields=tuple(Field(f"name {i} " + "n" * 300, "v" * 3000, inline=i % 2 == 0) for i in range(40)),
        buttons=tuple(Button("L" * 120, f"sb1:n:topic-{i}") for i in range(30)),
        footer="F" * 3000, choices=(Choice("A", "a" * 500),),
    )


def assert_within_limits(rendered: r.Rendered) -> None:
    """Every part of a rendered message respects Discord's limits."""
    assert rendered.parts
    for part in rendered.parts:
        assert 1 <= len(part.embeds) <= 10
        assert sum(len(e) for e in part.embeds) <= 6000
        for embed in part.embeds:
            assert len(embed.title or "") <= 256
            assert len(embed.description or "") <= 4096
            assert len(embed.fields) <= 25
            assert all(len(f.name or "") <= 256 and len(f.value or "") <= 1024 for f in embed.fields)
            assert all(f.value for f in embed.fields)
            assert len(embed.footer.text or "") <= 2048
        assert len(part.buttons) <= 25
        assert all(len(b.label) <= 80 and len(b.custom_id) <= 100 for b in part.buttons)
    assert all(not p.buttons for p in rendered.parts[:-1])


@pytest.mark.parametrize("name", ["lesson", "drop", "quiz", "feedback", "interview", "reveal", "help", "refuse",
                                  "unexpected", "database-down", "topics", "section", "review"])
async def test_core_message_fits_discord(course: Course, name: str) -> None:
    """Each kind of core message renders within every embed and component limit."""
    message = dict(core_messages(course))[name]
    rendered = r.render(message)
    assert_within_limits(rendered)
    view = rendered.parts[-1].make_view()
    rows = view.to_components() if view else []
    assert len(rows) <= 5
    assert all(len(row["components"]) <= 5 for row in rows)


async def test_monster_message_is_split_within_limits() -> None:
    """A message past every limit is split over messages and embeds, never over a limit."""
    rendered = r.render(monster())
    assert_within_limits(rendered)
    assert len(rendered.parts) > 1
    assert len(rendered.parts[-1].buttons) == 25


def test_longest_lesson_loses_no_text(course: Course) -> None:
    """Splitting the longest lesson keeps every line of it, in order."""
    topic = max(course.topics, key=lambda t: len(t.lesson))
    text = "\n".join(e.description or "" for p in r.render(longest_lesson(course)).parts for e in p.embeds)
    position = 0
    for line in (ln for ln in topic.lesson.splitlines() if ln.strip()):
        found = text.find(line, position)
        assert found >= 0, line
        position = found


def test_long_lesson_needs_two_embeds(course: Course) -> None:
    """The longest lesson is over 4,096 characters, so it is split over embeds (in one message or two)."""
    rendered = r.render(longest_lesson(course))
    assert len([e for part in rendered.parts for e in part.embeds]) >= 2
    assert rendered.parts[0].embeds[0].title == longest_lesson(course).title


def test_code_blocks_stay_closed_in_every_chunk() -> None:
    """A code block longer than an embed is closed and reopened, so each chunk renders."""
    code = "```csharp\n" + "\n".join(f"var x{i} = {i};" for i in range(600)) + "\n```"
    chunks = split_markdown("Intro\n\n" + code + "\n\nOutro", 4096)
    assert len(chunks) > 1
    assert all(len(c) <= 4096 and c.count("```") % 2 == 0 for c in chunks)
    assert all(c.startswith("```csharp") for c in chunks[1:-1])


def test_quiz_shows_choices_in_text_and_letters_on_buttons(course: Course) -> None:
    """A quiz lists its lettered choices in the embed and puts only the letters on the buttons."""
    question = course.topics[0].quiz[0]
    rendered = r.render(question_message(course, question, "abcdefghij", scoped=False))
    description = rendered.parts[0].embeds[0].description or ""
    assert all(f"**{letter}.** {text}" in description for letter, text in zip("ABCD", question.choices, strict=False))
    assert [b.label for b in rendered.parts[-1].buttons] == list("ABCD"[: len(question.choices)])


def test_visibility_maps_to_ephemeral(course: Course) -> None:
    """Private messages are ephemeral; public ones (drops) are not."""
    assert r.render(longest_lesson(course)).ephemeral
    topic = course.topics[0]
    assert not r.render(lesson_message(course, topic, visibility=Visibility.PUBLIC)).ephemeral


def test_footer_and_title_show_no_markdown() -> None:
    """Discord shows embed footers as typed: code spans and bold lose their marks there and in the title."""
    message = Message(kind=Kind.INFO, title="Use `on` or **off**", footer="See `/study leaderboard all`")
    embed = r.render(message).parts[0].embeds[0]
    assert embed.footer.text == "See /study leaderboard all"
    assert embed.title == "Use on or off"


def test_buttons_keep_the_rows_the_core_asks_for() -> None:
    """Buttons with rows go on those rows; a row of seven wraps onto the next."""
    buttons = (Button("a", "sb1:l:a", row=0), *(Button(f"b{i}", f"sb1:l:b{i}", row=1) for i in range(7)))
    view = r.render(Message(kind=Kind.TOPICS, title="t", buttons=buttons)).parts[-1].make_view()
    assert view is not None
    rows = [[c["label"] for c in row["components"]] for row in view.to_components()]
    assert rows == [["a"], ["b0", "b1", "b2", "b3", "b4"], ["b5", "b6"]]


def test_more_rows_than_discord_allows_are_packed_five_a_row() -> None:
    """Eight one-button rows cannot be shown, so the buttons are packed five to a row instead."""
    buttons = tuple(Button(f"b{i}", f"sb1:l:b{i}", row=i) for i in range(8))
    specs = r.render(Message(kind=Kind.TOPICS, title="t", buttons=buttons)).parts[-1].buttons
    assert [s.row for s in specs] == [0, 0, 0, 0, 0, 1, 1, 1]


def test_a_channel_mention_is_a_discord_channel_link() -> None:
    """The core's channel mention becomes Discord's `<#id>`, which Discord shows as a live link."""
    rendered = r.render(Message(kind=Kind.INFO, title="t", body=f"Drops in {channel_mention('123', 'team')}."))
    assert rendered.parts[0].embeds[0].description == "Drops in <#123>."


def test_a_review_page_keeps_try_again_and_paging_on_their_own_rows(course: Course) -> None:
    """Five Try again buttons on one row, Newer and Older mistakes on the next."""
    specs = r.render(longest_mistakes(course)).parts[-1].buttons
    assert [(b.label, b.row) for b in specs] == [(f"Try again {n}", 0) for n in range(6, 11)] + [
        ("Newer mistakes", 1), ("Older mistakes", 1)]


def test_an_attachment_goes_as_a_file_on_the_last_part() -> None:
    """A message's file is uploaded with its last Discord message, named and described as the core says."""
    data = b'{"answers": []}'
    message = Message(kind=Kind.INFO, title="Your data", body="word " * 2000,
                      attachments=(Attachment("my-data.json", data, "application/json", "Your data as JSON"),))
    rendered = r.render(message)
    assert len(rendered.parts) > 1
    assert all(not part.attachments for part in rendered.parts[:-1])
    [file] = rendered.parts[-1].files()
    assert (file.filename, file.description, file.fp.read()) == ("my-data.json", "Your data as JSON", data)


def test_each_send_gets_fresh_files() -> None:
    """A file is read when sent, so sending again (a retry, a follow-up) makes it anew from the start."""
    message = Message(kind=Kind.INFO, title="t", attachments=(Attachment("a.json", b"{}", "application/json", "a"),))
    part = r.render(message).parts[-1]
    first, second = part.files()[0], part.files()[0]
    first.fp.read()
    assert first is not second
    assert second.fp.read() == b"{}"
