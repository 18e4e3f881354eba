"""Benchmark: leaderboards, stats and the next quiz question at 1M and 10M answers, and answers beside a board loop.

    .venv/bin/python -m bench.boards [--learners 100000] [--sizes 1000000 10000000] [--calls 500] [--repeats 3]
                                     [--stats-calls 100] [--second-share 0.25]
                                     [--postgres URL] [--skip-postgres] [--skip-sqlite] [--sqlite-size 1000000]
                                     [--keep] [--database URL] [--skip-answers]
                                     [--writers 50] [--writes 200]

For each size it builds a scratch database of one workspace with `--learners` learners and that many
answers over the last 90 days, in the order they were given (as the answer path writes them), in two
courses (the shipped pack, and a copy of it under another id taking `--second-share` of the
answers), with skewed activity (the busiest learner has about 0.3% of all answers, the quietest
about half the mean): on PostgreSQL with `generate_series` in the server, on SQLite from Python in
one transaction. It builds the database at the newest schema revision, fills answers (with their
course), stats rows (summed from the answers) and cards (per learner, course and question), then
counts the boards' scores per course and overall with the store's own recount
(`rebuild_statements`, what migration 0009 runs; its time is printed). `--keep` keeps a built
database for later runs with `--database URL`.

Then, through the use cases (`progress.leaderboard`, `progress.stats`, `quiz.next_question`), for
`--calls` learners drawn at random among all of them (most of whom are far below the top ten, so
their own rank is counted too), it prints p50/p99 per call and the process CPU time per call: the
first course's three boards and the overall all-time board, and the quiz. `/study stats` draws a
progress card whenever the learner's data changes, so it is timed twice: the first call of each of
`--stats-calls` learners (card drawn), then five more rounds of the same learners (card kept).
Last, on PostgreSQL, `--writers` learners each record `--writes` answers back to back
(closed loop, as in `bench.answers`): alone, then while another process asks for the all-time
board `--board-rate` times a second, then while it asks back to back (on a 2-core machine that
process takes a core of its own, so this last figure says as much about CPU as about the database).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import functools
import importlib
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.answers import closed_loop
from bench.scratch import create_database, drop_database
from bot.bootstrap import settle_heap
from bot.content.catalogue import Catalogue
from bot.content.loader import require_course
from bot.content.models import Course
from bot.store import migrate
from bot.store.db import create_engine, session_factory
from bot.store.scores import answer_span, rebuild_statements
from bot.usecases import progress, quiz
from bot.usecases.context import Actor, Argument, Core
from bot.usecases.courses import OVERALL

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
DAYS = 90
SKEW = 2.0  # learner = learners * random() ** SKEW: a few learners answer far more than most
SEED = 20261201


def actor(n: int) -> Actor:
    """The bench workspace's learner number `n` (1-based)."""
    return Actor(platform="bench", workspace_id="w", user_id=f"u{n}", user_name=f"Learner {n}")


def load_course() -> Course:
    """The shipped course."""
    return require_course(ROOT / "content" / "dotnet-architect")


def load_courses() -> tuple[Course, Course]:
    """The shipped course and a second course: the same pack under another id."""
    second = require_course(ROOT / "content" / "dotnet-architect")
    return load_course(), second.model_copy(update={"id": f"{second.id}-2", "title": f"{second.title} II"})


# Building the database ----------------------------------------------------------------------------

WORKSPACE_FILL = "INSERT INTO workspaces (id, platform, external_id, name) VALUES (1, 'bench', 'w', '')"
QUESTIONS_TABLE = "CREATE TEMP TABLE bench_questions (i int, question_id text, topic_id text, points int)"
PG_FILL = """
INSERT INTO answers (user_id, workspace_id, course_id, question_id, topic_id, kind, instance, delivery_key, choice,
                     correct, points, local_day, answered_at)
SELECT s.u, 1, CASE WHEN s.second THEN CAST(:second AS text) ELSE CAST(:first_course AS text) END,
       q.question_id, q.topic_id, 'quiz', 'b' || s.g, 'b:' || s.g, 0, s.ok,
       CASE WHEN s.ok THEN q.points ELSE 0 END, (s.at AT TIME ZONE 'UTC')::date, s.at
FROM (SELECT g, 1 + floor(CAST(:learners AS int) * power(random(), CAST(:skew AS float8)))::bigint AS u,
             floor(random() * CAST(:questions AS int))::int AS qi, random() < CAST(:share AS float8) AS second,
             random() < 0.7 AS ok,
             now() - (1 - (g - random()) / CAST(:total AS bigint)) * interval '{days} days' AS at
      FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g) AS s
JOIN bench_questions AS q ON q.i = s.qi
"""

