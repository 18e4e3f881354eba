"""The migrations build exactly the schema the models describe, from an empty database or an older one."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store import migrate
from bot.store.db import create_engine
from bot.store.models import Base


def _differences(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


async def test_migrated_schema_matches_the_models(engine: AsyncEngine) -> None:
    """After `upgrade`, autogenerate finds nothing to add, drop or change."""
    async with engine.connect() as conn:
        assert await conn.run_sync(_differences) == []


async def test_the_database_is_at_the_newest_revision(engine: AsyncEngine) -> None:
    """`upgrade` leaves the database at the head revision shipped in the package."""
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert await migrate.current_revision(engine) == head


def _upgrade_to(connection: Connection, revision: str) -> None:
    command.upgrade(migrate.alembic_config(connection), revision)


async def test_a_database_behind_the_newest_revision_is_upgraded(tmp_path: Path) -> None:
    """A SQLite database left at the revision before the newest is brought to the newest by `upgrade`."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    head = script.get_current_head()
    assert head is not None
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade_to, previous)
        assert await migrate.current_revision(engine) == previous
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == head
        async with engine.connect() as conn:
            assert await conn.run_sync(_differences) == []
    finally:
        await engine.dispose()
