"""Acknowledged requests kept in the database: held by their process, taken over once it is gone."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import session_factory
from bot.store.unfinished import UnfinishedStore

LONG = dt.timedelta(minutes=15)
BRIEF = dt.timedelta(milliseconds=1)


async def test_a_held_request_is_not_taken(engine: AsyncEngine) -> None:
    """While the process that kept it holds it, nobody else takes it."""
    store = UnfinishedStore(session_factory(engine))
    await store.keep("slack", "slack:1.2:U1", "{}", LONG)
    assert await store.take("slack") == []


async def test_a_request_whose_holder_stopped_is_taken_with_its_body(engine: AsyncEngine) -> None:
    """Once the hold lapses, `take` hands out the key and body."""
    store = UnfinishedStore(session_factory(engine), taken_for=BRIEF)
    await store.keep("discord", "discord:42", '{"a": 1}', LONG)
    await asyncio.sleep(0.01)
    assert await store.take("discord") == [("discord:42", '{"a": 1}')]


async def test_a_taken_request_is_held_by_its_taker(engine: AsyncEngine) -> None:
    """A second `take` right after does not hand the same request out again."""
    store = UnfinishedStore(session_factory(engine), taken_for=BRIEF)
    await store.keep("discord", "discord:42", "{}", LONG)
    await asyncio.sleep(0.01)
    holding = UnfinishedStore(session_factory(engine))
    assert len(await holding.take("discord")) == 1
    assert await holding.take("discord") == []


async def test_only_one_of_two_takers_wins(engine: AsyncEngine) -> None:
    """Two replicas looking at once: each request goes to one of them."""
    store = UnfinishedStore(session_factory(engine), taken_for=BRIEF)
    for n in range(5):
        await store.keep("slack", f"slack:{n}", "{}", LONG)
    await asyncio.sleep(0.01)
    first, second = (UnfinishedStore(session_factory(engine)) for _ in range(2))
    got = await asyncio.gather(first.take("slack"), second.take("slack"))
    keys = [key for taken in got for key, _body in taken]
    assert sorted(keys) == [f"slack:{n}" for n in range(5)]


async def test_a_forgotten_request_is_gone(engine: AsyncEngine) -> None:
    """An answered request is never finished again."""
    store = UnfinishedStore(session_factory(engine), taken_for=BRIEF)
    await store.keep("slack", "slack:1", "{}", LONG)
    await store.forget("slack:1")
    await asyncio.sleep(0.01)
    assert await store.take("slack") == []


async def test_an_expired_request_is_dropped(engine: AsyncEngine) -> None:
    """Past the time the platform allows an answer, the request is deleted rather than taken."""
    store = UnfinishedStore(session_factory(engine), taken_for=BRIEF)
    await store.keep("slack", "slack:1", "{}", BRIEF)
    await asyncio.sleep(0.01)
    assert await store.take("slack") == []


async def test_requests_of_other_platforms_are_left_alone(engine: AsyncEngine) -> None:
    """A Slack process never takes a Discord request."""
    store = UnfinishedStore(session_factory(engine), taken_for=BRIEF)
    await store.keep("discord", "discord:1", "{}", LONG)
    await asyncio.sleep(0.01)
    assert await store.take("slack") == []
