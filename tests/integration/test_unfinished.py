"""Taking over kept requests: each comes back as the adapter's record, and an unreadable one is dropped."""

from __future__ import annotations

import asyncio
import datetime as dt

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import session_factory
from bot.store.unfinished import UnfinishedStore
from bot.unfinished import UnfinishedWork

LONG = dt.timedelta(minutes=15)


class Record(BaseModel):
    """An adapter's record of a request."""

    text: str


async def test_an_unreadable_record_is_dropped_and_a_readable_one_taken(engine: AsyncEngine) -> None:
    """A record that no longer fits the adapter's shape is deleted, not handed out again and again."""
    dead = UnfinishedStore(session_factory(engine), taken_for=dt.timedelta(milliseconds=1))
    await dead.keep("slack", "slack:good", Record(text="hi").model_dump_json(), LONG)
    await dead.keep("slack", "slack:bad", '{"not": "a record"}', LONG)
    await asyncio.sleep(0.01)
    work = UnfinishedWork(UnfinishedStore(session_factory(engine), taken_for=dt.timedelta(milliseconds=1)))
    taken = await work.take("slack", Record)
    assert [(hold.key, record) for hold, record in taken] == [("slack:good", Record(text="hi"))]
    await asyncio.sleep(0.01)
    assert [hold.key for hold, _record in await work.take("slack", Record)] == ["slack:good"]
