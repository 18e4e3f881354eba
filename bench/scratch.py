"""A throw-away PostgreSQL database for a benchmark run."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine


async def fresh_postgres(base: str) -> tuple[str, Callable[[], Awaitable[None]]]:
    """A throw-away database next to `base`, and a function that drops it."""
    name = f"studybot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(make_url(base).set(drivername="postgresql+asyncpg"), isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))

    async def drop() -> None:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop
