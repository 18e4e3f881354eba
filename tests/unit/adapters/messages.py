"""Core messages at their largest, for the renderers' limit tests of every platform."""

from __future__ import annotations

import datetime as dt

from bot.content.models import Course
from bot.messages import Message
from bot.store.learners import Mistake
from bot.usecases.review import mistakes_message


def longest_mistakes(course: Course) -> Message:
    """A middle page of `/study review` holding the five longest questions with their explanations."""
    quiz = sorted((q for t in course.topics for q in t.quiz),
                  key=lambda q: -(len(q.prompt) + len(q.explanation) + sum(len(c) for c in q.choices)))
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    found = [Mistake(q.id, (q.answer + 1) % len(q.choices), now) for q in quiz[:5] * 3]
    return mistakes_message(course, found, 1, now)
