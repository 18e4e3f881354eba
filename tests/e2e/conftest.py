"""Fixtures shared by the end-to-end tests: the platform stand-ins on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.content.loader import require_course
from bot.content.models import Course
from bot.usecases.context import Core
from tests.conftest import COURSE_DIR
from tests.e2e.discord.discord_standin import StandIn
from tests.e2e.slack.slack_stand_ins import SlackStandIn
from tests.packs import topics_pack

SECOND_TOPICS = ["minimal-apis-vs-controllers", "rate-limiting", "api-versioning", "signalr-websockets"]
"""The topics of the second course: the shipped course's Web API section, served apart."""


@pytest.fixture
async def slack_api() -> AsyncIterator[SlackStandIn]:
    """The Slack Web API stand-in (the Slack tests override it with users)."""
    api = SlackStandIn()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def discord_api() -> AsyncIterator[StandIn]:
    """The Discord stand-in."""
    api = StandIn()
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
def second(core: Core, course: Course, tmp_path: Path) -> Course:
    """The core serves a second course beside the shipped one (still the default); the second is returned.

    It is a pack in a content dir of its own: four of the shipped topics, with its own id and title.
    """
    pack = topics_pack(tmp_path / "content", COURSE_DIR, SECOND_TOPICS, name="web-apis", title="Web APIs in Practice")
    other = require_course(pack)
    core.catalogue = Catalogue.of(course, other)
    return other
