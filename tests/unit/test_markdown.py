"""Splitting Markdown to a platform's text limit."""

from __future__ import annotations

import pytest

from bot.content.models import Course
from bot.markdown import plain_text, split_markdown


def test_short_text_is_one_chunk() -> None:
    """Text within the limit comes back whole."""
    assert split_markdown("Hello **there**.", 100) == ["Hello **there**."]


def test_cuts_fall_between_paragraphs() -> None:
    """Two paragraphs that do not fit together become two chunks."""
    assert split_markdown("a" * 60 + "\n\n" + "b" * 60, 100) == ["a" * 60, "b" * 60]


def test_long_line_is_cut_between_words() -> None:
    """A line longer than the limit is cut at a space, not inside a word."""
    chunks = split_markdown(" ".join(["word"] * 50), 40)
    assert all(len(c) <= 40 for c in chunks)
    assert all(not c.startswith(" ") and "wor d" not in c for c in chunks)
    assert " ".join(chunks).split() == ["word"] * 50


def test_cut_code_block_is_closed_and_reopened() -> None:
    """Each chunk of a long code block is a complete fenced block."""
    code = "```csharp\n" + "\n".join(f"var x{i} = {i};" for i in range(40)) + "\n```"
    chunks = split_markdown(code, 120)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.startswith("```csharp\n")
        assert chunk.endswith("\n```")


def test_cut_fence_without_a_language_stays_balanced() -> None:
    """A bare ``` block (as mrkdwn has) is cut into balanced pieces no longer than the limit."""
    code = "```\n" + "\n".join(f"line {i} " + "x" * 40 for i in range(200)) + "\n```"
    chunks = split_markdown("Intro paragraph.\n\n" + code, 3000)
    assert len(chunks) > 1
    assert all(len(c) <= 3000 and c.count("```") % 2 == 0 for c in chunks)


@pytest.mark.parametrize("limit", [500, 1024, 3000])
def test_every_lesson_splits_within_the_limit_losing_nothing(course: Course, limit: int) -> None:
    """Every lesson of the course splits into chunks within the limit with all its words."""
    for topic in course.topics:
        chunks = split_markdown(topic.lesson, limit)
        assert all(len(c) <= limit for c in chunks), topic.id
        words = [w for c in chunks for w in c.split() if not w.startswith("```")]
        assert words == [w for w in topic.lesson.split() if not w.startswith("```")]


def test_plain_text_drops_inline_marks() -> None:
    """Code spans and bold lose their marks; links show their address."""
    assert plain_text("Run `/study quiz` **now**, see [docs](https://x.y/z)") == (
        "Run /study quiz now, see docs (https://x.y/z)"
    )
