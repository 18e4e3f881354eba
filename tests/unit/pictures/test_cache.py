"""Rendering off the event loop, and keeping pictures until their data changes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from bench import picture_data
from bot.pictures.board import render_board_chart
from bot.pictures.cache import PictureCache, render_off_loop
from bot.pictures.data import Picture
from bot.pictures.progress import render_progress_card
from bot.pictures.team import render_team_chart


class Renders:
    """A render function that counts its calls and records the thread each ran on."""

    def __init__(self, fail: bool = False) -> None:
        self.calls = 0
        self.threads: list[int] = []
        self.fail = fail
        self.release = threading.Event()
        self.release.set()

    def __call__(self) -> Picture:
        """A picture numbered by this call, after waiting for `release`; or the error, when failing."""
        self.calls += 1
        self.threads.append(threading.get_ident())
        self.release.wait(timeout=10)
        if self.fail:
            raise RuntimeError("render failed")
        return Picture(png=f"png {self.calls}".encode(), width=1, height=1, alt=f"picture {self.calls}")


async def test_rendering_runs_in_a_worker_thread() -> None:
    """The render function runs off the event loop's thread and its picture comes back."""
    render = Renders()
    picture = await render_off_loop(render)
    assert picture.alt == "picture 1"
    assert render.threads != [threading.get_ident()]


async def test_pictures_rendered_in_parallel_threads_match_those_rendered_alone() -> None:
    """Real renders running at once in worker threads give the same bytes as one after another."""
    renders: list[Callable[[], Picture]] = [
        lambda: render_progress_card(picture_data.progress_card()),
        lambda: render_team_chart(picture_data.team_chart()),
        lambda: render_board_chart(picture_data.board_chart()),
    ] * 2
    alone = [render().png for render in renders]
    together = await asyncio.gather(*(render_off_loop(render) for render in renders))
    assert [p.png for p in together] == alone


async def test_the_same_key_gives_the_kept_picture_without_rendering_again() -> None:
    """A second request for a key gets the same bytes, and the render function is not called again."""
    cache, render = PictureCache(), Renders()
    first = await cache.get(("progress", 1, 41), render)
    second = await cache.get(("progress", 1, 41), render)
    assert second.png == first.png
    assert render.calls == 1


async def test_a_new_key_renders_again() -> None:
    """When the data's version changes, so does the key, and the picture is rendered anew."""
    cache, render = PictureCache(), Renders()
    await cache.get(("progress", 1, 41), render)
    newer = await cache.get(("progress", 1, 42), render)
    assert newer.alt == "picture 2"
    assert render.calls == 2


async def test_concurrent_requests_for_one_key_share_one_render() -> None:
    """Requests that arrive while a key is rendering wait for that render instead of starting another."""
    cache, render = PictureCache(), Renders()
    render.release.clear()
    waiting = [asyncio.create_task(cache.get("team", render)) for _ in range(5)]
    await asyncio.sleep(0.05)
    render.release.set()
    pictures = await asyncio.gather(*waiting)
    assert {p.alt for p in pictures} == {"picture 1"}
    assert render.calls == 1


async def test_the_least_recently_used_picture_goes_first() -> None:
    """Over its size the cache drops the picture used longest ago and keeps the others."""
    cache, render = PictureCache(size=2), Renders()
    await cache.get("a", render)
    await cache.get("b", render)
    await cache.get("a", render)  # "a" is now the more recently used
    await cache.get("c", render)  # drops "b"
    assert len(cache) == 2
    assert (await cache.get("a", render)).alt == "picture 1"
    assert (await cache.get("b", render)).alt == "picture 4"


async def test_a_failed_render_is_not_kept() -> None:
    """A render that raises passes its error on, and the next request for the key renders again."""
    cache, render = PictureCache(), Renders(fail=True)
    with pytest.raises(RuntimeError, match="render failed"):
        await cache.get("team", render)
    render.fail = False
    assert (await cache.get("team", render)).alt == "picture 2"


async def test_a_caller_that_gives_up_does_not_cancel_the_render() -> None:
    """Cancelling one waiting caller leaves the render running for the next, which gets its picture."""
    cache, render = PictureCache(), Renders()
    render.release.clear()
    impatient = asyncio.create_task(cache.get("team", render))
    await asyncio.sleep(0.05)
    impatient.cancel()
    patient = asyncio.create_task(cache.get("team", render))
    await asyncio.sleep(0)
    render.release.set()
    assert (await patient).alt == "picture 1"
    assert render.calls == 1


def test_a_cache_holds_at_least_one_picture() -> None:
    """A size under one is refused when the cache is made."""
    with pytest.raises(ValueError, match="at least one"):
        PictureCache(size=0)
