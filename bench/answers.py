"""Benchmark: answers recorded through the use case by many concurrent users, against bare SQL.

    .venv/bin/python -m bench.answers [--users 50] [--answers 40] [--rate 1500] [--seconds 5]
                                      [--postgres URL] [--skip-sqlite] [--skip-postgres]
                                      [--disk-probe DIR | --no-disk-probe]

Each system is measured twice, after a short warm-up:

* closed loop (maximum throughput): `--users` workers each record `--answers` answers back to
  back, the next as soon as the previous returns. Latency here is bound by Little's law
  (users in flight / throughput), so it says little on its own. It also prints the machine's busy
  CPU time per answer (all processes, so the database server's too, from /proc/stat), which a
  comparison of two copies can trust more than their throughput on a machine whose speed varies.
* open loop (latency at a fixed load): answers arrive at `--rate` per second (Poisson arrivals,
  fixed seed) from `--users` users for `--seconds` seconds, whether or not earlier ones have
  finished. Latency is timed from each answer's scheduled arrival, so a system that falls behind
  shows it in its latency; "kept up" means it completed at least 97% of the offered rate.

The use case is `quiz.answer` (idempotency, insert, streak/points update under a row lock, FSRS
card update, commit). The floor is a single-row INSERT into the answers table per answer
through a bare driver (an asyncpg pool; one aiosqlite connection for SQLite, which has one
writer), measured the same two ways.

During each open loop a thread times `fdatasync` of a small file on the disk of `--disk-probe`
(see `bench/disk.py`): every durable commit waits for such a flush, so a stall of the disk shows
up there as well as in the latencies.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from pathlib import Path

import aiosqlite
import asyncpg
from sqlalchemy.engine import make_url

from bench.disk import DiskProbe
from bench.machine import TICKS_PER_S, busy_jiffies
from bench.scratch import create_database, drop_database
from bot.bootstrap import settle_heap
from bot.content.catalogue import Catalogue
from bot.content.loader import require_course
from bot.store import migrate
from bot.store.db import create_engine, session_factory
from bot.usecases import quiz
from bot.usecases.context import Actor, Core

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
KEPT_UP = 0.97
WARM_UP_PER_USER = 2
FLOOR_COURSE = "dotnet-architect"  # the course the floor's rows are filed under, as the store files each answer

Work = Callable[[int, int], Awaitable[None]]
Target = Callable[[str, int], AbstractAsyncContextManager[Work]]


def report(name: str, latencies: list[float], elapsed: float, offered: float | None = None,
           busy_ticks: int | None = None) -> dict[str, float]:
    """Print and return throughput and latency percentiles (and, open loop, whether it kept up).

    With `busy_ticks` (the machine's busy CPU meanwhile, see `bench.machine`), also the machine's
    CPU per answer: the bot's and the database server's together.
    """
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000
    rate = len(ordered) / elapsed
    line = f"  {name:<40} {rate:>6.0f} answers/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   ({len(ordered)} answers)"
    if offered is not None:
        line += "   kept up" if rate >= KEPT_UP * offered else "   FELL BEHIND"
    result = {"rate": rate, "p50": p50, "p99": p99}
    if busy_ticks is not None:
        result["cpu_us"] = busy_ticks / TICKS_PER_S / len(ordered) * 1e6
        line += f"   machine CPU {result['cpu_us']:.0f} µs/answer"
    print(line)
    return result


async def closed_loop(users: int, per_user: int, work: Work, first: int = 0) -> tuple[list[float], float]:
    """`users` concurrent workers, each doing `per_user` sequential operations back to back."""
    latencies: list[float] = []

    async def worker(u: int) -> None:
        for n in range(first, first + per_user):
            start = time.perf_counter()
            await work(u, n)
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(worker(u) for u in range(users)))
    return latencies, time.perf_counter() - start


async def open_loop(users: int, rate: float, seconds: float, work: Work, first: int) -> tuple[list[float], float]:
    """Operations arriving at `rate`/s (Poisson) for `seconds`, round-robin over users; latency from arrival."""
    rng = random.Random(20261125)
    arrivals: list[float] = []
    t = 0.0
    while True:
        t += rng.expovariate(rate)
        if t >= seconds:
            break
        arrivals.append(t)
    latencies: list[float] = []
    done: list[float] = []

    async def one(k: int, due: float) -> None:
        await work(k % users, first + k // users)
        finished = time.perf_counter()
        latencies.append(finished - due)
        done.append(finished)

    # Only the operations in flight are kept: gathering thousands of finished tasks at the end would
    # stall the event loop while the last arrivals are still being timed.
    in_flight: set[asyncio.Task[None]] = set()
    failures: list[BaseException] = []

    def finished(task: asyncio.Task[None]) -> None:
        in_flight.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            failures.append(error)

    start = time.perf_counter()
    for k, offset in enumerate(arrivals):
        due = start + offset
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(k, due))
        in_flight.add(task)
        task.add_done_callback(finished)
    if in_flight:
        await asyncio.wait(in_flight)
    if failures:
        raise failures[0]
    # Throughput over the offered window, or longer if the last answers finished late.
    return latencies, max(max(done) - start, seconds)


async def measure(name: str, target: Target, url: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Warm up, then run `target` closed loop and open loop (with the disk probe beside the latter)."""
    async with target(url, args.users) as work:
        await closed_loop(args.users, WARM_UP_PER_USER, work)
        busy_before, _ = busy_jiffies()
        closed = await closed_loop(args.users, args.answers, work, first=WARM_UP_PER_USER)
        closed_busy = busy_jiffies()[0] - busy_before
        with DiskProbe(args.disk_probe) if args.disk_probe else nullcontext() as probe:
            opened = await open_loop(
                args.users, args.rate, args.seconds, work, first=WARM_UP_PER_USER + args.answers
            )
    results = {
        "closed": report(f"{name}, closed loop", *closed, busy_ticks=closed_busy),
        "open": report(f"{name}, open loop", *opened, offered=args.rate),
    }
    if probe is not None:
        print(f"    disk meanwhile: {probe.summary()}")
    return results


@asynccontextmanager
async def use_case(url: str, users: int) -> AsyncIterator[Work]:
    """Answers through the real use case."""
    course = require_course(ROOT / "content" / "dotnet-architect")
    questions = list(course.quiz_by_id.values())
    engine = create_engine(url, pool_size=users)
    await migrate.upgrade(engine)
    core = Core(catalogue=Catalogue.of(course), sessions=session_factory(engine))
    actors = [Actor(platform="bench", workspace_id="w", user_id=f"u{u}", user_name=f"U{u}") for u in range(users)]
    for actor in actors:  # first sight of each user is not what we measure
        await core.identify(actor)
    settle_heap()  # as `bot.bootstrap.build` does once the bot is wired
    run = uuid.uuid4().hex[:6]

    async def answer(u: int, n: int) -> None:
        q = questions[n % len(questions)]
        await quiz.answer(core, actors[u], core.catalogue.default, q.id, f"{run}{u}-{n}", q.answer, f"{run}:{u}:{n}")

    try:
        yield answer
    finally:
        await core.scores.drain()  # the last batches' fold, before its connections close
        await engine.dispose()


@asynccontextmanager
async def bare_postgres(url: str, users: int) -> AsyncIterator[Work]:
    """The floor: one INSERT per answer through an asyncpg pool."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    pool = await asyncpg.create_pool(dsn, min_size=users, max_size=users)
    user_id = await pool.fetchval("SELECT id FROM users LIMIT 1")
    workspace_id = await pool.fetchval("SELECT workspace_id FROM users LIMIT 1")
    now = dt.datetime.now(dt.UTC)
    run = uuid.uuid4().hex[:6]

    async def insert(u: int, n: int) -> None:
        await pool.execute(
            "INSERT INTO answers (user_id, workspace_id, course_id, question_id, topic_id, kind, instance,"
            " delivery_key, choice, correct, points, local_day, answered_at)"
            " VALUES ($1,$2,$3,'q','t','quiz',$4,$5,0,true,10,$6,$7)",
            user_id,
            workspace_id,
            FLOOR_COURSE,
            f"b{run}{u}-{n}",
            f"b{run}:{u}:{n}",
            now.date(),
            now,
        )

    try:
        yield insert
    finally:
        await pool.close()


@asynccontextmanager
async def bare_sqlite(url: str, users: int) -> AsyncIterator[Work]:
    """The floor on SQLite: one INSERT per answer on one aiosqlite connection (SQLite has one writer)."""
    now = dt.datetime.now(dt.UTC)
    run = uuid.uuid4().hex[:6]
    async with aiosqlite.connect(make_url(url).database or "") as db:
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        row = await (await db.execute("SELECT id, workspace_id FROM users LIMIT 1")).fetchone()
        assert row is not None
        lock = asyncio.Lock()

        async def insert(u: int, n: int) -> None:
            async with lock:
                await db.execute(
                    "INSERT INTO answers (user_id, workspace_id, course_id, question_id, topic_id, kind, instance,"
                    " delivery_key, choice, correct, points, local_day, answered_at)"
                    " VALUES (?,?,?,'q','t','quiz',?,?,0,1,10,?,?)",
                    (row[0], row[1], FLOOR_COURSE, f"b{run}{u}-{n}", f"b{run}:{u}:{n}", now.date().isoformat(),
                     now.isoformat()),
                )
                await db.commit()

        yield insert


async def compare(backend: str, url: str, floor: Target, args: argparse.Namespace) -> None:
    """Use case and floor on one backend, and their ratio."""
    print(backend)
    ours = await measure("use case (quiz.answer)", use_case, url, args)
    bare = await measure(f"bare SQL INSERT ({'asyncpg' if floor is bare_postgres else 'aiosqlite'})", floor, url, args)
    ratio = bare["closed"]["rate"] / ours["closed"]["rate"]
    print(f"  closed-loop throughput, floor / use case: {ratio:.2f}x")


async def main() -> None:
    """Run the benchmark on each backend and print the results."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--answers", type=int, default=40, help="answers per user, closed loop")
    parser.add_argument("--rate", type=float, default=1500, help="offered answers per second, open loop")
    parser.add_argument("--seconds", type=float, default=5, help="length of the open-loop run")
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a PostgreSQL URL to create a scratch database next to")
    parser.add_argument(
        "--disk-probe",
        type=Path,
        default=Path(tempfile.gettempdir()),
        help="a folder on the disk the database writes to, timed during the open loop (default: the temp folder)",
    )
    parser.add_argument("--no-disk-probe", dest="disk_probe", action="store_const", const=None)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    print(
        f"{args.users} users; closed loop: {args.answers} answers each, back to back; "
        f"open loop: {args.rate:.0f} answers/s offered for {args.seconds:g} s"
    )
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            await compare("SQLite (WAL, one file)", f"sqlite:///{tmp}/bench.db", bare_sqlite, args)
    if not args.skip_postgres:
        url = await create_database(args.postgres, "studybot_bench")
        try:
            await compare("PostgreSQL", url, bare_postgres, args)
        finally:
            await drop_database(args.postgres, url)


if __name__ == "__main__":
    asyncio.run(main())
