"""Benchmark: rendering the pictures (progress card, team chart, board chart) against 200 ms each.

Run as `.venv/bin/python -m bench.pictures [--runs 5] [--renders 20] [--gc-freeze]`.

Each picture is rendered from the seeded inputs of `bench.picture_data` (the real course's
sections and topics), with data and empty: after one warm-up render, `--renders` renders in a
row per run, timed one by one with `time.perf_counter`, for `--runs` runs. It prints each run's
median, then the min, median, p95 and max over every render and how many took 200 ms or more,
and the same renders' CPU time (the thread's own, which other processes on the cores do not add to);
then the same through the picture worker (`bot.pictures.worker`, the process the bot draws in),
with the event loop's longest stall meanwhile (a 1 ms ticker's worst lateness) next to the same
renders in a thread of this process, and a cache hit. The first render in a new process, matplotlib's import and
font loading included, is timed in a child process, as many times as there are runs. The load
average before and after says how busy the machine was meanwhile. With `--gc-freeze` the objects
made so far (modules, the course, matplotlib's own) are frozen out of the garbage collector after
the warm-ups, to show what Python's full collections add to the slowest renders.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from bench import picture_data
from bot.pictures.board import render_board_chart
from bot.pictures.cache import PictureCache
from bot.pictures.data import Picture
from bot.pictures.progress import render_progress_card
from bot.pictures.team import render_team_chart
from bot.pictures.worker import WORKER

TARGET_MS = 200.0
COLD = (
    "import time; start = time.perf_counter()\n"
    "from bench import picture_data\n"
    "from bot.pictures.team import render_team_chart\n"
    "chart = picture_data.team_chart(); start = time.perf_counter()\n"
    "render_team_chart(chart); print((time.perf_counter() - start) * 1000)\n"
)


def pictures() -> dict[str, Callable[[], Picture]]:
    """Each picture to time, by name, as a function that renders it from its seeded input."""
    progress, new, team, idle, board, empty = (
        picture_data.progress_card(), picture_data.new_learner(), picture_data.team_chart(),
        picture_data.idle_team(), picture_data.board_chart(), picture_data.empty_board(),
    )
    return {
        "progress card": functools.partial(render_progress_card, progress),
        "progress card, new learner": functools.partial(render_progress_card, new),
        "team chart": functools.partial(render_team_chart, team),
        "team chart, no practice": functools.partial(render_team_chart, idle),
        "board chart": functools.partial(render_board_chart, board),
        "board chart, empty": functools.partial(render_board_chart, empty),
    }


def timed(render: Callable[[], Picture], count: int) -> tuple[list[float], list[float]]:
    """Milliseconds of each of `count` renders in a row: on the clock, and of this thread's CPU time.

    The CPU time leaves out the moments other processes had the cores, so the two together tell
    a slow render from a busy machine.
    """
    wall, cpu = [], []
    for _ in range(count):
        start, start_cpu = time.perf_counter(), time.thread_time()
        render()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    return wall, cpu


async def off_the_loop(render: Callable[[], Picture], count: int, in_worker: bool) -> tuple[list[float], float]:
    """Milliseconds of each of `count` renders awaited in a row, and the loop's worst stall meanwhile (ms).

    In the picture worker with `in_worker`, else in a thread of this process (`asyncio.to_thread`).
    The stall is how late a task that sleeps 1 ms at a time wakes at worst.
    """
    stall = 0.0
    running = True

    async def ticker() -> None:
        nonlocal stall
        while running:
            start = time.perf_counter()
            await asyncio.sleep(0.001)
            stall = max(stall, (time.perf_counter() - start) * 1000 - 1)

    ticking = asyncio.create_task(ticker())
    times = []
    for _ in range(count):
        start = time.perf_counter()
        await (WORKER.draw(render) if in_worker else asyncio.to_thread(render))
        times.append((time.perf_counter() - start) * 1000)
    running = False
    await ticking
    return times, stall


async def cache_hit_us(render: Callable[[], Picture], count: int) -> float:
    """The median microseconds of a cache hit, after one miss has rendered the picture."""
    cache = PictureCache()
    await cache.get("key", render)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        await cache.get("key", render)
        times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def row(name: str, medians: list[float], every: list[float]) -> str:
    """One table line: each run's median, then min, median, p95 and max over all renders, and how many missed 200 ms."""
    over = sum(1 for t in every if t >= TARGET_MS)
    runs = " ".join(f"{m:6.1f}" for m in medians)
    p95 = statistics.quantiles(every, n=20)[-1]
    return (f"  {name:28} {runs}   min {min(every):6.1f}  median {statistics.median(every):6.1f}  "
            f"p95 {p95:6.1f}  max {max(every):6.1f} ms   {over}/{len(every)} over 200 ms")


def main() -> None:
    """Time every picture as the module docstring says and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5)")
    parser.add_argument("--renders", type=int, default=20, help="renders per picture in a run (default 20)")
    parser.add_argument("--gc-freeze", action="store_true",
                        help="after the warm-ups, move every object so far out of the garbage collector's sight "
                             "(gc.freeze), as a process could once started")
    args = parser.parse_args()
    runs, count = max(args.runs, 1), max(args.renders, 2)
    cold = [
        float(subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]
    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())} ({os.cpu_count()} cores)")
    print(f"{runs} runs of {count} renders each; per run: its median (ms)")
    print(f"  {'team chart, first in process':28} " + " ".join(f"{m:6.1f}" for m in cold)
          + "   (matplotlib's import and fonts included)")
    print("one at a time" + (", after gc.freeze()" if args.gc_freeze else ""))
    renders = pictures()
    for render in renders.values():
        render()  # warm-up
    if args.gc_freeze:
        gc.collect()
        gc.freeze()
    for name, render in renders.items():
        results = [timed(render, count) for _ in range(runs)]
        print(row(name, [statistics.median(wall) for wall, _ in results], [t for wall, _ in results for t in wall]))
        cpu = [t for _, times in results for t in times]
        print(f"  {'':28} CPU time: min {min(cpu):6.1f}  median {statistics.median(cpu):6.1f}  max {max(cpu):6.1f} ms")
    asyncio.run(WORKER.draw(renders["board chart"]))  # the worker's start and matplotlib's import
    for in_worker in (True, False):
        print("through the picture worker" if in_worker else "in a thread of this process",
              "(the event loop's worst stall meanwhile)")
        for name, render in renders.items():
            if "," in name:
                continue
            drawn = [asyncio.run(off_the_loop(render, count, in_worker)) for _ in range(runs)]
            every = [t for times, _ in drawn for t in times]
            print(row(name, [statistics.median(times) for times, _ in drawn], every)
                  + f"   stall max {max(s for _, s in drawn):5.1f} ms")
    hit = asyncio.run(cache_hit_us(renders["team chart"], count * 10))
    print(f"cache hit (PictureCache.get, picture kept): median {hit:.1f} µs")
    print(f"load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
