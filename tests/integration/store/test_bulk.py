"""Batches of answers on PostgreSQL's driver connection: where they run, and what a broken one does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot import actions
from bot.app import CLICK_NOT_RECORDED, StudyBot
from bot.content.models import Course
from bot.store.bulk import PgAnswerStore, pg_answer_store
from bot.store.db import create_engine, session_factory
from bot.store.models import Answer
from bot.store.repository import Repository
from bot.usecases.context import Core
from bot.usecases.quiz import quiz_answer
from bot.usecases.recording import Submission
from tests.conftest import Clock, make_actor


async def test_batches_run_on_the_driver_connection_on_postgresql(core: Core, engine: AsyncEngine) -> None:
    """PostgreSQL batches skip the ORM session; SQLite ones run in the ordinary unit of work."""
    async with core.batch_store() as store:
        expected = PgAnswerStore if engine.dialect.name == "postgresql" else Repository
        assert isinstance(store, expected)


@pytest.fixture
async def pg_engine(pg_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine whose pool keeps a single connection, which every batch here reuses."""
    engine = create_engine(pg_url, pool_size=1)
    yield engine
    await engine.dispose()


@pytest.fixture
def bot(course: Course, pg_engine: AsyncEngine, clock: Clock) -> StudyBot:
    """The entry point on that engine."""
    return StudyBot(Core(course=course, sessions=session_factory(pg_engine), clock=clock))


async def _locked_learner(url: str, user_pk: int) -> tuple[AsyncEngine, AsyncConnection]:
    """Another process's open transaction holding the learner's stats row."""
    engine = create_engine(url, pool_size=1)
    conn = await engine.connect()
    await conn.execute(text("SELECT 1 FROM user_stats WHERE user_id = :u FOR UPDATE"), {"u": user_pk})
    return engine, conn


async def _backend_waiting_for_a_lock(engine: AsyncEngine) -> int:
    """The pid of the backend of this database that waits for a row lock."""
    query = text(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(200):
        async with engine.connect() as conn:
            pid = await conn.scalar(query)
        if pid is not None:
            return int(pid)
        await asyncio.sleep(0.02)
    raise AssertionError("no backend waited for the lock")


async def _answers(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(Answer)) or 0)


async def test_a_batch_whose_connection_is_cut_says_so_and_the_next_answer_counts(
    bot: StudyBot, course: Course, pg_url: str, pg_engine: AsyncEngine
) -> None:
    """A batch's backend killed mid-statement: the learner gets the database message.

    The dead connection is dropped from the pool, and the answer given again is recorded once.
    """
    actor = make_actor()
    identity = await bot.core.identify(actor)
    q = course.topics[0].quiz[0]
    other, holder = await _locked_learner(pg_url, identity.user_pk)
    try:
        click = asyncio.ensure_future(bot.click(actor, actions.answer(q.id, "i1", q.answer), "d1"))
        pid = await _backend_waiting_for_a_lock(other)
        await holder.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert await click == CLICK_NOT_RECORDED
    finally:
        await holder.close()
        await other.dispose()
    again = await bot.click(actor, actions.answer(q.id, "i1", q.answer), "d2")
    assert again.title == "✅ Correct!"
    assert await _answers(pg_engine) == 1


async def test_a_lock_held_past_the_lock_timeout_fails_the_batch_and_keeps_the_connection(
    bot: StudyBot, course: Course, pg_url: str, pg_engine: AsyncEngine
) -> None:
    """A learner's row held elsewhere beyond the lock timeout: the answer fails with the database message.

    Nothing is recorded, and the same connection serves the next answer.
    """
    actor = make_actor()
    identity = await bot.core.identify(actor)
    async with pg_engine.connect() as conn:
        await conn.execute(text("SET lock_timeout = '200ms'"))
        await conn.commit()
        before = await conn.scalar(text("SELECT pg_backend_pid()"))
    q = course.topics[0].quiz[0]
    other, holder = await _locked_learner(pg_url, identity.user_pk)
    try:
        assert await bot.click(actor, actions.answer(q.id, "i1", q.answer), "d1") == CLICK_NOT_RECORDED
    finally:
        await holder.close()
        await other.dispose()
    assert await _answers(pg_engine) == 0
    again = await bot.click(actor, actions.answer(q.id, "i1", q.answer), "d2")
    assert again.title == "✅ Correct!"
    async with pg_engine.connect() as conn:
        assert await conn.scalar(text("SELECT pg_backend_pid()")) == before


async def test_a_batch_cancelled_at_any_moment_leaves_no_transaction_open(
    course: Course, pg_engine: AsyncEngine, clock: Clock
) -> None:
    """Batches cancelled after any number of steps never hand on a connection that would swallow the next batch.

    Cancelled after 0, 1, 2, ... steps (so also between sending BEGIN or COMMIT and its answer):
    every answer recorded afterwards is committed, seen from another connection.
    """
    core = Core(course=course, sessions=session_factory(pg_engine), clock=clock)
    identity = await core.identify(make_actor())
    q = course.topics[0].quiz[0]

    async def cancelled_batch() -> None:
        async with pg_answer_store(pg_engine) as store:
            await store.reviews([(identity.user_pk, q.id)])

    for steps in range(20):
        batch = asyncio.ensure_future(cancelled_batch())
        for _ in range(steps):
            await asyncio.sleep(0)
        batch.cancel()
        await asyncio.gather(batch, return_exceptions=True)
        new = quiz_answer(q, f"i{steps}", f"d{steps}", q.answer)
        assert (await core.answers.record(Submission(identity, new, clock.now))).is_new
        assert await _answers(pg_engine) == steps + 1
