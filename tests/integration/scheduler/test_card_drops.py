"""The daily drop of a pack of cards: a topic without a lesson drops its cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import actions
from bot.content.loader import require_course
from bot.content.models import Course
from bot.usecases.context import Core
from scheduler.fanout import DropRunner
from tests.conftest import Clock
from tests.integration.scheduler.conftest import RecordingPlatform, at, set_up
from tests.packs import card_pack


@pytest.fixture
def course(tmp_path: Path) -> Course:
    """A pack of cards only."""
    return require_course(card_pack(tmp_path))


async def test_topic_of_cards_drops_the_days_cards(core: Core, clock: Clock, runner: DropRunner,
                                                   platform: RecordingPlatform, course: Course) -> None:
    """The drop of a topic without a lesson is its cards, with a button to study them."""
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    at(clock, "UTC", 2026, 11, 25, 9, 30)
    await runner.run_due()
    [(_, message, _)] = platform.posts
    topic = course.topics[0]
    assert message.title == topic.title
    assert message.body.startswith("🃏 **Today's cards**")
    assert "**2 cards to practise.**" in message.body
    assert "- What does the **GC** collect?\n- Name the generations" in message.body
    assert [actions.decode(b.action) for b in message.buttons] == [actions.Interview(topic.id, course=course.key),
                                                                   actions.Reviews(course=course.key)]
