"""The one topic resolver: numbers, ids, title words, prefixes, and real ambiguity."""

from __future__ import annotations

import time

import pytest

from bot import actions
from bot.content.models import Course, Topic
from bot.usecases.topics import MAX_QUERY, TopicNotFound, find_topic, search_topics


def resolved(course: Course, query: str) -> str:
    """The id a query resolves to (fails the test when it does not resolve)."""
    found = find_topic(course, query)
    assert isinstance(found, Topic), found
    return found.id


def not_found(course: Course, query: str) -> TopicNotFound:
    """What a query that does not resolve to one topic gives back."""
    found = find_topic(course, query)
    assert isinstance(found, TopicNotFound), found
    return found


def test_words_of_the_title_find_the_topic(course: Course) -> None:
    """`valuetask vs task` is the ValueTask topic, though it is neither its id nor its whole title."""
    assert resolved(course, "valuetask vs task") == "valuetask-vs-task"


def test_a_unique_prefix_finds_the_topic(course: Course) -> None:
    """`span` starts a word of only one topic, so it is that topic."""
    assert resolved(course, "span") == "span-and-memory"


@pytest.mark.parametrize("query", ["12", "#12", " 12 "])
def test_a_syllabus_number_finds_the_topic(course: Course, query: str) -> None:
    """A number in 1-30 is the topic at that place in the syllabus."""
    assert resolved(course, query) == course.topics[11].id


def test_ids_and_whole_titles_still_work(course: Course) -> None:
    """An exact id or an exact title (any case) is that topic."""
    assert resolved(course, "pattern-matching") == "pattern-matching"
    assert resolved(course, course.topics[13].title.upper()) == course.topics[13].id


def test_fillers_and_punctuation_do_not_get_in_the_way(course: Course) -> None:
    """`Span<T>` and `the options pattern` find their topics."""
    assert resolved(course, "Span<T>") == "span-and-memory"
    assert resolved(course, "the options pattern") == "options-pattern"


def test_a_whole_word_beats_a_mere_prefix(course: Course) -> None:
    """`di` is the DI topic (its title has the word DI), not every title with a word starting di."""
    assert resolved(course, "di") == "dependency-injection-lifetimes"


def test_a_truly_ambiguous_word_lists_the_topics_it_matches(course: Course) -> None:
    """`task` is a word of two titles: both are offered, with their numbers, as buttons."""
    found = not_found(course, "task")
    assert found.ambiguous
    assert [t.id for t in found.suggestions] == ["valuetask-vs-task", "whenall-vs-parallel-foreachasync"]
    message = found.message(actions.QuizTopic)
    assert message.title == "“task” matches 2 topics"
    assert "**6.** ValueTask vs Task" in message.body
    assert [b.action for b in message.buttons] == [actions.QuizTopic("valuetask-vs-task", course=course.key).encode(),
                                                  actions.QuizTopic("whenall-vs-parallel-foreachasync",
                                                                    course=course.key).encode()]


@pytest.mark.parametrize("query", ["0", "31", "999"])
def test_a_number_outside_the_syllabus_says_how_many_topics_there_are(course: Course, query: str) -> None:
    """Topic numbers run 1-30; another number is answered with that range."""
    message = not_found(course, query).message()
    assert message.title == f"There is no topic {query}"
    assert "1-30" in message.body


@pytest.mark.parametrize("query", ["²", "١٢", "1234", "00012"])
def test_only_short_ascii_numbers_are_numbers(course: Course, query: str) -> None:
    """Superscripts, other scripts' digits and long digit runs are not topic numbers, and never crash."""
    found = not_found(course, query)
    assert not found.ambiguous


def test_a_huge_query_costs_nothing_and_is_shown_short(course: Course) -> None:
    """A megabyte of text is cut to the first 200 characters and answered at once."""
    started = time.perf_counter()
    found = find_topic(course, "x" * 1_000_000)
    assert time.perf_counter() - started < 0.5
    assert isinstance(found, TopicNotFound)
    assert len(found.message().title) < 80
    assert MAX_QUERY == 200


def test_a_typo_gets_did_you_mean(course: Course) -> None:
    """`valutask` matches no word, so the closest topic is suggested."""
    found = not_found(course, "valutask")
    assert not found.ambiguous
    assert found.suggestions[0].id == "valuetask-vs-task"
    assert found.message().title == "No topic called “valutask”"


def test_autocomplete_puts_the_resolved_topic_first(course: Course) -> None:
    """What the resolver would pick is the first autocomplete choice."""
    assert search_topics(course, "span")[0].id == "span-and-memory"
    assert search_topics(course, "12")[0].id == course.topics[11].id
    assert len(search_topics(course, "")) == 25
