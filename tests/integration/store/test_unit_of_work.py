"""A unit of work on a real database raises the store's own errors; reads alone need no transaction."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import create_engine, session_factory
from bot.store.errors import RejectedValueError, StoreUnavailableError
from bot.store.unit_of_work import reading, unit_of_work


async def test_a_value_the_schema_refuses_is_a_rejected_value(engine: AsyncEngine) -> None:
    """A user of a workspace that does not exist is refused by the database, not an outage."""
    with pytest.raises(RejectedValueError):
        async with unit_of_work(session_factory(engine)) as uow:
            await uow.learners.ensure_user(999_999, "u1", "Ada")


async def test_a_database_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    """A SQLite file in a folder that does not exist cannot be reached."""
    engine = create_engine(f"sqlite:///{tmp_path / 'missing' / 'studybot.db'}")
    try:
        with pytest.raises(StoreUnavailableError):
            async with unit_of_work(session_factory(engine)) as uow:
                await uow.learners.stats(1)
    finally:
        await engine.dispose()


async def test_an_error_of_the_caller_passes_through(engine: AsyncEngine) -> None:
    """Only database failures are translated."""
    with pytest.raises(KeyError):
        async with unit_of_work(session_factory(engine)):
            raise KeyError("not the database")


async def test_a_read_alone_waits_for_no_writer(engine: AsyncEngine) -> None:
    """While another engine's transaction holds the write lock, `reading` still reads what was committed."""
    sessions = session_factory(engine)
    async with unit_of_work(sessions) as uow:
        workspace = await uow.channels.ensure_workspace("console", "w1", "w1")
    writer = create_engine(engine.url.render_as_string(hide_password=False))
    try:
        async with unit_of_work(session_factory(writer)) as other:
            await other.channels.ensure_workspace("console", "w2", "w2")  # holds the write lock until it commits
            async with asyncio.timeout(2), reading(sessions) as uow:
                found = await uow.channels.workspace_by_id(workspace.id)
                uncommitted = await uow.channels.workspace_by_id(workspace.id + 1)
            assert found is not None
            assert uncommitted is None
    finally:
        await writer.dispose()


async def test_a_read_alone_translates_database_failures(tmp_path: Path) -> None:
    """A SQLite file in a folder that does not exist cannot be reached, with or without a transaction."""
    engine = create_engine(f"sqlite:///{tmp_path / 'missing' / 'studybot.db'}")
    try:
        with pytest.raises(StoreUnavailableError):
            async with reading(session_factory(engine)) as uow:
                await uow.learners.stats(1)
    finally:
        await engine.dispose()


async def test_a_sqlite_read_alone_leaves_the_driver_beginning_no_transaction(tmp_path: Path) -> None:
    """After a read alone gives its connection back, what runs on that driver connection is committed at once.

    Only a unit of work begins a transaction on SQLite (BEGIN IMMEDIATE); the driver never begins one itself.
    """
    engine = create_engine(f"sqlite:///{tmp_path / 'studybot.db'}")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("CREATE TABLE notes (body TEXT)"))
            await conn.commit()
        async with reading(session_factory(engine)) as uow:
            await uow.learners.session.execute(text("SELECT count(*) FROM notes"))
        async with engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            assert driver is not None
            await driver.execute("INSERT INTO notes (body) VALUES ('read')")
            assert not driver.in_transaction
    finally:
        await engine.dispose()
