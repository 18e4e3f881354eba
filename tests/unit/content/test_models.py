"""A course's indexes: its quiz questions in syllabus order, and each topic's place in the syllabus."""

from __future__ import annotations

import pytest

from bot.content.models import Course


def test_quiz_ids_follow_the_syllabus(course: Course) -> None:
    """The quiz question ids are those of the topics in order, each topic's questions in order."""
    assert course.quiz_ids == tuple(q.id for t in course.topics for q in t.quiz)


def test_topic_number_is_the_place_in_the_syllabus(course: Course) -> None:
    """The first topic is number 1, the last the number of topics."""
    assert (course.topic_number(course.topics[0].id), course.topic_number(course.topics[-1].id)) == (
        1, len(course.topics))


def test_topic_number_refuses_a_topic_not_in_the_course(course: Course) -> None:
    """A topic id the course does not have has no number."""
    with pytest.raises(ValueError, match="not a topic"):
        course.topic_number("no-such-topic")
