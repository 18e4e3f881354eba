"""The unit of work: one transaction, and the stores that use cases reach through it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.answers import AnswerStore
from bot.store.channels import ChannelStore
from bot.store.drops import DropStore
from bot.store.errors import translated
from bot.store.learners import LearnerStore
from bot.store.privacy import PrivacyStore
from bot.store.reminders import ReminderStore
from bot.store.team import TeamStore


@dataclass(frozen=True)
class Stores:
    """The stores of one transaction; none of them commits."""

    answers: AnswerStore
    learners: LearnerStore
    channels: ChannelStore
    drops: DropStore
    team: TeamStore
    privacy: PrivacyStore
    reminders: ReminderStore

    @classmethod
    def on(cls, session: AsyncSession) -> Stores:
        """Every store, on this session."""
        return cls(
            answers=AnswerStore(session), learners=LearnerStore(session), channels=ChannelStore(session),
            drops=DropStore(session), team=TeamStore(session), privacy=PrivacyStore(session),
            reminders=ReminderStore(session),
        )


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Stores]:
    """A transaction and its stores: commits when the block ends, rolls back on an exception.

    A database failure leaves as one of the store's own errors (`bot.store.errors`).
    """
    with _store_errors():
        async with sessions() as session, session.begin():
            yield Stores.on(session)


@asynccontextmanager
async def reading(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Stores]:
    """Stores for reads alone, outside a transaction: no BEGIN or COMMIT around them.

    Each statement sees what was committed when it ran, so this is for reads that need no single
    snapshot (a board, a learner's stats); a write here would commit at once, so there is none.
    """
    with _store_errors():
        async with sessions() as session:
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            yield Stores.on(session)


@contextmanager
def _store_errors() -> Iterator[None]:
    """A database failure leaves as one of the store's own errors (`bot.store.errors`)."""
    try:
        yield
    except Exception as exc:
        error = translated(exc)
        if error is None:
            raise
        raise error from exc
