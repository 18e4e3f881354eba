"""A unit of work on a real database raises the store's own errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import create_engine, session_factory
from bot.store.errors import RejectedValueError, StoreUnavailableError
from bot.store.unit_of_work import unit_of_work


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
