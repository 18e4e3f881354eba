"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store import migrate
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
