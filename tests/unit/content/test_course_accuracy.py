"""Course corrections stay corrected: runtime claims are stated with the cases they depend on."""

from __future__ import annotations

import re

import pytest

from bot.content.models import Course, Topic


def claims(topic: Topic) -> list[str]:
    """Every text of a topic that states a fact: not the wrong choices, which are wrong on purpose."""
    texts = [topic.summary, topic.lesson, *topic.key_points]
    for question in topic.quiz:
        texts += [question.explanation, question.correct_choice]
    texts += [interview.model_answer for interview in topic.interview]
    return texts


def sentences(text: str) -> list[str]:
    """The sentences of a text, with line breaks folded."""
    return re.split(r"(?<=[.!?])\s+", " ".join(text.split()))


WRAPPED_TASK = re.compile(r"wrap(s|ped)? (a )?`?Task`?\b", re.I)


@pytest.mark.parametrize("where", ["lesson", "valuetask-vs-task.q3"])
def test_astask_cost_names_the_task_backed_case(course: Course, where: str) -> None:
    """Where the AsTask() escape hatch and its price are explained, a wrapped Task comes back as is."""
    topic = course.topic_by_id["valuetask-vs-task"]
    text = topic.lesson if where == "lesson" else course.quiz_by_id[where].explanation
    assert WRAPPED_TASK.search(" ".join(text.split())), where


def test_sentences_on_astask_allocation_name_the_task_backed_case(course: Course) -> None:
    """Any sentence that says AsTask() allocates also says a wrapped Task is returned without one."""
    found = [
        (topic.id, s)
        for topic in course.topics
        for text in claims(topic)
        for s in sentences(text)
        if "AsTask" in s and re.search(r"allocat", s, re.I)
    ]
    assert found
    for topic_id, sentence in found:
        assert WRAPPED_TASK.search(sentence), (topic_id, sentence)


def test_non_generic_valuetask_is_tied_to_pooled_sources(course: Course) -> None:
    """The lesson says the non-generic ValueTask exists mainly for pooled IValueTaskSource completions."""
    lesson = course.topic_by_id["valuetask-vs-task"].lesson
    about = [s for s in sentences(lesson) if "non-generic `ValueTask`" in s]
    assert about
    assert any("IValueTaskSource" in s and "pool" in s.lower() for s in about), about


@pytest.mark.parametrize("where", ["lesson", "interview"])
def test_async_internals_hoisting_separates_parameters_from_locals(course: Course, where: str) -> None:
    """Release hoists every used parameter but only locals live across an await; Debug hoists all."""
    topic = course.topic_by_id["async-await-internals"]
    text = " ".join((topic.lesson if where == "lesson" else topic.interview[0].model_answer).split())
    assert re.search(r"Release builds?,? every parameter the body uses", text), text[:300]
    assert re.search(r"local[^.]*only if [^.]*live across an `?await", text), text[:300]
    assert re.search(r"Debug build[^.]*(hoists?|become)[^.]*all locals", text), text[:300]


def taskcontext_topic(course: Course) -> Topic:
    """The one topic whose syllabus title names the non-existent TaskContext type."""
    (topic,) = [t for t in course.topics if "TaskContext" in t.title]
    return topic


def test_taskcontext_summary_says_no_such_type_exists(course: Course) -> None:
    """The summary, shown next to the title, says plainly that .NET has no TaskContext type."""
    summary = taskcontext_topic(course).summary
    assert re.search(r"No \.NET type is called TaskContext|no (such )?type", summary, re.I), summary
    for name in ("ExecutionContext", "SynchronizationContext", "TaskScheduler"):
        assert name in summary, name


def test_taskcontext_lesson_opens_by_saying_no_such_type_exists(course: Course) -> None:
    """The lesson's first paragraph says there is no TaskContext type and names what it stands for."""
    first = taskcontext_topic(course).lesson.split("\n\n")[0]
    assert re.search(r"no type called `?TaskContext`?", first), first
    for name in ("ExecutionContext", "SynchronizationContext", "TaskScheduler"):
        assert name in first, name


@pytest.mark.parametrize(
    "overstatement",
    [
        "That costs an allocation",  # AsTask() returns a wrapped Task without allocating
        "rarely pays off",  # the non-generic ValueTask exists for pooled IValueTaskSource completions
        "locals become fields",  # only locals live across an await become fields in Release builds
        "ExecutionContext always flows",  # ExecutionContext.SuppressFlow() stops it
        "It always flows across awaits",  # the same claim in the interview answer
        "avoid allocating on every receive",  # sockets reuse one cached operation object, usually
        "every newly produced result is a heap object",  # async methods cache true, false, small ints
        "deadlocks on single-threaded contexts and starves",  # only if it must resume there; under load
        "Allocation in .NET is a pointer bump",  # large objects go to the LOH, not gen 0
        "every call shares one cache entry and one database plan",  # plans can still differ per value
        "a cache check, boxing and",  # only value types are boxed
        "boxes arguments",  # Invoke boxes only value-type arguments
        "gives value semantics with no heap allocation",  # a boxed struct is still allocated
        "burn CPU on every core",  # depends on the GC mode
    ],
)
def test_corrected_overstatements_do_not_return(course: Course, overstatement: str) -> None:
    """No fact-stating text repeats a runtime claim that the review found to be overstated."""
    for topic in course.topics:
        for text in claims(topic):
            assert overstatement.lower() not in " ".join(text.split()).lower(), topic.id
