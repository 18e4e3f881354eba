"""Button actions: typed values that encode to the ids buttons carry, and decode back with their shape checked."""

from __future__ import annotations

import pytest

from bot import actions
from bot.actions import (
    Answer,
    BadActionError,
    DamagedActionError,
    Forget,
    Grade,
    Interview,
    KeepData,
    Lesson,
    Mistakes,
    NextQuiz,
    QuizTopic,
    RemindLater,
    Retry,
    Reveal,
    Reviews,
    StopReminders,
    Topics,
)

# Ids exactly as earlier versions put them on buttons that are still in chats.
POSTED = [
    ("sb1:a:valuetask-vs-task.q1:AbC-12_xyz:2", Answer("valuetask-vs-task.q1", "AbC-12_xyz", 2)),
    ("sb1:a:valuetask-vs-task.q1:AbC-12_xyz:0:t", Answer("valuetask-vs-task.q1", "AbC-12_xyz", 0, scoped=True)),
    ("sb1:n:", NextQuiz()),
    ("sb1:n:span-and-memory", NextQuiz("span-and-memory")),
    ("sb1:q:span-and-memory", QuizTopic("span-and-memory")),
    ("sb1:r:valuetask-vs-task.i1:Zz9_-aaaaa", Reveal("valuetask-vs-task.i1", "Zz9_-aaaaa")),
    ("sb1:g:valuetask-vs-task.i1:Zz9_-aaaaa:good", Grade("valuetask-vs-task.i1", "Zz9_-aaaaa", "good")),
    ("sb1:i:", Interview()),
    ("sb1:i:span-and-memory", Interview("span-and-memory")),
    ("sb1:l:clr-memory-gc", Lesson("clr-memory-gc")),
    ("sb1:s", Topics()),
    ("sb1:s:memory-performance", Topics("memory-performance")),
    ("sb1:m", Mistakes()),
    ("sb1:m:2", Mistakes(2)),
    ("sb1:t:valuetask-vs-task.q1", Retry("valuetask-vs-task.q1")),
    ("sb1:d", Reviews()),
    ("sb1:f:1764608400:0123abcd4567ef89", Forget(1764608400, "0123abcd4567ef89")),
    ("sb1:k", KeepData()),
    ("sb1:x", StopReminders()),
    ("sb1:w", RemindLater()),
]


@pytest.mark.parametrize(("posted", "action"), POSTED, ids=[p for p, _ in POSTED])
def test_an_action_encodes_to_the_id_earlier_versions_posted(posted: str, action: actions.Action) -> None:
    """Encoding is byte for byte what buttons already in chats carry."""
    assert action.encode() == posted


@pytest.mark.parametrize(("posted", "action"), POSTED, ids=[p for p, _ in POSTED])
def test_a_posted_id_decodes_to_its_action(posted: str, action: actions.Action) -> None:
    """A button already in a chat decodes to the typed action it was made from."""
    assert actions.decode(posted) == action


@pytest.mark.parametrize(
    ("text", "action"),
    [("sb1:n", NextQuiz()), ("sb1:q", QuizTopic()), ("sb1:i", Interview()), ("sb1:s:", Topics())],
)
def test_an_optional_topic_may_be_left_out_or_empty(text: str, action: actions.Action) -> None:
    """For the kinds whose topic or section is optional, no part and an empty part mean the same."""
    assert actions.decode(text) == action


@pytest.mark.parametrize("text", ["not-ours", "", "sb1", "sb2:l:clr-memory-gc", "sb1:z:clr-memory-gc", "SB1:s"])
def test_an_id_studybot_did_not_make_is_not_ours(text: str) -> None:
    """Another prefix or an unknown verb is someone else's button, not a damaged one of ours."""
    with pytest.raises(BadActionError) as raised:
        actions.decode(text)
    assert not isinstance(raised.value, DamagedActionError)


@pytest.mark.parametrize(
    "text",
    [
        "sb1:a:q1:inst",  # no choice
        "sb1:a:q1:inst:x",  # a choice that is no number
        "sb1:a:q1:inst:²",  # a digit int() refuses
        "sb1:a:q1:inst:12",  # more than one digit
        "sb1:a:q1:inst:-1",
        "sb1:a:q1:inst:1:x",  # a scope mark that is not one
        "sb1:a:q1:inst:1:t:t",
        "sb1:r:q1",
        "sb1:r:q1:inst:extra",
        "sb1:g:q1:inst",
        "sb1:l",
        "sb1:l:a:b",
        "sb1:n:a:b",
        "sb1:s:a:b",
        "sb1:x:a",  # Stop reminders carries nothing
        "sb1:w:",
        "sb1:r:q1:" + "i" * 33,  # an instance longer than the store holds
        "sb1:l:" + "t" * 101,  # a topic longer than the store holds
        "sb1:l:clr\x00memory",  # a control character
        "sb1:m:x",  # a page that is no number
        "sb1:m:1234",  # more pages than there are
        "sb1:t",  # Try again without its question
        "sb1:d:x",
        "sb1:k:x",
        "sb1:f:1764608400",  # a confirmation without its owner
        "sb1:f:soon:0123abcd",  # an expiry that is no number
        "sb1:f:1764608400:ab-cd",  # an owner that is no digest
    ],
)
def test_a_damaged_id_of_ours_is_damaged(text: str) -> None:
    """An id with our prefix and verb but parts its kind does not carry, or that do not fit the store."""
    with pytest.raises(DamagedActionError):
        actions.decode(text)


def test_an_action_too_long_for_a_button_is_not_encoded() -> None:
    """No platform takes an id over 100 characters, so making one is a mistake, not a truncated button."""
    with pytest.raises(ValueError, match="longer than 100"):
        Lesson("t" * 95).encode()


def test_an_action_in_a_course_carries_its_key_and_decodes_with_it() -> None:
    """`sb2:<key>:...` round-trips, the key with it."""
    action = actions.Answer("q1", "i1", 2, course="abc234")
    assert action.encode() == "sb2:abc234:a:q1:i1:2"
    assert actions.decode(action.encode()) == action


@pytest.mark.parametrize("text", ["sb2::a:q1:i1:2", "sb2:ab-cd:a:q1:i1:2", "sb2:" + "k" * 17 + ":n", "sb2:ké:n"])
def test_a_course_key_that_is_empty_or_not_a_key_is_damaged(text: str) -> None:
    """A course part that no course key could be is refused as damaged, not taken for the default course."""
    with pytest.raises(actions.DamagedActionError):
        actions.decode(text)


def test_an_sb2_id_with_no_verb_after_its_key_is_not_ours() -> None:
    """`sb2:<key>` followed by no known verb is not a StudyBot button."""
    with pytest.raises(actions.BadActionError):
        actions.decode("sb2:abc234:zz:q1")
