"""The scheduler's poster: chat.postMessage with the shared renderer, 429 retries, permanent errors."""

from __future__ import annotations

import pytest

from adapters.slack.config import web_client
from adapters.slack.poster import PermanentPostError, SlackPoster
from bot import posting
from bot.content.models import Course
from bot.messages import Kind, Message, Visibility
from bot.posting import DirectMessagesClosedError
from bot.usecases.lessons import lesson_message
from tests.e2e.slack.slack_stand_ins import BOT_TOKEN, CHANNEL, LEARNER, Failure, SlackStandIn, dm_channel


@pytest.fixture
def poster(slack_api: SlackStandIn) -> SlackPoster:
    """A poster whose client talks to the stand-in."""
    return SlackPoster(web_client(BOT_TOKEN, slack_api.api_url))


def drop(course: Course) -> Message:
    """The longest lesson as a public daily drop."""
    topic = max(course.topics, key=lambda t: len(t.lesson))
    return lesson_message(course, topic, visibility=Visibility.PUBLIC, heading="**Today's topic**")


async def test_post_renders_the_lesson_and_returns_the_ts(
        poster: SlackPoster, slack_api: SlackStandIn, course: Course) -> None:
    """The drop is posted with the bot token as Block Kit with "Quiz me on this"; the ts comes back."""
    ts = await poster.post(CHANNEL, drop(course), "drop:1:2026-11-25")
    (call,) = slack_api.calls_of("chat.postMessage")
    assert ts.startswith("1700000000.")
    assert call.token == BOT_TOKEN
    assert call.params["channel"] == CHANNEL
    labels = [e["text"]["text"] for b in call.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "Quiz me on this" in labels
    assert call.params["metadata"]["event_payload"] == {"idempotency_key": "drop:1:2026-11-25"}


async def test_post_waits_for_retry_after_on_429(
        poster: SlackPoster, slack_api: SlackStandIn, course: Course) -> None:
    """A 429 is retried after its Retry-After, and the post then succeeds."""
    slack_api.fail_next("chat.postMessage", Failure(status=429, retry_after=1))
    ts = await poster.post(CHANNEL, drop(course), "drop:1:2026-11-26")
    limited, retried = slack_api.calls_of("chat.postMessage")
    assert (limited.status, retried.status) == (429, 200)
    assert retried.at - limited.at >= 1.0
    assert ts


async def test_same_key_posts_once(poster: SlackPoster, slack_api: SlackStandIn, course: Course) -> None:
    """Posting twice with one idempotency key posts once and returns the same ts."""
    first = await poster.post(CHANNEL, drop(course), "drop:1:2026-11-27")
    second = await poster.post(CHANNEL, drop(course), "drop:1:2026-11-27")
    assert first == second
    assert len(slack_api.calls_of("chat.postMessage")) == 1


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_deleted_or_inaccessible_channel_is_permanent(
        poster: SlackPoster, slack_api: SlackStandIn, course: Course, error: str) -> None:
    """Slack's "this will never work" errors raise PermanentPostError naming the channel."""
    slack_api.fail_next("chat.postMessage", Failure(error=error))
    with pytest.raises(PermanentPostError, match=CHANNEL) as raised:
        await poster.post(CHANNEL, drop(course), "drop:1:2026-11-28")
    assert raised.value.error == error


async def test_direct_messages_are_posted_to_the_users_id(poster: SlackPoster, slack_api: SlackStandIn) -> None:
    """Two reminders to one learner: no conversations.open, two posts addressed to the user, both in the DM."""
    message = Message(kind=Kind.STREAK, title="Time for today's study")
    await poster.post_direct(LEARNER, message, "studybot-reminder-1")
    await poster.post_direct(LEARNER, message, "studybot-reminder-2")
    assert slack_api.calls_of("conversations.open") == []
    assert [c.params["channel"] for c in slack_api.calls_of("chat.postMessage")] == [LEARNER] * 2
    assert len(slack_api.posted_in(dm_channel(LEARNER))) == 2


async def test_the_dm_a_post_went_to_is_remembered(poster: SlackPoster, slack_api: SlackStandIn) -> None:
    """After a DM by user id, the DM channel Slack answered serves later DM uses without conversations.open."""
    await poster.post_direct(LEARNER, Message(kind=Kind.STREAK, title="Reminder"), "studybot-reminder-4")
    assert await poster.direct_channel(LEARNER) == dm_channel(LEARNER)
    assert slack_api.calls_of("conversations.open") == []


async def test_a_learner_who_cannot_be_messaged_is_told_apart(poster: SlackPoster, slack_api: SlackStandIn) -> None:
    """`cannot_dm_bot` raises the closed-DM error, which is also permanent (no retries)."""
    slack_api.dms_closed[LEARNER] = "cannot_dm_bot"
    with pytest.raises(DirectMessagesClosedError) as raised:
        await poster.post_direct(LEARNER, Message(kind=Kind.STREAK, title="Reminder"), "studybot-reminder-3")
    assert isinstance(raised.value, posting.PermanentPostError)
    assert "cannot_dm_bot" in str(raised.value)


async def test_a_reminder_already_in_the_dm_is_found_by_its_key(poster: SlackPoster, slack_api: SlackStandIn) -> None:
    """After a crash between sending and recording, the DM's history shows the reminder went out."""
    sent = await poster.post_direct(LEARNER, Message(kind=Kind.STREAK, title="Reminder"), "studybot-reminder-7")
    assert await poster.find_direct(LEARNER, "studybot-reminder-7") == sent
    assert await poster.find_direct(LEARNER, "studybot-reminder-8") is None


async def test_a_closed_dm_has_no_reminder_to_find(poster: SlackPoster, slack_api: SlackStandIn) -> None:
    """A learner the app cannot message holds nothing to find, without an error."""
    slack_api.dms_closed[LEARNER] = "cannot_dm_bot"
    assert await poster.find_direct(LEARNER, "studybot-reminder-9") is None


async def test_another_process_finds_the_reminder_through_conversations_open(slack_api: SlackStandIn) -> None:
    """A poster that never sent to the learner (a process taking over) opens the DM to read its history."""
    first = SlackPoster(web_client(BOT_TOKEN, slack_api.api_url))
    sent = await first.post_direct(LEARNER, Message(kind=Kind.STREAK, title="Reminder"), "studybot-reminder-10")
    survivor = SlackPoster(web_client(BOT_TOKEN, slack_api.api_url))
    assert await survivor.find_direct(LEARNER, "studybot-reminder-10") == sent
    assert [c.params["users"] for c in slack_api.calls_of("conversations.open")] == [LEARNER]


@pytest.mark.parametrize("error", ["cannot_dm_bot", "messages_tab_disabled"])
async def test_a_dm_by_user_id_refused_is_told_apart(poster: SlackPoster, slack_api: SlackStandIn, error: str) -> None:
    """chat.postMessage to the user's id refused because their DMs are closed raises the closed-DM error."""
    slack_api.dms_closed[LEARNER] = error
    with pytest.raises(DirectMessagesClosedError, match=error):
        await poster.post_direct(LEARNER, Message(kind=Kind.STREAK, title="Reminder"), "studybot-reminder-11")


async def test_the_same_message_is_posted_alike_and_another_as_itself(poster: SlackPoster,
                                                                      slack_api: SlackStandIn) -> None:
    """A reminder sent to two learners has the same blocks both times; a different one has its own."""
    streak = Message(kind=Kind.STREAK, title="Keep your 3 day streak alive", body="One question keeps it.")
    fresh = Message(kind=Kind.STREAK, title="Time for today's study", body="One question starts a new streak.")
    await poster.post_direct("U1", streak, "studybot-reminder-21")
    await poster.post_direct("U2", streak, "studybot-reminder-22")
    await poster.post_direct("U3", fresh, "studybot-reminder-23")
    first, second, third = (c.params for c in slack_api.calls_of("chat.postMessage"))
    assert first["blocks"] == second["blocks"]
    assert "Keep your 3 day streak alive" in str(first["blocks"])
    assert "Time for today's study" in str(third["blocks"])
    assert "Keep your 3 day streak alive" not in str(third["blocks"])
