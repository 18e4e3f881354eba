"""Benchmark: answers recorded through the use case by many concurrent users, against bare SQL.

    .venv/bin/python bench/answers.py [--users 50] [--answers 40] [--postgres URL] [--skip-sqlite]

Prints throughput and p50/p99 latency for the use case (`quiz.answer`: idempotency check,
insert, streak/points update with a row lock, FSRS card update, one transaction) and, as the
floor, the same number of single-row INSERTs into the answers table through a bare driver
connection pool at the same concurrency.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite
import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.loader import require_course  # noqa: E402
from bot.store import migrate  # noqa: E402
from bot.store.db import create_engine, session_factory  # noqa: E402
from bot.usecases import quiz  # noqa: E402
from bot.usecases.context import Actor, Core  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def report(name: str, latencies: list[float], elapsed: float) -> dict[str, float]:
    """Print and return throughput and latency percentiles."""
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    rate = len(ordered) / elapsed
    print(f"  {name:<28} {rate:>8.0f} answers/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   ({len(ordered)} answers)")
    return {"rate": rate, "p50": p50, "p99": p99}


async def run_workers(
    users: int, per_user: int, work: Callable[[int, int], Awaitable[None]]
) -> tuple[list[float], float]:
    """Run `users` concurrent workers, each doing `per_user` sequential operations."""
    latencies: list[float] = []

    async def worker(u: int) -> None:
        for n in range(per_user):
            start = time.perf_counter()
            await work(u, n)
            latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(worker(u) for u in range(users)))
    return latencies, time.perf_counter() - start


async def use_case(url: str, users: int, per_user: int) -> dict[str, float]:
    """Answers through the real use case."""
    course = require_course(ROOT / "content" / "dotnet-architect")
    questions = list(course.quiz_by_id.values())
    engine = create_engine(url, pool_size=users)
    await migrate.upgrade(engine)
    core = Core(course=course, sessions=session_factory(engine))
    actors = [Actor(platform="bench", workspace_id="w", user_id=f"u{u}", user_name=f"U{u}") for u in range(users)]
    for actor in actors:  # first sight of each user is not what we measure
        await core.identify(actor)
    run = uuid.uuid4().hex[:6]

    async def answer(u: int, n: int) -> None:
        q = questions[n % len(questions)]
        await quiz.answer(core, actors[u], q.id, f"{run}{u}-{n}", q.answer, f"{run}:{u}:{n}")

    latencies, elapsed = await run_workers(users, per_user, answer)
    await engine.dispose()
    return report("use case (quiz.answer)", latencies, elapsed)


async def bare_postgres(url: str, users: int, per_user: int) -> dict[str, float]:
    """The floor: one INSERT per answer through an asyncpg pool."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    pool = await asyncpg.create_pool(dsn, min_size=users, max_size=users)
    user_id = await pool.fetchval("SELECT id FROM users LIMIT 1")
    workspace_id = await pool.fetchval("SELECT workspace_id FROM users LIMIT 1")
    now = dt.datetime.now(dt.UTC)
    run = uuid.uuid4().hex[:6]

    async def insert(u: int, n: int) -> None:
        await pool.execute(
            "INSERT INTO answers (user_id, workspace_id, question_id, topic_id, kind, instance, delivery_key,"
            " choice, correct, points, local_day, answered_at) VALUES ($1,$2,'q','t','quiz',$3,$4,0,true,10,$5,$6)",
            user_id,
            workspace_id,
            f"b{run}{u}-{n}",
            f"b{run}:{u}:{n}",
            now.date(),
            now,
        )

    latencies, elapsed = await run_workers(users, per_user, insert)
    await pool.close()
    return report("bare SQL INSERT (asyncpg)", latencies, elapsed)


async def bare_sqlite(path: str, users: int, per_user: int) -> dict[str, float]:
    """The floor on SQLite: one INSERT per answer on one aiosqlite connection (SQLite has one writer)."""
    now = dt.datetime.now(dt.UTC)
    run = uuid.uuid4().hex[:6]
    async with aiosqlite.connect(path) as db:
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        row = await (await db.execute("SELECT id, workspace_id FROM users LIMIT 1")).fetchone()
        assert row is not None
        lock = asyncio.Lock()

        async def insert(u: int, n: int) -> None:
            async with lock:
                await db.execute(
                    "INSERT INTO answers (user_id, workspace_id, question_id, topic_id, kind, instance, delivery_key,"
                    " choice, correct, points, local_day, answered_at) VALUES (?,?,'q','t','quiz',?,?,0,1,10,?,?)",
                    (row[0], row[1], f"b{run}{u}-{n}", f"b{run}:{u}:{n}", now.date().isoformat(), now.isoformat()),
                )
                await db.commit()

        latencies, elapsed = await run_workers(users, per_user, insert)
    return report("bare SQL INSERT (aiosqlite)", latencies, elapsed)


async def fresh_postgres(base: str) -> tuple[str, Callable[[], Awaitable[None]]]:
    """A throw-away database next to `base`, and a function that drops it."""
    name = f"studybot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(make_url(base).set(drivername="postgresql+asyncpg"), isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))

    async def drop() -> None:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--answers", type=int, default=40, help="answers per user")
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a PostgreSQL URL to create a scratch database next to")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    print(f"{args.users} concurrent users x {args.answers} answers each")
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            path = f"{tmp}/bench.db"
            print("SQLite (WAL, one file)")
            ours = await use_case(f"sqlite:///{path}", args.users, args.answers)
            floor = await bare_sqlite(path, args.users, args.answers)
            print(f"  use case / floor throughput: {floor['rate'] / ours['rate']:.2f}x slower")
    if not args.skip_postgres:
        url, drop = await fresh_postgres(args.postgres)
        try:
            print("PostgreSQL")
            ours = await use_case(url, args.users, args.answers)
            floor = await bare_postgres(url, args.users, args.answers)
            print(f"  use case / floor throughput: {floor['rate'] / ours['rate']:.2f}x slower")
        finally:
            await drop()


if __name__ == "__main__":
    asyncio.run(main())
