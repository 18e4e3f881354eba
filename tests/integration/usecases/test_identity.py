"""Who is asking: identities are cached, and refreshed so other processes' changes show up."""

from __future__ import annotations

import pytest

from bot.app import StudyBot
from bot.content.catalogue import Catalogue
from bot.content.models import Course
from bot.store.db import create_engine, session_factory
from bot.usecases import context
from bot.usecases.context import Core
from tests.conftest import Clock, make_actor


async def test_workspace_timezone_set_elsewhere_is_picked_up(
    core: Core, course: Course, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second process sees the timezone of a setup done by the first once its cache entry expires."""
    engine = create_engine(db_url)
    other = Core(catalogue=Catalogue.of(course), sessions=session_factory(engine), clock=clock)
    try:
        learner = make_actor("ada")
        assert (await other.identify(learner)).timezone == "UTC"
        await StudyBot(core).dispatch(make_actor("boss", admin=True), "/study setup C1 09:00 Asia/Tokyo")
        assert (await other.identify(learner)).timezone == "UTC"  # still cached
        monkeypatch.setattr(context, "IDENTITY_TTL_S", 0.0)
        assert (await other.identify(learner)).timezone == "Asia/Tokyo"
    finally:
        await engine.dispose()
