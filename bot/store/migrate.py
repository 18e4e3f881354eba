"""Apply Alembic migrations programmatically, safely from several processes at once."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same for every StudyBot process.
ADVISORY_LOCK_ID = 0x57_0D_7B07


def alembic_config(connection: Connection | None = None, default_timezone: str = "UTC") -> Config:
    """An Alembic config pointing at the packaged migrations.

    `default_timezone` is the bot's timezone for workspaces without their own, which a migration
    that counts boards from the answers needs.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["default_timezone"] = default_timezone
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _upgrade(connection: Connection, revision: str = "head", default_timezone: str = "UTC") -> None:
    if connection.dialect.name == "postgresql":
        # Replicas starting together take turns; the later ones find nothing to do.
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
    command.upgrade(alembic_config(connection, default_timezone), revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine, revision: str = "head", default_timezone: str = "UTC") -> None:
    """Bring the database to the newest schema (or to `revision`); boards count in `default_timezone`."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, revision, default_timezone)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)
