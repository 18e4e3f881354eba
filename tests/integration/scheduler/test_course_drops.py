"""Channels of one workspace drop different courses, each from its own first topic."""

from __future__ import annotations

from bot import actions
from bot.content.catalogue import Catalogue
from bot.content.models import Course
from bot.usecases.context import Core
from scheduler.fanout import DropRunner
from tests.conftest import Clock
from tests.integration.scheduler.conftest import RecordingPlatform, at, set_up


def cards_course(course: Course) -> Course:
    """A second course: the shipped course's topics in reverse order, under another id."""
    return Course(id="reversed", title="Reversed", description="The topics from the last.",
                  sections=course.sections, topics=tuple(reversed(course.topics)), requires=course.requires)


async def test_each_channel_drops_its_own_course(core: Core, clock: Clock, runner: DropRunner,
                                                 platform: RecordingPlatform, course: Course) -> None:
    """C1 (no course set) drops the default course, C2 the one set for it; their buttons name their course."""
    other = cards_course(course)
    core.catalogue = Catalogue.of(course, other)
    at(clock, "UTC", 2026, 11, 24, 10, 0)
    await set_up(core, clock, "C1", "09:00 UTC")
    await set_up(core, clock, "C2", "09:00 UTC course reversed")
    at(clock, "UTC", 2026, 11, 25, 9, 30)
    await runner.run_due()
    at(clock, "UTC", 2026, 11, 26, 9, 30)
    await runner.run_due()
    assert platform.titles("C1") == [course.topics[0].title, course.topics[1].title]
    assert platform.titles("C2") == [other.topics[0].title, other.topics[1].title]
    c2_buttons = {actions.decode(b.action).course for _, m, _ in platform.posts if m.title == other.topics[0].title
                  for b in m.buttons}
    assert c2_buttons == {other.key}


async def test_a_weekly_board_shows_its_channels_course(core: Core, clock: Clock, runner: DropRunner,
                                                        platform: RecordingPlatform, course: Course) -> None:
    """The Monday board of a channel set to the second course is that course's board, named in its footer."""
    other = cards_course(course)
    core.catalogue = Catalogue.of(course, other)
    at(clock, "UTC", 2026, 11, 20, 10, 0)
    await set_up(core, clock, "C2", "09:00 UTC mon weekly-board on course reversed")
    at(clock, "UTC", 2026, 11, 23, 9, 1)
    await runner.run_due()
    [board] = [m for c, m, _ in platform.posts if c == "C2" and m.title == "🏆 Last week's top learners"]
    assert board.footer.startswith("Reversed · week of 16 Nov")
