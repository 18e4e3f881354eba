"""Deferred interactions are kept in the database until answered, and survive their process.

One a stopped process deferred is answered by the next process with its token.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sqlalchemy import func, select

from bot.app import StudyBot
from bot.bootstrap import Runtime, wire
from bot.content.models import Course
from bot.messages import Message
from bot.store.db import create_engine, session_factory
from bot.store.models import UnfinishedReply
from bot.store.unfinished import UnfinishedStore
from bot.unfinished import UnfinishedWork
from bot.usecases.context import Actor, Core
from tests.e2e.discord.discord_standin import MEMBER, StandIn
from tests.e2e.discord.test_discord_quiz import answer_button, answers, ask

DEFER_AFTER = 0.05


class SlowClicks(StudyBot):
    """A core whose clicks wait for `go`, so a test decides when (or whether) they finish."""

    def __init__(self, core: Core) -> None:
        super().__init__(core)
        self.go = asyncio.Event()
        self.working: list[asyncio.Task[Any]] = []

    async def click(self, actor: Actor, action_id: str, delivery_key: str) -> Message:
        """Wait for `go`, then record the click."""
        task = asyncio.current_task()
        assert task is not None
        self.working.append(task)
        await self.go.wait()
        return await super().click(actor, action_id, delivery_key)


async def kept_requests(core: Core) -> int:
    """How many interactions the database keeps."""
    async with core.unit_of_work() as uow:
        return int(await uow.answers.session.scalar(select(func.count()).select_from(UnfinishedReply)) or 0)


async def until_kept(core: Core, count: int, within: float = 5.0) -> None:
    """Wait until the database keeps `count` interactions."""
    async with asyncio.timeout(within):
        while await kept_requests(core) != count:  # noqa: ASYNC110 (polling the database)
            await asyncio.sleep(0.01)


async def test_a_deferred_click_is_kept_until_it_is_answered(
        standin: StandIn, start_client: Any, runtime: Runtime, core: Core, course: Course) -> None:
    """Deferred: kept in the database; followed up: no longer kept, and recorded once."""
    slow = SlowClicks(core)
    await start_client(wire(runtime.settings, runtime.engine, slow), defer_after=DEFER_AFTER)
    question = await ask(standin)
    iid = await standin.click(MEMBER, question, answer_button(course, question, right=True))
    await standin.wait_for(lambda: [r for r in standin.replies_to(iid) if r.type == 5] or None, 5)
    assert await kept_requests(core) == 1
    slow.go.set()
    [feedback] = await standin.answer(iid)
    assert "Correct" in feedback.title + feedback.text
    await until_kept(core, 0)
    assert len(await answers(core)) == 1


async def test_a_click_a_stopped_process_deferred_is_answered_by_the_next(
        standin: StandIn, start_client: Any, runtime: Runtime, core: Core, course: Course) -> None:
    """The first client defers a click and stops mid-work; the next one records it and follows up."""
    first = wire(runtime.settings, runtime.engine, SlowClicks(core))
    first.unfinished = UnfinishedWork(UnfinishedStore(core.sessions, taken_for=dt.timedelta(milliseconds=1)))
    await start_client(first, defer_after=DEFER_AFTER)
    question = await ask(standin)
    iid = await standin.click(MEMBER, question, answer_button(course, question, right=True))
    await standin.wait_for(lambda: [r for r in standin.replies_to(iid) if r.type == 5] or None, 5)
    await until_kept(core, 1)
    slow = first.bot
    assert isinstance(slow, SlowClicks)
    for task in slow.working:  # the process dies: its work never finishes, nothing is released
        task.cancel()
    await asyncio.sleep(0.05)
    assert await answers(core) == []
    await start_client(wire(runtime.settings, runtime.engine, StudyBot(core)))
    [feedback] = await standin.answer(iid)
    assert feedback.kind == "followup"
    assert "Correct" in feedback.title + feedback.text
    assert len(await answers(core)) == 1
    await until_kept(core, 0)


async def test_a_click_that_cannot_be_kept_is_not_deferred(
        standin: StandIn, start_client: Any, runtime: Runtime, core: Core, course: Course, tmp_path: Any) -> None:
    """With nowhere to keep it, the click is answered when done rather than acknowledged early."""
    slow = SlowClicks(core)
    nowhere = wire(runtime.settings, runtime.engine, slow)
    unreachable = create_engine(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    nowhere.unfinished = UnfinishedWork(UnfinishedStore(session_factory(unreachable)))
    try:
        await start_client(nowhere, defer_after=DEFER_AFTER)
        question = await ask(standin)
        iid = await standin.click(MEMBER, question, answer_button(course, question, right=True))
        await asyncio.sleep(0.3)
        assert standin.replies_to(iid) == []
        slow.go.set()
        [feedback] = await standin.answer(iid)
        assert (feedback.kind, feedback.type) == ("callback", 4)
    finally:
        await unreachable.dispose()
