"""Costly figures kept in memory and read again in the background once old."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.usecases.stale import StaleWhileRefreshing

START = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
FRESH = dt.timedelta(minutes=10)


class Reads:
    """A read that counts its calls and returns the call number, or fails when told to."""

    def __init__(self) -> None:
        self.calls = 0
        self.fail = False

    async def __call__(self) -> int:
        """The next number."""
        self.calls += 1
        if self.fail:
            raise ConnectionError("database down")
        return self.calls


async def test_the_first_request_waits_for_the_read() -> None:
    """With nothing kept, the value is read at once and returned."""
    cache: StaleWhileRefreshing[str, int] = StaleWhileRefreshing(FRESH)
    reads = Reads()
    kept = await cache.get("w", START, reads)
    assert (kept.value, kept.read_at, reads.calls) == (1, START, 1)


async def test_a_fresh_value_is_served_without_a_read() -> None:
    """Within `fresh_for`, the kept value comes back and nothing is read."""
    cache: StaleWhileRefreshing[str, int] = StaleWhileRefreshing(FRESH)
    reads = Reads()
    await cache.get("w", START, reads)
    kept = await cache.get("w", START + FRESH - dt.timedelta(seconds=1), reads)
    await cache.settled()
    assert (kept.value, reads.calls) == (1, 1)


async def test_an_old_value_is_served_while_one_background_read_replaces_it() -> None:
    """The old value is returned at once; the next request gets the new one; requests meanwhile read nothing more."""
    cache: StaleWhileRefreshing[str, int] = StaleWhileRefreshing(FRESH)
    reads = Reads()
    await cache.get("w", START, reads)
    late = START + FRESH
    assert (await cache.get("w", late, reads)).value == 1
    assert (await cache.get("w", late, reads)).value == 1
    await cache.settled()
    assert reads.calls == 2
    kept = await cache.get("w", late, reads)
    assert (kept.value, kept.read_at) == (2, late)


async def test_a_failed_background_read_keeps_the_old_value(caplog: pytest.LogCaptureFixture) -> None:
    """The database being down leaves the last figures in place, with one warning, and the next request retries."""
    cache: StaleWhileRefreshing[str, int] = StaleWhileRefreshing(FRESH, "team's figures")
    reads = Reads()
    await cache.get("w", START, reads)
    reads.fail = True
    await cache.get("w", START + FRESH, reads)
    await cache.settled()
    assert (await cache.get("w", START + FRESH, reads)).value == 1
    await cache.settled()
    assert reads.calls == 3
    assert "could not refresh the team's figures (ConnectionError)" in caplog.text


async def test_keys_are_kept_apart() -> None:
    """Each workspace has its own figures."""
    cache: StaleWhileRefreshing[str, int] = StaleWhileRefreshing(FRESH)
    reads = Reads()
    first = await cache.get("a", START, reads)
    second = await cache.get("b", START, reads)
    assert (first.value, second.value) == (1, 2)


class SlowReads(Reads):
    """A read that waits until it is let go."""

    def __init__(self) -> None:
        super().__init__()
        self.go = asyncio.Event()

    async def __call__(self) -> int:
        """The next number, once let go."""
        self.calls += 1
        number = self.calls
        await self.go.wait()
        return number


async def test_requests_during_the_first_read_share_it() -> None:
    """Ten requests that arrive while the first read is under way wait for it: one read in all."""
    cache: StaleWhileRefreshing[str, int] = StaleWhileRefreshing(FRESH)
    reads = SlowReads()
    waiting = [asyncio.create_task(cache.get("w", START, reads)) for _ in range(10)]
    await asyncio.sleep(0)
    reads.go.set()
    values = {kept.value for kept in await asyncio.gather(*waiting)}
    assert (values, reads.calls) == ({1}, 1)


async def test_a_first_read_that_fails_is_tried_again_by_the_next_request() -> None:
    """A failed first read reaches its callers; the next request reads again."""
    cache: StaleWhileRefreshing[str, int] = StaleWhileRefreshing(FRESH)
    reads = Reads()
    reads.fail = True
    with pytest.raises(ConnectionError):
        await cache.get("w", START, reads)
    reads.fail = False
    assert (await cache.get("w", START, reads)).value == 2


async def test_a_read_begun_before_forget_keeps_nothing() -> None:
    """`forget` while a read is under way: that read answers its caller, and the next request reads anew."""
    cache: StaleWhileRefreshing[str, int] = StaleWhileRefreshing(FRESH)
    reads = SlowReads()
    before = asyncio.create_task(cache.get("w", START, reads))
    await asyncio.sleep(0)
    cache.forget()
    reads.go.set()
    assert (await before).value == 1
    assert (await cache.get("w", START, reads)).value == 2
