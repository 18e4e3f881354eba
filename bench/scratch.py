"""Throw-away PostgreSQL databases, for the test sessions and the benchmark runs."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

MAINTENANCE_DB = "postgres"
MISSING_DATABASE = "3D000"  # PostgreSQL's SQLSTATE for "database does not exist"


async def admin_execute(server_url: str, sql: str) -> None:
    """Run `sql` outside a transaction on the server of `server_url`.

    It connects to the database the URL names or, when that database does not exist, to the server's
    `postgres` maintenance database.
    """
    url = make_url(server_url).set(drivername="postgresql+asyncpg")
    for candidate in (url, url.set(database=MAINTENANCE_DB)):
        admin = create_async_engine(candidate, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as conn:
                await conn.execute(text(sql))
            return
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) != MISSING_DATABASE or candidate.database == MAINTENANCE_DB:
                raise
        finally:
            await admin.dispose()


async def create_database(server_url: str, prefix: str) -> str:
    """A new, empty database named `prefix_<random>` on the server of `server_url`; its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    await admin_execute(server_url, f'CREATE DATABASE "{name}"')
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(server_url: str, url: str) -> None:
    """Drop the database at `url` that `create_database` made on the server of `server_url`."""
    await admin_execute(server_url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
