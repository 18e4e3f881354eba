"""Engine set-up against the real databases."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import LOCK_TIMEOUT_MS


async def test_waiting_for_a_lock_is_bounded(engine: AsyncEngine) -> None:
    """PostgreSQL connections give up on a row lock after LOCK_TIMEOUT; SQLite waits its busy timeout."""
    async with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            assert await conn.scalar(text("SHOW lock_timeout")) == f"{LOCK_TIMEOUT_MS // 1000}s"
        else:
            assert await conn.scalar(text("PRAGMA busy_timeout")) > 0
            assert await conn.scalar(text("PRAGMA journal_mode")) == "wal"
