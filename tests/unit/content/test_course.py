"""The shipped course: complete, balanced, and following the source page's syllabus."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bot import actions
from bot.content.loader import load_course
from bot.content.models import Course
from tests.conftest import COURSE_DIR, ROOT

SOURCE_CANDIDATES = (
    ROOT.parent / "shared" / "source" / "dotnet-architect-mastery.txt",
    ROOT / "tests" / "data" / "dotnet-architect-mastery.txt",
)
# Where the source page misspells a product, the syllabus title uses the right name.
SPELLING = {"Benchmark.DotNet": "BenchmarkDotNet"}


def source_sections() -> list[tuple[str, str]]:
    """(section title, the line of its topic titles) from the source page."""
    path = next(p for p in SOURCE_CANDIDATES if p.is_file())
    text = path.read_text(encoding="utf-8")
    for wrong, right in SPELLING.items():
        text = text.replace(wrong, right)
    syllabus = text[text.rindex("C# & .NET 8 Architect Mastery") :].splitlines()[1:]
    pairs = []
    for i, line in enumerate(syllabus):
        match = re.fullmatch(r"(\d)\. (.+)", line.strip())
        if match:
            pairs.append((match.group(2), syllabus[i + 1].strip()))
    return pairs


def test_strict_validation_passes() -> None:
    """`studybot content validate --strict` has nothing to report."""
    result = load_course(COURSE_DIR, strict=True)
    assert [str(i) for i in result.issues] == []


def test_syllabus_titles_and_order_match_the_source_page(course: Course) -> None:
    """Eight sections whose titles and topic titles, in order, are the source page's."""
    sections = source_sections()
    assert [s.title for s in course.sections] == [title for title, _ in sections]
    for section, (_title, line) in zip(course.sections, sections, strict=True):
        titles = [course.topic_by_id[t].title for t in section.topic_ids]
        assert " ".join(titles) == line


def test_thirty_topics_four_per_section_and_two_case_studies(course: Course) -> None:
    """Four topics in each of the first seven sections and two in the last."""
    assert [len(s.topic_ids) for s in course.sections] == [4] * 7 + [2]


def test_every_topic_has_enough_questions(course: Course) -> None:
    """At least six quiz and two interview questions per topic (180 and 60 in all)."""
    for topic in course.topics:
        assert len(topic.quiz) >= 6, topic.id
        assert len(topic.interview) >= 2, topic.id
    assert sum(len(t.quiz) for t in course.topics) >= 180
    assert sum(len(t.interview) for t in course.topics) >= 60


def test_lessons_are_250_to_600_words_with_3_to_5_key_points(course: Course) -> None:
    """Every lesson is within the length standard and has 3-5 key points and references."""
    for topic in course.topics:
        assert 250 <= len(topic.lesson.split()) <= 600, topic.id
        assert 3 <= len(topic.key_points) <= 5, topic.id
        assert topic.references, topic.id


def test_correct_answers_are_spread_over_the_four_positions(course: Course) -> None:
    """No answer position holds more than 30% of the correct answers."""
    positions = Counter(q.answer for t in course.topics for q in t.quiz)
    total = sum(positions.values())
    assert set(positions) == {0, 1, 2, 3}
    assert max(positions.values()) / total <= 0.30, positions


def test_difficulties_are_spread(course: Course) -> None:
    """Each difficulty level holds at least a fifth of the questions."""
    levels = Counter(q.difficulty for t in course.topics for q in t.quiz)
    total = sum(levels.values())
    assert all(levels[d] / total >= 0.2 for d in (1, 2, 3)), levels


def test_no_all_or_none_of_the_above(course: Course) -> None:
    """No choice is "all of the above" or "none of the above"."""
    pattern = re.compile(r"\b(all|none|both) of the (above|others)\b", re.I)
    for question in course.quiz_by_id.values():
        assert not any(pattern.search(c) for c in question.choices), question.id


def test_lesson_code_blocks_are_short(course: Course) -> None:
    """Fenced code in lessons stays within 25 lines."""
    for topic in course.topics:
        for block in re.findall(r"```[a-z]*\n(.*?)```", topic.lesson, re.S):
            assert block.count("\n") <= 25, topic.id


def test_every_button_id_fits_discord_custom_id(course: Course) -> None:
    """Answer, reveal and grade ids for every question stay within 100 characters."""
    instance = actions.new_instance()
    for q in course.quiz_by_id.values():
        assert len(actions.Answer(q.id, instance, 3, scoped=True).encode()) <= actions.MAX_LENGTH
    for iq in course.interview_by_id.values():
        assert len(actions.Grade(iq.id, instance, "again").encode()) <= actions.MAX_LENGTH


@pytest.mark.parametrize(
    "phrase",
    ["class", "struct", "await", "GetAwaiter().GetResult()", "field", "Default to `Task`"],
)
def test_valuetask_lesson_keeps_the_source_points(course: Course, phrase: str) -> None:
    """The worked lesson keeps each point of the source page."""
    assert phrase.lower() in course.topic_by_id["valuetask-vs-task"].lesson.lower()


def test_valuetask_interview_keeps_the_source_question(course: Course) -> None:
    """Its interview asks whether ValueTask makes code faster and answers with GC and p99."""
    first = course.topic_by_id["valuetask-vs-task"].interview[0]
    assert "faster" in first.prompt.lower()
    answer = first.model_answer.lower()
    assert "p99" in answer or "tail latency" in answer
    assert "gc" in answer or "garbage" in answer


def test_source_page_copy_is_current() -> None:
    """The vendored copy of the source page matches the shared one when it is present."""
    shared, vendored = SOURCE_CANDIDATES
    if shared.is_file():
        assert Path(vendored).read_text(encoding="utf-8") == shared.read_text(encoding="utf-8")
    assert vendored.is_file()
