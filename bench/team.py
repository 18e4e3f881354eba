"""Benchmark: `/study team` on a workspace of many learners and answers (PostgreSQL).

    .venv/bin/python -m bench.team [--learners 10000] [--answers 1000000] [--runs 50] [--postgres URL]

Builds a throw-away database with one workspace: `--learners` learners and `--answers` answers
over 90 days with skewed activity (a few learners answer most), the cards those answers made
(stability, last review and topic filled as the answer path writes them) and the learners' totals,
all with `generate_series` in a few statements. Then it times each of the three reads on its own
(participation and memory are what a background refresh costs), the first view of a process
(nothing kept yet: it waits for every read) and the whole use case `team.team` `--runs` times
with the figures kept, as an admin meets it, printing p50/p99.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.scratch import create_database, drop_database
from bot.content.catalogue import Catalogue
from bot.content.loader import require_course
from bot.store import migrate
from bot.store.db import create_engine, session_factory
from bot.usecases import team
from bot.usecases.context import Actor, Core

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
DAYS = 90


async def build(engine: AsyncEngine, course_id: str, course_questions: list[tuple[str, str]], learners: int,
                answers: int) -> None:
    """The workspace, its learners, their answers in `course_id`, cards and totals."""
    questions = ", ".join(f"('{q}', '{t}', {n})" for n, (q, t) in enumerate(course_questions))
    statements = [
        "INSERT INTO workspaces (id, platform, external_id, name, timezone) VALUES (1, 'slack', 'T1', 'bench', 'UTC')",
        f"INSERT INTO users (id, workspace_id, external_id, display_name) "
        f"SELECT n, 1, 'U' || n, 'Learner ' || n FROM generate_series(1, {learners}) AS n",
        f"CREATE TEMP TABLE qs (question_id text, topic_id text, n int) ON COMMIT DROP; "
        f"INSERT INTO qs VALUES {questions}",
        # Skewed activity: an answer's learner is 1 + floor(learners * r^2.5), so a few answer most; over DAYS days.
        f"""INSERT INTO answers (user_id, workspace_id, course_id, question_id, topic_id, kind, instance, delivery_key,
                                choice, correct, points, local_day, answered_at)
            SELECT a.user_id, 1, '{course_id}', qs.question_id, qs.topic_id, 'quiz', 'i' || a.n, 'd' || a.n, 0,
                   a.correct, CASE WHEN a.correct THEN 10 ELSE 0 END, a.at::date, a.at
            FROM (SELECT n, 1 + floor({learners} * power(random(), 2.5))::int AS user_id,
                         floor(random() * {len(course_questions)})::int AS q, random() < 0.7 AS correct,
                         TIMESTAMPTZ '{NOW.isoformat()}' - random() * INTERVAL '{DAYS} days' AS at
                  FROM generate_series(1, {answers}) AS n) AS a
            JOIN qs ON qs.n = a.q""",
        """INSERT INTO review_states (user_id, course_id, question_id, due, card, reviews, lapses, last_correct_at,
                                     topic_id, stability, last_review)
           SELECT user_id, course_id, question_id, max(answered_at) + INTERVAL '3 days',
                  json_build_object('state', 2, 'stability', 3.0, 'last_review', max(answered_at)),
                  count(*), count(*) FILTER (WHERE NOT correct), max(answered_at) FILTER (WHERE correct),
                  max(topic_id), 1 + 2 * count(*), max(answered_at)
           FROM answers GROUP BY user_id, course_id, question_id""",
        """INSERT INTO user_stats (user_id, points, answers, correct, current_streak, best_streak, last_active_day)
           SELECT u.id, coalesce(sum(a.points), 0), count(a.id), count(a.id) FILTER (WHERE a.correct),
                  (u.id % 7), (u.id % 11), max(a.local_day)
           FROM users u LEFT JOIN answers a ON a.user_id = u.id GROUP BY u.id""",
        "ANALYZE",
    ]
    async with engine.begin() as conn:
        for statement in statements[:-1]:
            for part in statement.split("; "):
                await conn.execute(text(part))
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(statements[-1]))


async def timed(runs: int, work: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """p50 and p99 of `work` in milliseconds over `runs` runs, after two warm-up runs."""
    for _ in range(2):
        await work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await work()
        times.append((time.perf_counter() - start) * 1000)
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.99) - 1)]


async def main() -> None:
    """Build the database, time `/study team` and its reads, drop the database."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--postgres", default=DEFAULT_PG)
    args = parser.parse_args()
    course = require_course(ROOT / "content" / "dotnet-architect")
    pairs = [(q.id, t.id) for t in course.topics for q in (*t.quiz, *t.self_graded)]
    url = await create_database(args.postgres, "studybot_bench_team")
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        start = time.perf_counter()
        await build(engine, course.id, pairs, args.learners, args.answers)
        print(f"built {args.learners:,} learners and {args.answers:,} answers in {time.perf_counter() - start:.1f} s")
        core = Core(catalogue=Catalogue.of(course), sessions=session_factory(engine), clock=lambda: NOW)
        admin = Actor(platform="slack", workspace_id="T1", user_id="U1", is_admin=True)
        today = NOW.date()
        monday = today - dt.timedelta(days=today.weekday())

        async def read(name: str) -> object:
            async with core.unit_of_work() as uow:
                if name == "participation":
                    return await uow.team.participation(1, course.id, today - dt.timedelta(days=27),
                                                        monday - dt.timedelta(days=7),
                                                        monday, NOW - dt.timedelta(days=29), today)
                if name == "memory":
                    return await uow.team.memory(1, course.id, NOW, NOW + team.DUE_WITHIN)
                return await uow.team.lapsing(1, team.AT_RISK_STREAK, today - dt.timedelta(days=team.IDLE_DAYS))

        for name in ("participation", "memory", "lapsing"):
            p50, p99 = await timed(args.runs, functools.partial(read, name))
            print(f"  {name:<16} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")
        cold = []
        for _ in range(5):  # a new core each time: nothing kept, every read waited for
            fresh = Core(catalogue=Catalogue.of(course), sessions=session_factory(engine), clock=lambda: NOW)
            start = time.perf_counter()
            await team.team(fresh, admin, fresh.catalogue.default)
            cold.append((time.perf_counter() - start) * 1000)
        print(f"  {'first view':<16} min {min(cold):7.2f} ms   median {statistics.median(cold):7.2f} ms   "
              f"max {max(cold):7.2f} ms   (5 cold starts)")
        p50, p99 = await timed(args.runs, lambda: team.team(core, admin, core.catalogue.default))
        print(f"  {'/study team':<16} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   ({args.runs} runs, figures kept)")
    finally:
        await engine.dispose()
        await drop_database(args.postgres, url)


if __name__ == "__main__":
    asyncio.run(main())