STATS_FILL = """
INSERT INTO user_stats (user_id, points, answers, correct, current_streak, best_streak)
SELECT u.id, coalesce(sum(a.points), 0), count(a.id), coalesce(sum(CASE WHEN a.correct THEN 1 ELSE 0 END), 0), 0, 0
FROM users AS u LEFT JOIN answers AS a ON a.user_id = u.id GROUP BY u.id
"""

CARDS_FILL = """
INSERT INTO review_states (user_id, course_id, question_id, due, card, reviews, lapses, last_correct_at, topic_id,
                           last_review)
SELECT user_id, course_id, question_id, max(answered_at), '{{}}', count(*), sum(CASE WHEN correct THEN 0 ELSE 1 END),
       max(CASE WHEN correct THEN answered_at END), max(topic_id), max(answered_at)
FROM answers GROUP BY user_id, course_id, question_id
"""


def derived_fills(dialect: str) -> list[str]:
    """The statements that fill the stats rows and cards from the answers, with what the migrations derive.

    The cards' quiz counts (0010) and the stats rows' answers per day (0012) come from those
    migrations' own backfills, so the benchmark's rows are what an upgraded database holds.
    """
    tallies = importlib.import_module("bot.store.migrations.versions.0010_card_tallies").BACKFILL
    days = importlib.import_module("bot.store.migrations.versions.0012_recent_days").BACKFILL[dialect]
    return [STATS_FILL, CARDS_FILL.format(), str(tallies), days]


SCORE_INDEXES = """
SELECT 'ALTER TABLE scores ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)
FROM pg_constraint WHERE conrelid = 'scores'::regclass AND contype = 'p'
UNION ALL
SELECT pg_get_indexdef(indexrelid) FROM pg_index
WHERE indrelid = 'scores'::regclass AND NOT indisprimary
"""


async def count_scores(engine: AsyncEngine) -> float:
    """Count the workspace's boards from its answers, per course and overall; the seconds it took.

    On PostgreSQL the rows go into the table without its indexes, which are made again afterwards
    from their own definitions (one sort each, instead of an index entry placed per row).
    """
    started = time.perf_counter()
    async with engine.begin() as conn:
        remake: list[str] = []
        if engine.dialect.name == "postgresql":  # consistent by construction: no per-row foreign key checks
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            remake = list((await conn.execute(text(SCORE_INDEXES))).scalars())
            await conn.execute(text("ALTER TABLE scores DROP CONSTRAINT pk_scores"))
            await conn.execute(text("DROP INDEX ix_scores_board"))
        first, last = (await conn.execute(answer_span(1))).one()
        for stmt in rebuild_statements(1, "UTC", None, (first, last)):
            await conn.execute(stmt)
        if remake:
            await conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        for definition in remake:
            await conn.execute(text(definition))
    return time.perf_counter() - started


async def build_postgres(url: str, courses: tuple[Course, Course], learners: int, answers: int,
                         share: float) -> float:
    """Fill a PostgreSQL database at the newest revision and count its scores; the seconds the count took."""
    engine = create_engine(url)
    await migrate.upgrade(engine)
    questions = list(courses[0].quiz_by_id.values())
    async with engine.begin() as conn:
        # The rows are consistent by construction: skip the per-row foreign key triggers while filling.
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text("SELECT setseed(0.2026)"))
        await conn.execute(text(WORKSPACE_FILL))
        await conn.execute(text(
            "INSERT INTO users (id, workspace_id, external_id, display_name) "
            "SELECT g, 1, 'u' || g, 'Learner ' || g FROM generate_series(1, :n) AS g"
        ), {"n": learners})
        await conn.execute(text("SELECT setval('users_id_seq', :n)"), {"n": learners})
        await conn.execute(text(QUESTIONS_TABLE))
        await conn.execute(
            text("INSERT INTO bench_questions VALUES (:i, :q, :t, :p)"),
            [{"i": i, "q": q.id, "t": q.topic_id, "p": 10 * q.difficulty} for i, q in enumerate(questions)],
        )
        step = 1_000_000
        for first in range(1, answers + 1, step):
            await conn.execute(text(PG_FILL.format(days=DAYS)), {
                "learners": learners, "skew": SKEW, "questions": len(questions), "share": share,
                "first_course": courses[0].id, "second": courses[1].id,
                "first": first, "last": min(answers, first + step - 1), "total": answers,
            })
        for statement in derived_fills("postgresql"):
            await conn.execute(text(statement))
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("ANALYZE answers"))
    counted = await count_scores(engine)
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE"))
    await engine.dispose()
    return counted


