"""The scheduler's poster: daily drops as embeds with buttons, 429s, dead channels and idempotency."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.discord.config import apply
from adapters.discord.poster import DiscordPoster, PermanentPostError
from bot.content.models import Course
from bot.messages import Message, Visibility
from bot.settings import Settings
from bot.usecases.lessons import lesson_message
from tests.e2e.discord.discord_standin import (
    CHANNEL_ID,
    DELETED_CHANNEL_ID,
    LOCKED_CHANNEL_ID,
    MEMBER,
    TOKEN,
    Reply,
    StandIn,
)
from tests.e2e.discord.rest_poster import open_poster


@pytest.fixture
async def poster(standin: StandIn, discord_env: dict[str, str]) -> AsyncIterator[DiscordPoster]:
    """A REST-only poster logged in to the stand-in (its URLs set in the environment)."""
    apply(Settings(_env_file=None).discord)
    async with open_poster(TOKEN) as opened:
        yield opened


def drop(course: Course) -> Message:
    """The daily drop of the longest lesson, as the scheduler would post it."""
    topic = max(course.topics, key=lambda t: len(t.lesson))
    return lesson_message(course, topic, visibility=Visibility.PUBLIC, heading="**Today's topic**", reviews=True)


async def test_drop_is_posted_as_embeds_with_a_quiz_button(standin: StandIn, poster: DiscordPoster,
                                                           course: Course) -> None:
    """A lesson drop arrives in the channel as embeds within limits, the last with "Quiz me on this"."""
    message_id = await poster.post(str(CHANNEL_ID), drop(course), "drop:1:2026-11-25")
    assert message_id == standin.channel_posts[0]["id"]
    embeds = [e for p in standin.channel_posts for e in p["embeds"]]
    assert all(len(e.get("description", "")) <= 4096 for e in embeds)
    last = Reply(0, "post", None, standin.channel_posts[-1])
    assert "Quiz me on this" in [b["label"] for b in last.buttons]
    assert "Topic " in last.embeds[-1]["footer"]["text"]
    assert all(p["enforce_nonce"] and len(p["nonce"]) <= 25 for p in standin.channel_posts)


async def test_same_idempotency_key_posts_once(standin: StandIn, poster: DiscordPoster, course: Course) -> None:
    """Posting again with the same key returns the same message and creates no new one."""
    first = await poster.post(str(CHANNEL_ID), drop(course), "drop:1:2026-11-25")
    count = len(standin.channel_posts)
    again = await poster.post(str(CHANNEL_ID), drop(course), "drop:1:2026-11-25")
    assert again == first
    assert len(standin.channel_posts) == count


async def test_rate_limit_is_waited_out(standin: StandIn, poster: DiscordPoster, course: Course) -> None:
    """A 429 is honoured (its retry_after waited) and the post then goes through once."""
    standin.rate_limit_posts = 1
    started = time.monotonic()
    await poster.post(str(CHANNEL_ID), drop(course), "drop:1:2026-11-26")
    assert time.monotonic() - started >= 0.2
    assert standin.rate_limit_posts == 0
    assert len({p["nonce"] for p in standin.channel_posts}) == len(standin.channel_posts)


@pytest.mark.parametrize("channel_id", [DELETED_CHANNEL_ID, LOCKED_CHANNEL_ID])
async def test_dead_channel_raises_permanent_error(standin: StandIn, poster: DiscordPoster, course: Course,
                                                   channel_id: int) -> None:
    """A deleted channel (404) or missing access (403) raises PermanentPostError."""
    with pytest.raises(PermanentPostError):
        await poster.post(str(channel_id), drop(course), "drop:x")
    assert standin.channel_posts == []


async def test_quiz_button_on_a_drop_starts_a_quiz_on_that_topic(standin: StandIn, poster: DiscordPoster,
                                                                 client: Any, course: Course) -> None:
    """Clicking "Quiz me on this" under a posted drop gives a private question on that topic."""
    message = drop(course)
    await poster.post(str(CHANNEL_ID), message, "drop:1:2026-11-27")
    posted = Reply(0, "post", None, standin.channel_posts[-1])
    button = next(b for b in posted.buttons if b["label"] == "Quiz me on this")
    [question] = await standin.answer(await standin.click(MEMBER, posted, button["custom_id"]))
    assert question.ephemeral
    assert question.title == f"Quiz · {message.title}"


async def test_my_reviews_on_a_drop_answers_only_the_clicker(standin: StandIn, poster: DiscordPoster,
                                                             client: Any, course: Course) -> None:
    """Clicking "My reviews" under a posted drop shows the clicker's own review queue, privately."""
    await poster.post(str(CHANNEL_ID), drop(course), "drop:1:2026-11-27")
    posted = Reply(0, "post", None, standin.channel_posts[-1])
    button = next(b for b in posted.buttons if b["label"] == "My reviews")
    [queue] = await standin.answer(await standin.click(MEMBER, posted, button["custom_id"]))
    assert queue.ephemeral
    assert queue.title == "Nothing is due for review"
