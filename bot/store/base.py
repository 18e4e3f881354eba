"""What every store shares: the session of the caller's unit of work and its dialect."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(dialect: str, table: Any) -> Any:
    """The INSERT of `dialect` ("postgresql" or "sqlite"), which knows ON CONFLICT.

    SQLAlchemy's PostgreSQL dialect is imported on its first use, so a process on SQLite (the
    console) never loads it.
    """
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    return sqlite.insert(table)


def pg_array(kind: Any) -> Any:
    """PostgreSQL's ARRAY of `kind`, to bind one array per column (imported on first use, like `dialect_insert`).

    One dimension: a value that is itself a list or tuple (a learner's days) is one element.
    """
    from sqlalchemy.dialects.postgresql import ARRAY

    return ARRAY(kind, dimensions=1)


class SessionStore:
    """Queries on one session; never commits (the unit of work does)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @functools.cached_property
    def dialect(self) -> str:
        """The name of the session's database dialect ("postgresql" or "sqlite"), looked up when first needed."""
        return self.session.bind.dialect.name if self.session.bind is not None else "sqlite"

    async def _execute(self, stmt: Any, params: dict[str, Any] | Sequence[dict[str, Any]] | None = None) -> Any:
        """Run a Core statement on the session's connection, skipping the ORM layer."""
        connection = await self.session.connection()
        return await connection.execute(stmt, params)

    def _insert(self, table: Any) -> Any:
        """The dialect's INSERT, which knows ON CONFLICT."""
        return dialect_insert(self.dialect, table)