def _sqlite_answers(courses: tuple[Course, Course], learners: int, answers: int,
                    share: float) -> list[tuple[object, ...]]:
    """Answer rows for SQLite, as the store writes them."""
    rng = random.Random(SEED)
    questions = list(courses[0].quiz_by_id.values())
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows: list[tuple[object, ...]] = []
    for g in range(answers):
        q = questions[rng.randrange(len(questions))]
        course = courses[1].id if rng.random() < share else courses[0].id
        ok = rng.random() < 0.7
        at = now - dt.timedelta(seconds=(1 - (g + rng.random()) / answers) * DAYS * 86400)
        rows.append((1 + int(learners * rng.random() ** SKEW), 1, course, q.id, q.topic_id, "quiz", f"b{g}", f"b:{g}",
                     0, ok, 10 * q.difficulty if ok else 0, at.date().isoformat(),
                     at.strftime("%Y-%m-%d %H:%M:%S.%f")))
    return rows


async def build_sqlite(url: str, courses: tuple[Course, Course], learners: int, answers: int, share: float) -> float:
    """Fill a SQLite database at the newest revision and count its scores; the seconds the count took."""
    engine = create_engine(url)
    await migrate.upgrade(engine)
    await engine.dispose()
    with contextlib.closing(sqlite3.connect(make_url(url).database or "")) as db:
        db.execute(WORKSPACE_FILL)
        db.executemany("INSERT INTO users (id, workspace_id, external_id, display_name) VALUES (?, 1, ?, ?)",
                       [(n, f"u{n}", f"Learner {n}") for n in range(1, learners + 1)])
        db.executemany(
            "INSERT INTO answers (user_id, workspace_id, course_id, question_id, topic_id, kind, instance,"
            " delivery_key, choice, correct, points, local_day, answered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            _sqlite_answers(courses, learners, answers, share),
        )
        for statement in derived_fills("sqlite"):
            db.execute(statement)
        db.commit()
    engine = create_engine(url)
    counted = await count_scores(engine)
    async with engine.connect() as conn:
        await conn.execute(text("ANALYZE"))
    await engine.dispose()
    return counted


# Measuring ----------------------------------------------------------------------------------------


@dataclass
class Timings:
    """Per-call wall times (seconds) and the process CPU time per call."""

    wall: list[float]
    cpu_per_call: float

    def p(self, q: float) -> float:
        """The `q` quantile in milliseconds."""
        ordered = sorted(self.wall)
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


