"""Finding a topic from what people type: its number, id, title, words of its title or a prefix.

`find_topic` is the one resolver every command that takes a topic uses (lesson, quiz,
interview, and the buttons that open them). It tries, in order, and stops at the first rule
that matches anything:

1. a syllabus number (`12`, ASCII digits only) or an exact id or title;
2. topics whose id and title words contain every word typed (`valuetask vs task`);
3. topics where every word typed starts a word of the id or title (`span`, `prim ctor`).

One match is the answer; several are a real ambiguity and come back as suggestions; none falls
back to a fuzzy "did you mean".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot import actions
from bot.content.models import Course, Topic
from bot.domain.numbers import small_number
from bot.messages import Button, Message, error
from bot.text import shorten

MAX_QUERY = 200  # characters of a query that are looked at; the rest is ignored
MAX_NUMBER_DIGITS = 3
MAX_SUGGESTIONS = 5
SHOWN_QUERY = 60  # characters of a query that matched nothing, quoted back
WORD = re.compile(r"[a-z0-9]+")
FILLER = frozenset({"a", "an", "and", "the", "of", "in", "on", "for", "to", "with", "vs", "versus"})


def clean_query(query: str) -> str:
    """The query cut to MAX_QUERY characters, trimmed, with runs of spaces made one."""
    return " ".join(query[:MAX_QUERY].split())


def topic_number(text: str) -> int | None:
    """`12` or `#12` as a number: ASCII decimal digits only, at most three of them."""
    return small_number(text.removeprefix("#"), MAX_NUMBER_DIGITS)


def words_of(text: str) -> list[str]:
    """The lower-case words of a title, an id or a query (`Span<T>` gives `span`, `t`)."""
    return WORD.findall(text.lower())


@dataclass(frozen=True)
class TopicNotFound:
    """A topic the user asked for that does not exist or is ambiguous, with topics to offer."""

    query: str
    suggestions: tuple[Topic, ...]
    numbered: tuple[int, ...]
    count: int
    ambiguous: bool = False
    number: bool = False
    matches: int = 0
    course_key: str = ""

    def message(self, open_action: Callable[..., actions.Action] = actions.Lesson, also: str = "") -> Message:
        """A friendly error listing the topics meant, each with a button made by `open_action`; `also` ends it."""
        listing = "\n".join(
            f"- **{n}.** {t.title} (`{t.id}`)"
            for n, t in zip(self.numbered, self.suggestions, strict=True)
        )
        usage = (
            f"Give a topic's number (1-{self.count}), its id or words of its title. "
            "`/study topics` lists them all."
        )
        if self.ambiguous:
            title = f"“{self.query}” matches {self.matches} topics"
            more = "Which one did you mean?" if self.matches == len(self.suggestions) else (
                f"Which one did you mean? The first {len(self.suggestions)}:"
            )
            body = f"{more}\n\n{listing}\n\n{usage}"
        elif self.number:
            title = f"There is no topic {self.query}"
            body = usage
        else:
            title = f"No topic called “{self.query}”"
            body = f"Did you mean one of these?\n\n{listing}\n\n{usage}" if listing else usage
        buttons = tuple(
            Button(f"{n}. {t.title}", open_action(t.id, course=self.course_key).encode())
            for n, t in zip(self.numbered, self.suggestions, strict=True)
        )
        return replace(error(title, f"{body}\n\n{also}" if also else body), buttons=buttons)


def find_topic(course: Course, query: str) -> Topic | TopicNotFound:
    """The topic meant by `query` (number, id, title, words or prefixes), else what to offer."""
    text = clean_query(query)
    number = topic_number(text)
    if number is not None:
        if 1 <= number <= len(course.topics):
            return course.topics[number - 1]
        return _not_found(course, text, (), number=True)
    hits = matching_topics(course, text)
    if len(hits) == 1:
        return hits[0]
    if hits:
        return _not_found(course, text, hits[:MAX_SUGGESTIONS], ambiguous=True, matches=len(hits))
    close = suggest_topics(course, text)
    return _not_found(course, text, tuple(course.topic_by_id[i] for i in close))


def matching_topics(course: Course, text: str) -> tuple[Topic, ...]:
    """The topics of the first rule that matches `text` (exact id or title, words, prefixes)."""
    lowered = clean_query(text).lower()
    exact = tuple(t for t in course.topics if lowered in (t.id, t.title.lower()))
    if exact or not lowered:
        return exact
    typed = words_of(lowered)
    meaningful = [w for w in typed if w not in FILLER] or typed
    if not meaningful:
        return ()
    for rule in (_has_every_word, _has_every_prefix):
        hits = tuple(t for t in course.topics if rule(meaningful, _topic_words(t)))
        if hits:
            return hits
    return ()


def _topic_words(topic: Topic) -> list[str]:
    return words_of(topic.id) + words_of(topic.title)


def _has_every_word(typed: list[str], words: list[str]) -> bool:
    return all(w in words for w in typed)


def _has_every_prefix(typed: list[str], words: list[str]) -> bool:
    return all(any(word.startswith(w) for word in words) for w in typed)


def _not_found(
    course: Course, text: str, topics: tuple[Topic, ...], *, ambiguous: bool = False, number: bool = False,
    matches: int = 0,
) -> TopicNotFound:
    numbers = tuple(course.topic_number(t.id) for t in topics)
    return TopicNotFound(shorten(text, SHOWN_QUERY), topics, numbers, len(course.topics), ambiguous, number, matches,
                         course.key)


def suggest_topics(course: Course, query: str, limit: int = 3, cutoff: int = 50) -> tuple[str, ...]:
    """Topic ids that best match a free-text query (by id and by title), scoring at least `cutoff` of 100.

    rapidfuzz (2 MB) is loaded on the first miss, not at start-up.
    """
    from rapidfuzz import fuzz, process

    choices = {t.id: f"{t.id} {t.title}" for t in course.topics}
    hits = process.extract(clean_query(query).lower(), choices, scorer=fuzz.WRatio, processor=str.lower, limit=limit)
    return tuple(str(key) for _text, score, key in hits if score >= cutoff)


def search_topics(course: Course, query: str, limit: int = 25) -> list[Topic]:
    """Topics for autocomplete: all in order for an empty query; else the matches, then fuzzy ones."""
    text = clean_query(query)
    if not text:
        return list(course.topics[:limit])
    number = topic_number(text)
    found = [course.topics[number - 1]] if number and number <= len(course.topics) else []
    found += [t for t in matching_topics(course, text) if t not in found]
    found += [course.topic_by_id[i] for i in suggest_topics(course, text, limit, cutoff=40)]
    return list(dict.fromkeys(found))[:limit]
