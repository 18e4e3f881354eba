"""Keeping pictures until their data changes, one render per key at a time."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

import pytest

from bot.pictures.cache import SIZE, PictureCache
from bot.pictures.data import Picture


class Renders:
    """A render function that counts its calls, and can be held until `release` is set."""

    def __init__(self, fail: bool = False) -> None:
        self.calls = 0
        self.fail = fail
        self.release = threading.Event()
        self.release.set()

    def __call__(self) -> Picture:
        """A picture numbered by this call, after waiting for `release`; or the error, when failing."""
        self.calls += 1
        self.release.wait(timeout=10)
        if self.fail:
            raise RuntimeError("render failed")
        return Picture(png=f"png {self.calls}".encode(), width=1, height=1, alt=f"picture {self.calls}")


async def in_thread(render: Callable[[], Picture]) -> Picture:
    """Draw in a thread of this process, so the test can count the calls (the bot draws in its worker)."""
    return await asyncio.to_thread(render)


def cache_of(size: int = SIZE) -> PictureCache:
    """A cache drawing with `in_thread`."""
    return PictureCache(size=size, draw=in_thread)


def alt(picture: Picture | None) -> str:
    """The alt text of a picture that was drawn."""
    assert picture is not None
    return picture.alt


async def test_the_same_key_gives_the_kept_picture_without_rendering_again() -> None:
    """A second request for a key gets the same bytes, and the render function is not called again."""
    cache, render = cache_of(), Renders()
    first = await cache.get(("progress", 1, 41), render)
    second = await cache.get(("progress", 1, 41), render)
    assert first is not None
    assert second is not None
    assert second.png == first.png
    assert render.calls == 1


async def test_a_new_key_renders_again() -> None:
    """When the data's version changes, so does the key, and the picture is rendered anew."""
    cache, render = cache_of(), Renders()
    await cache.get(("progress", 1, 41), render)
    newer = await cache.get(("progress", 1, 42), render)
    assert alt(newer) == "picture 2"
    assert render.calls == 2


async def test_concurrent_requests_for_one_key_share_one_render() -> None:
    """Requests that arrive while a key is rendering wait for that render instead of starting another."""
    cache, render = cache_of(), Renders()
    render.release.clear()
    waiting = [asyncio.create_task(cache.get("team", render)) for _ in range(5)]
    await asyncio.sleep(0.05)
    render.release.set()
    pictures = await asyncio.gather(*waiting)
    assert {alt(p) for p in pictures} == {"picture 1"}
    assert render.calls == 1


async def test_the_least_recently_used_picture_goes_first() -> None:
    """Over its size the cache drops the picture used longest ago and keeps the others."""
    cache, render = cache_of(size=2), Renders()
    await cache.get("a", render)
    await cache.get("b", render)
    await cache.get("a", render)  # "a" is now the more recently used
    await cache.get("c", render)  # drops "b"
    assert len(cache) == 2
    assert alt(await cache.get("a", render)) == "picture 1"
    assert alt(await cache.get("b", render)) == "picture 4"


async def test_a_failed_render_gives_its_callers_none_and_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    """Every caller waiting for a render that raises gets None, and the error is logged once, with its traceback."""
    cache, render = cache_of(), Renders(fail=True)
    render.release.clear()
    waiting = [asyncio.create_task(cache.get("team", render)) for _ in range(3)]
    await asyncio.sleep(0.05)
    with caplog.at_level(logging.ERROR, logger="bot.pictures.cache"):
        render.release.set()
        assert await asyncio.gather(*waiting) == [None, None, None]
    [record] = caplog.records
    assert record.getMessage() == "could not draw the picture 'team'; its replies go without it"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)


async def test_a_failed_render_is_not_kept() -> None:
    """After a render that failed, the next request for the key renders again."""
    cache, render = cache_of(), Renders(fail=True)
    assert await cache.get("team", render) is None
    render.fail = False
    assert alt(await cache.get("team", render)) == "picture 2"


async def test_a_caller_that_gives_up_does_not_cancel_the_render() -> None:
    """Cancelling one waiting caller leaves the render running for the next, which gets its picture."""
    cache, render = cache_of(), Renders()
    render.release.clear()
    impatient = asyncio.create_task(cache.get("team", render))
    await asyncio.sleep(0.05)
    impatient.cancel()
    patient = asyncio.create_task(cache.get("team", render))
    await asyncio.sleep(0)
    render.release.set()
    assert alt(await patient) == "picture 1"
    assert render.calls == 1


def test_a_cache_holds_at_least_one_picture() -> None:
    """A size under one is refused when the cache is made."""
    with pytest.raises(ValueError, match="at least one"):
        PictureCache(size=0)
