"""The picture worker: renders in a process of its own, replaced when it dies, gone with the bot."""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable

import pytest

from bench import picture_data
from bot.pictures.board import render_board_chart
from bot.pictures.cache import PictureCache
from bot.pictures.data import Picture
from bot.pictures.progress import render_progress_card
from bot.pictures.team import render_team_chart
from bot.pictures.worker import PictureWorker
from tests.processes import children, ended

RENDERS: list[Callable[[], Picture]] = [
    functools.partial(render_progress_card, picture_data.progress_card()),
    functools.partial(render_team_chart, picture_data.team_chart()),
    functools.partial(render_board_chart, picture_data.board_chart()),
]
BOARD = RENDERS[2]


@pytest.fixture
async def worker() -> AsyncIterator[PictureWorker]:
    """A worker of the test's own, stopped afterwards."""
    started = PictureWorker()
    yield started
    await started.stop()


def worker_processes(known: set[int]) -> list[multiprocessing.process.BaseProcess]:
    """This process's multiprocessing children that are not in `known` (pids)."""
    return [p for p in multiprocessing.active_children() if p.pid not in known]


async def test_pictures_drawn_in_the_worker_match_those_drawn_here(worker: PictureWorker) -> None:
    """Real renders sent to the worker, several at once, come back with the same bytes as drawn in-process."""
    here = [render().png for render in RENDERS]
    there = await asyncio.gather(*(worker.draw(render) for render in RENDERS * 2))
    assert [p.png for p in there] == here * 2


async def test_the_worker_is_another_process(worker: PictureWorker) -> None:
    """Drawing starts one child process, and a second drawing reuses it."""
    before = children()
    await worker.draw(BOARD)
    await worker.draw(BOARD)
    started = worker_processes(before)
    assert len(started) == 1
    assert started[0].pid != os.getpid()


async def test_a_renders_error_comes_back_as_raised(worker: PictureWorker) -> None:
    """A render that fails in the worker raises its own error here, and the worker draws on."""
    with pytest.raises(AttributeError):
        await worker.draw(functools.partial(render_board_chart, None))  # type: ignore[arg-type]
    assert (await worker.draw(BOARD)).png == BOARD().png


async def test_a_killed_worker_is_replaced(worker: PictureWorker, caplog: pytest.LogCaptureFixture) -> None:
    """When the worker process dies, the next render starts a new one and still gets its picture."""
    before = children()
    await worker.draw(BOARD)
    (first,) = worker_processes(before)
    assert first.pid is not None
    os.kill(first.pid, signal.SIGKILL)
    first.join(timeout=5)
    with caplog.at_level(logging.WARNING, logger="bot.pictures.worker"):
        picture = await worker.draw(BOARD)
    assert picture.png == BOARD().png
    assert "the picture worker stopped; starting a new one" in caplog.messages
    assert [p.pid for p in worker_processes(before)] != [first.pid]


async def test_the_worker_leaves_ctrl_c_and_sigterm_to_the_bot(worker: PictureWorker) -> None:
    """Ctrl-C and a service manager's SIGTERM reach the whole process group: the worker draws on."""
    before = children()
    await worker.draw(BOARD)
    (process,) = worker_processes(before)
    assert process.pid is not None
    os.kill(process.pid, signal.SIGINT)
    os.kill(process.pid, signal.SIGTERM)
    await asyncio.sleep(0.2)
    assert process.is_alive()
    assert (await worker.draw(BOARD)).png == BOARD().png


async def test_stopping_waits_for_the_worker_to_end(worker: PictureWorker) -> None:
    """`stop` returns once the worker process has ended."""
    before = children()
    await worker.draw(BOARD)
    (process,) = worker_processes(before)
    await worker.stop()
    assert process.pid is not None
    assert ended(process.pid, within=0)


async def test_a_render_after_stopping_starts_another_worker(worker: PictureWorker) -> None:
    """Drawing after `stop` starts a new worker process, and gets its picture."""
    before = children()
    await worker.draw(BOARD)
    (first,) = worker_processes(before)
    await worker.stop()
    assert (await worker.draw(BOARD)).png == BOARD().png
    assert [p.pid for p in worker_processes(before)] != [first.pid]


KILLED_PARENT = """
import asyncio, functools, sys
from bench import picture_data
from bot.pictures.board import render_board_chart
from bot.pictures.worker import WORKER
import multiprocessing

async def main():
    await WORKER.draw(functools.partial(render_board_chart, picture_data.board_chart()))
    (child,) = multiprocessing.active_children()
    print(child.pid, flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


def test_the_worker_ends_when_the_bot_is_killed() -> None:
    """A bot killed outright (SIGKILL) leaves no worker behind: it notices within a second or two."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    bot = subprocess.Popen([sys.executable, "-c", KILLED_PARENT], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        assert bot.stdout is not None
        pid = int(bot.stdout.readline())
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=5)
        assert ended(pid)
    finally:
        bot.kill()
        bot.wait()


async def test_a_picture_cache_draws_with_the_processs_worker() -> None:
    """By default a cache's renders go to the shared worker, and come back as drawn in-process."""
    picture = await PictureCache().get(("board", 1), BOARD)
    assert picture is not None
    assert picture.png == BOARD().png
