"""Finding topics by id, number or title, with suggestions for near misses."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.content.models import Course, Topic
from bot.messages import Message, error


@dataclass(frozen=True)
class TopicNotFound:
    """A topic the user asked for that does not exist, with the closest ids."""

    query: str
    suggestions: tuple[str, ...]

    def message(self) -> Message:
        """A friendly error that names the closest topics."""
        hint = ""
        if self.suggestions:
            hint = "Did you mean " + ", ".join(f"`{s}`" for s in self.suggestions) + "?\n"
        return error(
            f"No topic called “{self.query}”",
            hint
            + "Use a topic id or its number (1-30 in syllabus order); `/study help` lists commands.",
        )


def find_topic(course: Course, query: str) -> Topic | TopicNotFound:
    """The topic for an id, a syllabus number or a title; else the closest ids."""
    text = query.strip()
    if text.isdigit() and 1 <= int(text) <= len(course.topics):
        return course.topics[int(text) - 1]
    lowered = text.lower()
    for topic in course.topics:
        if lowered in (topic.id, topic.title.lower()):
            return topic
    return TopicNotFound(text, suggest_topics(course, text))


def suggest_topics(course: Course, query: str, limit: int = 3) -> tuple[str, ...]:
    """Topic ids that best match a free-text query (by id and by title)."""
    choices = {t.id: f"{t.id} {t.title}" for t in course.topics}
    hits = process.extract(
        query.lower(), choices, scorer=fuzz.WRatio, processor=str.lower, limit=limit
    )
    return tuple(str(key) for _text, score, key in hits if score >= 50)


def search_topics(course: Course, query: str, limit: int = 25) -> list[Topic]:
    """Topics for autocomplete: all in order for an empty query, else by fuzzy score."""
    if not query.strip():
        return list(course.topics[:limit])
    choices = {t.id: f"{t.id} {t.title}" for t in course.topics}
    hits = process.extract(
        query.lower(), choices, scorer=fuzz.WRatio, processor=str.lower, limit=limit
    )
    return [course.topic_by_id[str(key)] for _text, score, key in hits if score >= 40]
