"""Requests acknowledged but not yet answered: kept so that the next process can finish them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.base import dialect_insert
from bot.store.clock import DatabaseNow
from bot.store.models import UnfinishedReply

TAKEN_FOR = dt.timedelta(seconds=30)
"""How long a process holds a request it is working on before another may take it over."""


class UnfinishedStore:
    """The `unfinished_replies` table; every call is its own short transaction, timed by the database."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], taken_for: dt.timedelta = TAKEN_FOR) -> None:
        self.sessions = sessions
        self.taken_for = taken_for

    async def keep(self, platform: str, key: str, body: str, lifetime: dt.timedelta) -> None:
        """Keep the request `key` (held by this process) until `forget`, or for `lifetime` at most."""
        async with self.sessions() as session, session.begin():
            await session.execute(
                dialect_insert(session.get_bind().dialect.name, UnfinishedReply)
                .values(key=key, platform=platform, body=body, expires_at=DatabaseNow(lifetime),
                        taken_until=DatabaseNow(self.taken_for))
                .on_conflict_do_nothing()
            )

    async def forget(self, key: str) -> None:
        """The request is answered."""
        async with self.sessions() as session, session.begin():
            await session.execute(delete(UnfinishedReply).where(UnfinishedReply.key == key))

    async def take(self, platform: str, limit: int = 100) -> list[tuple[str, str]]:
        """Requests of `platform` nobody holds (their process died), now held by this one: (key, body).

        Expired ones, which the platform would no longer let anyone answer, are deleted.
        """
        async with self.sessions() as session, session.begin():
            await session.execute(delete(UnfinishedReply).where(UnfinishedReply.expires_at <= DatabaseNow()))
            rows = (await session.execute(
                select(UnfinishedReply.key, UnfinishedReply.body, UnfinishedReply.taken_until)
                .where(UnfinishedReply.platform == platform, UnfinishedReply.taken_until <= DatabaseNow())
                .order_by(UnfinishedReply.expires_at)
                .limit(limit)
            )).all()
        taken = []
        for key, body, taken_until in rows:
            async with self.sessions() as session, session.begin():
                won = await session.execute(
                    update(UnfinishedReply)
                    .where(UnfinishedReply.key == key, UnfinishedReply.taken_until == taken_until)
                    .values(taken_until=DatabaseNow(self.taken_for))
                )
            if won.rowcount == 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
                taken.append((key, body))
        return taken