async def timed(calls: Sequence[Callable[[], Awaitable[object]]],
                warm_ups: Sequence[Callable[[], Awaitable[object]]] | None = None) -> Timings:
    """Run the calls one after another, timing each (after the warm-ups: by default, the first tenth)."""
    for call in calls[: max(1, len(calls) // 10)] if warm_ups is None else warm_ups:
        await call()
    wall = []
    cpu = time.process_time()
    for call in calls:
        start = time.perf_counter()
        await call()
        wall.append(time.perf_counter() - start)
    return Timings(wall, (time.process_time() - cpu) / len(calls))


async def measure_reads(url: str, courses: tuple[Course, Course], learners: int, calls: int,
                        stats_calls: int) -> dict[str, Timings]:
    """p50/p99 of the boards, stats (first call and card kept) and the next quiz question, for random learners."""
    engine = create_engine(url, pool_size=4)
    core = Core(catalogue=Catalogue.of(*courses), sessions=session_factory(engine))
    course = courses[0]
    rng = random.Random(SEED)
    callers = [actor(rng.randint(1, learners)) for _ in range(calls)]
    drawn = [actor(n) for n in rng.sample(range(1, learners + 1), stats_calls + 2)]
    for who in (*callers, *drawn):
        await core.identify(who)
    settle_heap()
    results: dict[str, Timings] = {}
    try:
        boards: list[tuple[str, list[Argument]]] = [
            ("board week", ["week"]), ("board month", ["month"]), ("board all", ["all"]),
            ("overall all", ["all", OVERALL]),
        ]
        for name, args in boards:
            results[name] = await timed(
                [functools.partial(progress.leaderboard, core, who, args) for who in callers]
            )
        # The first two learners draw the process's first cards (matplotlib's import and fonts).
        first = [functools.partial(progress.stats, core, who, course) for who in drawn]
        results["stats, 1st"] = await timed(first[2:], warm_ups=first[:2])
        results["stats"] = await timed(first[2:] * 5, warm_ups=[])
        results["quiz"] = await timed([functools.partial(quiz.next_question, core, who, course) for who in callers])
    finally:
        await engine.dispose()
    return results


async def answer_rate(url: str, courses: tuple[Course, Course], writers: int, writes: int) -> float:
    """Answers a second, `writers` new learners recording `writes` answers each back to back (first course)."""
    engine = create_engine(url, pool_size=writers)
    core = Core(catalogue=Catalogue.of(*courses), sessions=session_factory(engine))
    questions = list(courses[0].quiz_by_id.values())
    run = uuid.uuid4().hex[:6]
    writers_ = [Actor(platform="bench", workspace_id="w", user_id=f"w{run}{n}") for n in range(writers)]
    for who in writers_:
        await core.identify(who)

    async def answer(u: int, n: int) -> None:
        q = questions[(u * 7 + n) % len(questions)]
        await quiz.answer(core, writers_[u], core.catalogue.default, q.id, f"{run}{u}-{n}", q.answer, f"{run}:{u}:{n}")

    try:
        await closed_loop(writers, 2, answer)
        latencies, elapsed = await closed_loop(writers, writes, answer, first=2)
    finally:
        await core.scores.drain()  # the last batches' fold, before its connections close
        await engine.dispose()
    return len(latencies) / elapsed


async def board_loop(url: str, learners: int, rate: float) -> None:
    """Ask for the all-time board in a loop (back to back, or `rate` a second), until stdin closes; print how many."""
    engine = create_engine(url, pool_size=2)
    core = Core(catalogue=Catalogue.of(*load_courses()), sessions=session_factory(engine))
    rng = random.Random(SEED + 1)
    callers = [actor(rng.randint(1, learners)) for _ in range(200)]
    for who in callers:
        await core.identify(who)
    print("ready", flush=True)
    stop = asyncio.ensure_future(asyncio.get_running_loop().run_in_executor(None, sys.stdin.read))
    served = 0
    started = time.perf_counter()
    while not stop.done():
        await progress.leaderboard(core, callers[served % len(callers)], ["all"])
        served += 1
        if rate:
            await asyncio.sleep(max(0.0, started + served / rate - time.perf_counter()))
    print(served, flush=True)
    await engine.dispose()


async def answers_beside_boards(url: str, courses: tuple[Course, Course], learners: int, writers: int, writes: int,
                                rate: float) -> dict[str, float]:
    """Answer throughput while another process asks for the all-time board (back to back, or `rate` a second)."""
    loop = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.boards", "--board-loop", url, "--learners", str(learners),
        "--board-rate", str(rate), cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )
    assert loop.stdin is not None
    assert loop.stdout is not None
    await loop.stdout.readline()  # ready
    started = time.perf_counter()
    beside = await answer_rate(url, courses, writers, writes)
    elapsed = time.perf_counter() - started
    loop.stdin.close()
    served = int((await loop.stdout.readline()).strip() or 0)
    await loop.wait()
    return {"beside": beside, "boards/s": served / elapsed}


# Reporting ----------------------------------------------------------------------------------------


def spread(values: list[float]) -> str:
    """min/median/max of the repeats."""
    return f"{min(values):.2f}/{statistics.median(values):.2f}/{max(values):.2f}"


def table(title: str, results: dict[int, list[dict[str, Timings]]]) -> None:
    """Per read and size: the median p50 of the repeats and their p99 min/median/max, and the p99 ratio."""
    sizes = sorted(results)
    print(f"\n{title} (ms; p99 as min/median/max of {len(results[sizes[0]])} repeats)")
    header = "".join(f"{f'{n / 1e6:g}M p50':>10}{f'{n / 1e6:g}M p99':>22}" for n in sizes)
    print(f"  {'':<12}{header}{'p99 ratio':>11}{'CPU/call':>10}")
    for name in results[sizes[0]][0]:
        cells, medians = "", []
        for n in sizes:
            p50 = statistics.median(r[name].p(0.5) for r in results[n])
            p99 = [r[name].p(0.99) for r in results[n]]
            medians.append(statistics.median(p99))
            cells += f"{p50:>10.2f}{spread(p99):>22}"
        cpu = statistics.median(r[name].cpu_per_call for r in results[sizes[-1]]) * 1000
        print(f"  {name:<12}{cells}{medians[-1] / medians[0]:>10.2f}x{cpu:>8.2f}ms")


async def answer_rates(url: str, courses: tuple[Course, Course], args: argparse.Namespace) -> dict[str, float]:
    """Answers a second alone, beside a paced board loop and beside a back-to-back one."""
    rates = {"alone": await answer_rate(url, courses, args.writers, args.writes)}
    for rate in (args.board_rate, 0.0):
        beside = await answers_beside_boards(url, courses, args.learners, args.writers, args.writes, rate)
        rates[f"{rate:g} boards/s" if rate else "back to back"] = beside["beside"]
        rates[f"served at {rate:g}" if rate else "served back to back"] = beside["boards/s"]
    print("  answers/s: " + ", ".join(f"{k} {v:.0f}" for k, v in rates.items()), flush=True)
    return rates


async def run_postgres(args: argparse.Namespace, courses: tuple[Course, Course]) -> None:
    """Every size on PostgreSQL: build, then reads and answers beside a board loop, `--repeats` times."""
    results: dict[int, list[dict[str, Timings]]] = {}
    for size in args.sizes:
        url = args.database or await create_database(args.postgres, "studybot_boards")
        try:
            if args.database:
                print(f"PostgreSQL, {size:,} answers: the database given", flush=True)
            else:
                started = time.perf_counter()
                counted = await build_postgres(url, courses, args.learners, size, args.second_share)
                print(f"PostgreSQL, {size:,} answers: built in {time.perf_counter() - started:.0f} s "
                      f"(scores counted in {counted:.1f} s)", flush=True)
            results[size], rates = [], []
            for _ in range(args.repeats):
                results[size].append(await measure_reads(url, courses, args.learners, args.calls, args.stats_calls))
                if not args.skip_answers:
                    rates.append(await answer_rates(url, courses, args))
            for beside in (f"{args.board_rate:g} boards/s", "back to back") if rates else ():
                shares = [100 * r[beside] / r["alone"] for r in rates]
                print(f"  answers beside the all-time board asked {beside}: {spread(shares)} % of alone "
                      "(min/median/max)", flush=True)
        finally:
            if args.keep or args.database:
                print(f"  kept {url}", flush=True)
            else:
                await drop_database(args.postgres, url)
    table(f"PostgreSQL, {args.learners:,} learners", results)


async def run_sqlite(args: argparse.Namespace, courses: tuple[Course, Course]) -> None:
    """SQLite at `--sqlite-size`."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/boards.db"
        started = time.perf_counter()
        counted = await build_sqlite(url, courses, args.learners, args.sqlite_size, args.second_share)
        print(f"SQLite, {args.sqlite_size:,} answers: built in {time.perf_counter() - started:.0f} s "
              f"(scores counted in {counted:.1f} s)", flush=True)
        results = {args.sqlite_size: [await measure_reads(url, courses, args.learners, args.calls, args.stats_calls)
                                      for _ in range(args.repeats)]}
    table(f"SQLite, {args.learners:,} learners", results)


async def main() -> None:
    """Parse the arguments and run the benchmark (or, with --board-loop, be the board-asking client)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--sqlite-size", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=500, help="calls of each read, for as many random learners")
    parser.add_argument("--stats-calls", type=int, default=100,
                        help="learners whose first /study stats (a card drawn) is timed; then 5 rounds of them")
    parser.add_argument("--second-share", type=float, default=0.25, help="share of the answers in the second course")
    parser.add_argument("--repeats", type=int, default=3, help="times each size's reads and answers are measured")
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--writes", type=int, default=200, help="answers per writer, closed loop")
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a PostgreSQL URL to create scratch databases next to")
    parser.add_argument("--keep", action="store_true", help="keep each PostgreSQL database built, and print its URL")
    parser.add_argument("--database", metavar="URL", help="measure this database, built and kept before (one size)")
    parser.add_argument("--skip-answers", action="store_true", help="the reads only, no answers beside a board loop")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--board-rate", type=float, default=20.0, help="boards a second of the paced board loop")
    parser.add_argument("--board-loop", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.board_loop:
        await board_loop(args.board_loop, args.learners, args.board_rate)
        return
    courses = load_courses()
    if not args.skip_postgres:
        await run_postgres(args, courses)
    if not args.skip_sqlite:
        await run_sqlite(args, courses)


if __name__ == "__main__":
    asyncio.run(main())
