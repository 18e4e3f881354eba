"""What every store shares: the session of the caller's unit of work and its dialect."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


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
        return (postgresql if self.dialect == "postgresql" else sqlite).insert(table)
