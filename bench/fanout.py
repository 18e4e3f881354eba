"""Benchmark: the daily-drop fan-out of N channels (or N learners' reminders) due at once, against rate limits.

    .venv/bin/python -m bench.fanout [--channels 5000] [--discord-share 0.5]
                                     [--slack-workspace-rate 0] [--pace-slack 0] [--concurrency N]
                                     [--schedulers 1] [--pool 10] [--postgres URL]
    .venv/bin/python -m bench.fanout --reminders 50000 [--discord-share 0.02] [--slack-open-rate 0] ...

With `--reminders N`, N learners (a share on Discord in servers of 1,000, the rest in the Slack
workspace) have a reminder at 09:00 UTC and have not studied that day; the real `ReminderRunner`
(with `DIRECT_PACING`) sends them as DMs through the same posters: on Discord POST
/users/@me/channels then the message, on Slack one chat.postMessage to the user's id. The
minimum counts two Discord requests per DM against the global limit; a duplicate is a learner
with more than one DM, a missing one has none.

Sets up a scratch PostgreSQL database with N scheduled channels (a share on Discord, spread over
guilds of 50 channels; the rest in one Slack workspace, since a Slack bot token belongs to one
workspace), all due at 09:00 UTC, and runs the real `DropRunner` once with the real
`DiscordPoster` (discord.py, REST only) and `SlackPoster` (slack_sdk) against local stand-ins
that enforce the platforms' published rate limits (`bench.fanout_standins`, in its own
process). The clock of the core, the drops and the runner is fixed at the due moment.

It prints the time from the start of the fan-out to the last post the stand-ins accepted, next
to the minimum those rate limits allow for the same posts, their ratio, duplicates (a channel
given more messages than one drop has) and missing channels (fewer), the outcomes recorded in
the database, the 429s the stand-ins answered, and the peak RSS of this process
(resource.getrusage), which holds the scheduler but not the stand-ins.

With `--schedulers N` (N > 1), N scheduler processes (`bench.fanout_worker`, each with its own
event loop, engine and posters) run the same fan-out at once against the same database and
stand-ins, each as its own claim holder, so duplicates, missing posts and 429s (Discord's
global limit is the stand-in's, shared by all) are judged over all of them. The fan-out starts
when the first of them starts; each one's share is the deliveries the database records as sent
under its name, next to what it found taken by another, when its run ended, and its peak RSS.

Minimum: every channel gets the course's first lesson, as one Slack message and as many Discord
messages as it renders to (counted at start). A sliding-window limit of L requests per P seconds lets R
requests out no sooner than (ceil(R / L) - 1) * P seconds after the first, so the minimum is
the largest of: Discord's global limit over all Discord posts, the per-channel limits over the
messages of one channel, and the Slack workspace limit (when one is set) over all Slack posts.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import math
import os
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, insert, select

from adapters.discord.config import apply
from adapters.discord.render import render as discord_render
from adapters.slack.config import web_client
from adapters.slack.poster import SlackPoster
from bench.fanout_standins import (
    DISCORD_GLOBAL_LIMIT,
    DISCORD_ROUTE_LIMIT,
    DISCORD_ROUTE_PERIOD,
    SLACK_CHANNEL_LIMIT,
    SLACK_CHANNEL_PERIOD,
)
from bench.machine import busy_jiffies
from bench.scratch import create_database, drop_database
from bot.content.catalogue import Catalogue
from bot.content.loader import require_course
from bot.messages import Visibility
from bot.posting import Poster
from bot.settings import DiscordSettings
from bot.store import migrate
from bot.store.db import create_engine, session_factory
from bot.store.models import Channel, DailyDrop, Reminder, ReminderSend, User, Workspace
from bot.usecases.context import Core
from bot.usecases.drops import Drops
from bot.usecases.lessons import lesson_message
from bot.usecases.reminder_sends import Reminders
from scheduler.fanout import DEFAULT_PACING, DIRECT_PACING, DropRunner, Outcome, ReminderRunner
from tests.e2e.discord.discord_standin import TOKEN as DISCORD_TOKEN
from tests.e2e.discord.rest_poster import open_poster

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
SLACK_TOKEN = "xoxb-bench-token"
SET_UP = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)  # a Wednesday: lessons only, no weekly boards
CHANNELS_PER_GUILD = 50
LEARNERS_PER_GUILD = 1000


def drain_time(requests: int, limit: int, period: float) -> float:
    """The least time from the first to the last of `requests` under `limit` per `period` seconds."""
    return (math.ceil(requests / limit) - 1) * period if requests > 0 else 0.0


def minimum_seconds(discord_channels: int, slack_channels: int, discord_parts: int, slack_parts: int,
                    slack_workspace_rate: float) -> float:
    """The least time to the last post that the stand-ins' limits allow."""
    bounds = [0.0]
    if discord_channels:
        bounds.append(drain_time(discord_channels * discord_parts, DISCORD_GLOBAL_LIMIT, 1.0))
        bounds.append(drain_time(discord_parts, DISCORD_ROUTE_LIMIT, DISCORD_ROUTE_PERIOD))
    if slack_channels:
        bounds.append(drain_time(slack_parts, SLACK_CHANNEL_LIMIT, SLACK_CHANNEL_PERIOD))
        if slack_workspace_rate > 0:
            bounds.append(drain_time(slack_channels * slack_parts, max(1, round(slack_workspace_rate)), 1.0))
    return max(bounds)


def parts_per_drop(course: Any) -> tuple[int, int]:
    """Messages the drop takes on Discord and on Slack: every seeded channel starts at the first topic."""
    message = lesson_message(course, course.topics[0], visibility=Visibility.PUBLIC, heading="📚 **Today's lesson**")
    return len(discord_render(message).parts), 1  # SlackPoster makes one chat.postMessage per drop


def channel_ids(discord: int, slack: int) -> tuple[list[str], list[str]]:
    """External ids: Discord snowflakes and Slack C-ids."""
    return [str(1300000000000000000 + n) for n in range(discord)], [f"C{n:09d}" for n in range(slack)]


async def seed(core: Core, discord_ids: list[str], slack_ids: list[str]) -> None:
    """Workspaces and scheduled channels in bulk (09:00 UTC every day, set up the day before)."""
    guilds = math.ceil(len(discord_ids) / CHANNELS_PER_GUILD)
    async with core.unit_of_work() as uow:
        session = uow.answers.session
        workspaces = [{"platform": "discord", "external_id": str(1140000000000000000 + g), "name": f"Guild {g}"}
                      for g in range(guilds)]
        if slack_ids:
            workspaces.append({"platform": "slack", "external_id": "T0BENCH", "name": "Bench"})
        ids = list((await session.scalars(insert(Workspace).returning(Workspace.id), workspaces)).all())
        rows: list[dict[str, Any]] = [{"workspace_id": ids[n // CHANNELS_PER_GUILD], "external_id": cid}
                                      for n, cid in enumerate(discord_ids)]
        rows += [{"workspace_id": ids[-1], "external_id": cid} for cid in slack_ids]
        for row in rows:
            row.update(name=f"study-{row['external_id'][-6:]}", drop_time="09:00", timezone="UTC",
                       weekdays="mon,tue,wed,thu,fri,sat,sun", paused=False, weekly_board=False,
                       next_topic_index=0, updated_at=SET_UP)
        for start in range(0, len(rows), 1000):
            await session.execute(insert(Channel), rows[start:start + 1000])


def learner_ids(discord: int, slack: int) -> tuple[list[str], list[str]]:
    """External ids of learners: Discord snowflakes and Slack U-ids."""
    return [str(1310000000000000000 + n) for n in range(discord)], [f"U{n:09d}" for n in range(slack)]


async def seed_reminders(core: Core, discord_ids: list[str], slack_ids: list[str]) -> None:
    """Workspaces, learners and their reminders (09:00 UTC, set the day before) in bulk."""
    guilds = math.ceil(len(discord_ids) / LEARNERS_PER_GUILD)
    async with core.unit_of_work() as uow:
        session = uow.answers.session
        workspaces = [{"platform": "discord", "external_id": str(1150000000000000000 + g), "name": f"Guild {g}"}
                      for g in range(guilds)]
        if slack_ids:
            workspaces.append({"platform": "slack", "external_id": "T0BENCH", "name": "Bench"})
        ids = list((await session.scalars(insert(Workspace).returning(Workspace.id), workspaces)).all())
        users: list[dict[str, Any]] = [{"workspace_id": ids[n // LEARNERS_PER_GUILD], "external_id": uid}
                                       for n, uid in enumerate(discord_ids)]
        users += [{"workspace_id": ids[-1], "external_id": uid} for uid in slack_ids]
        for start in range(0, len(users), 1000):
            batch = [{**u, "display_name": u["external_id"], "timezone_chosen": False}
                     for u in users[start:start + 1000]]
            pks = list((await session.scalars(insert(User).returning(User.id), batch)).all())
            await session.execute(insert(Reminder), [{"user_id": pk, "remind_at": "09:00", "active": True,
                                                      "updated_at": SET_UP} for pk in pks])


def dm_channel(platform: str, user: str) -> str:
    """The DM channel the stand-ins open for a learner (Discord: the user's id; Slack: D<user>)."""
    return user if platform == "discord" else f"D{user}"


class CountingHandler(logging.Handler):
    """Counts warnings and errors per logger and message instead of printing thousands of 429 lines."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        """Count the record instead of printing it."""
        message = re.sub(r"\d+(\.\d+)?", "N", record.getMessage())  # one count for every id and delay
        self.counts[f"{record.name} {record.levelname.lower()} \"{message}\""] += 1


def rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def get_json(session: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    """The JSON object at `url`."""
    async with session.get(url) as response:
        result: dict[str, Any] = await response.json()
        return result


def runner_options(args: argparse.Namespace, reminding: bool) -> dict[str, Any]:
    """The runner's concurrency and pacing, as the command line asks."""
    options: dict[str, Any] = {"concurrency": args.concurrency} if args.concurrency else {}
    pacing = DIRECT_PACING if reminding else DEFAULT_PACING
    options["pacing"] = {**pacing, "slack": (round(args.pace_slack), 1.0)} if args.pace_slack > 0 else pacing
    return options


@asynccontextmanager
async def posters_at(urls: dict[str, str]) -> AsyncIterator[dict[str, Poster]]:
    """The real Discord and Slack posters, pointed at the stand-ins at `urls`."""
    apply(DiscordSettings(api_url=urls["discord"]))
    async with aiohttp.ClientSession() as session, open_poster(DISCORD_TOKEN) as discord_poster:
        yield {"discord": discord_poster, "slack": SlackPoster(web_client(SLACK_TOKEN, urls["slack"], session))}


def due_clock() -> dt.datetime:
    """The fixed clock of the fan-out: the due moment."""
    return DUE


async def fan_out(core: Core, posters: dict[str, Poster], reminding: bool, worker: str,
                  options: dict[str, Any]) -> list[Outcome]:
    """Run the real runner once, as the scheduler process named `worker`."""
    if reminding:
        return await ReminderRunner(Reminders(core, worker), posters, clock=due_clock, **options).run_due()
    return await DropRunner(Drops(core, worker), posters, clock=due_clock, **options).run_due()


async def fan_out_here(core: Core, urls: dict[str, str], reminding: bool,
                       options: dict[str, Any]) -> list[dict[str, Any]]:
    """The fan-out in this process; what it measured, as one process's record."""
    async with posters_at(urls) as posters:
        rss_before = rss_mib()
        started, cpu = time.monotonic(), time.process_time()
        found = await fan_out(core, posters, reminding, "bench", options)
        finished, cpu = time.monotonic(), time.process_time() - cpu
    return [{"worker": "bench", "started": started, "finished": finished, "rss_before": rss_before, "cpu": cpu,
             "rss_peak": rss_mib(), "outcomes": dict(Counter(o.outcome for o in found)), "logs": {}}]


async def fan_out_in_processes(count: int, url: str, urls: dict[str, str], reminding: bool, pool: int,
                               options: dict[str, Any]) -> list[dict[str, Any]]:
    """The fan-out in `count` scheduler processes at once (`bench.fanout_worker`); each one's record.

    Each process sets up its own engine and posters and says it is ready; all are then told to
    start together, and each reports what it measured as one JSON line.
    """
    processes = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.fanout_worker", cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE) for _ in range(count)]
    pipes = [(p.stdin, p.stdout) for p in processes if p.stdin is not None and p.stdout is not None]
    try:
        for n, (stdin, _stdout) in enumerate(pipes, start=1):
            stdin.write(json.dumps({"worker": f"bench-{n}", "url": url, "urls": urls, "reminding": reminding,
                                    "pool": pool, "options": options}).encode() + b"\n")
        for _stdin, stdout in pipes:
            if (await stdout.readline()).strip() != b"ready":
                raise RuntimeError("a scheduler process did not start (see its error above)")
        for stdin, _stdout in pipes:
            stdin.write(b"go\n")
        for stdin, _stdout in pipes:
            await stdin.drain()
        lines = await asyncio.gather(*(stdout.readline() for _stdin, stdout in pipes))
        if not all(lines):
            raise RuntimeError("a scheduler process stopped before reporting (see its error above)")
        return [json.loads(line) for line in lines]
    finally:
        for stdin, _stdout in pipes:
            stdin.close()
        for p in processes:
            await p.wait()


def plan(args: argparse.Namespace, course: Any) -> tuple[list[str], list[str], int, int, float]:
    """The ids to seed (Discord, Slack), the messages each takes on Discord and Slack, and the minimum."""
    total = args.reminders if args.reminders > 0 else args.channels
    n_discord = round(total * args.discord_share)
    n_slack = total - n_discord
    if args.reminders > 0:
        discord_ids, slack_ids = learner_ids(n_discord, n_slack)
        # Two Discord requests a DM (open the channel, post), one message per DM channel.
        least = minimum_seconds(n_discord * 2, n_slack, 1, 1, args.slack_workspace_rate)
        if args.slack_open_rate > 0 and n_slack:
            least = max(least, drain_time(n_slack, max(1, round(args.slack_open_rate)), 60.0))
        return discord_ids, slack_ids, 1, 1, least  # a reminder renders to one message on each platform
    discord_parts, slack_parts = parts_per_drop(course)
    discord_ids, slack_ids = channel_ids(n_discord, n_slack)
    return discord_ids, slack_ids, discord_parts, slack_parts, minimum_seconds(
        n_discord, n_slack, discord_parts, slack_parts, args.slack_workspace_rate)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Seed the channels (or learners), run the fan-out once against the stand-ins, and return what was measured."""
    course = require_course(ROOT / "content" / "dotnet-architect")
    reminding = args.reminders > 0
    discord_ids, slack_ids, discord_parts, slack_parts, least = plan(args, course)
    n_discord, n_slack = len(discord_ids), len(slack_ids)

    standins = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.fanout_standins", "--slack-workspace-rate", str(args.slack_workspace_rate),
        "--slack-open-rate", str(args.slack_open_rate),
        cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )
    assert standins.stdout is not None
    assert standins.stdin is not None
    urls = json.loads(await standins.stdout.readline())
    url = await create_database(args.postgres, "studybot_bench")
    engine = create_engine(url, pool_size=args.pool)
    counting = CountingHandler()
    logging.basicConfig(level=logging.WARNING, handlers=[counting])
    try:
        await migrate.upgrade(engine)
        core = Core(catalogue=Catalogue.of(course), sessions=session_factory(engine), clock=lambda: SET_UP)
        await (seed_reminders if reminding else seed)(core, discord_ids, slack_ids)
        core.clock = due_clock
        options = runner_options(args, reminding)
        machine = busy_jiffies()
        if args.schedulers > 1:
            processes = await fan_out_in_processes(args.schedulers, url, urls, reminding, args.pool, options)
        else:
            processes = await fan_out_here(core, urls, reminding, options)
        busy, total = busy_jiffies()
        machine = busy - machine[0], total - machine[1]
        async with aiohttp.ClientSession() as session:
            discord_stats = await get_json(session, urls["discord_stats"])
            slack_stats = await get_json(session, urls["slack_stats"])
        claims = ReminderSend if reminding else DailyDrop
        async with core.unit_of_work() as uow:
            statuses = dict((await uow.answers.session.execute(
                select(claims.status, func.count()).group_by(claims.status))).all())
            sent_by = dict((await uow.answers.session.execute(
                select(claims.claimed_by, func.count()).where(claims.status == "sent")
                .group_by(claims.claimed_by))).all())
    finally:
        await engine.dispose()
        await drop_database(args.postgres, url)
        standins.stdin.close()
        await standins.wait()
    started = min(p["started"] for p in processes)
    outcomes: Counter[str] = Counter()
    logs: Counter[str] = Counter(counting.counts)
    for p in processes:
        outcomes.update(p["outcomes"])
        logs.update(p["logs"])
        p["returned"] = p["finished"] - started
        p["late"] = p["started"] - started
        p["sent_recorded"] = sent_by.get(p["worker"], 0)

    def tally(stats: dict[str, Any], ids: list[str], parts: int) -> tuple[int, int]:
        posts = stats["posts"]
        return sum(1 for c in ids if posts.get(c, 0) > parts), sum(1 for c in ids if posts.get(c, 0) < parts)

    if reminding:
        discord_ids = [dm_channel("discord", u) for u in discord_ids]
        slack_ids = [dm_channel("slack", u) for u in slack_ids]
    d_dup, d_miss = tally(discord_stats, discord_ids, discord_parts)
    s_dup, s_miss = tally(slack_stats, slack_ids, slack_parts)
    lasts = [s["last"] for s in (discord_stats, slack_stats) if s["last"] is not None]
    last_post = max(lasts) - started if lasts else float("nan")
    return {
        "what": "learners' reminders" if reminding else "channels", "noun": "reminder" if reminding else "drop",
        "channels": n_discord + n_slack, "discord": n_discord,
        "slack": n_slack, "last_post": last_post,
        "discord_last": (discord_stats["last"] or started) - started,
        "first_post": min((s["first"] for s in (discord_stats, slack_stats) if s["first"] is not None),
                          default=started) - started,
        "slack_last": (slack_stats["last"] or started) - started,
        "returned": max(p["returned"] for p in processes), "minimum": least, "processes": processes,
        "ratio": last_post / least if least > 0 else float("nan"),
        "duplicates": d_dup + s_dup, "missing": d_miss + s_miss, "outcomes": dict(outcomes), "db": statuses,
        "rss_before": max(p["rss_before"] for p in processes), "rss_peak": max(p["rss_peak"] for p in processes),
        "rejected_discord": discord_stats["rejected"], "rejected_slack": slack_stats["rejected"],
        "requests": discord_stats["requests"] + slack_stats["requests"],
        "logs": dict(logs), "standins_cpu": discord_stats["cpu"],
        "machine_busy": machine[0] / machine[1] if machine[1] else float("nan"),
        "rate": (n_discord + n_slack) / last_post if last_post > 0 else float("nan"),
    }


def share(process: dict[str, Any], r: dict[str, Any]) -> str:
    """One scheduler process's part of the fan-out: what it sent, what it found taken, when it finished."""
    outcomes = process["outcomes"]
    sent = process["sent_recorded"]
    return (f"sent {sent} ({100 * sent / max(1, r['channels']):.1f} %), "
            + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()) if k != "sent")
            + f"; started at {process['late']:.2f} s, run_due returned at {process['returned']:.2f} s, "
              f"peak RSS {process['rss_peak']:.0f} MiB")


def report(r: dict[str, Any], args: argparse.Namespace) -> None:
    """Print the measurements of one run."""
    workspace = f"{args.slack_workspace_rate:g}/s" if args.slack_workspace_rate > 0 else "not enforced"
    opens = f", conversations.open {args.slack_open_rate:g}/min" if args.slack_open_rate > 0 else ""
    print(f"{r['channels']} {r['what']} due at once: {r['discord']} Discord (global 50 req/s, 5 msgs/5 s per "
          f"channel), {r['slack']} Slack (1 msg/s per channel, workspace limit {workspace}{opens})")
    rows = [
        ("time to last post", f"{r['last_post']:.2f} s  (Discord {r['discord_last']:.2f} s, "
                              f"Slack {r['slack_last']:.2f} s; run_due returned at {r['returned']:.2f} s)"),
        ("first post", f"{r['first_post']:.2f} s after the fan-out started"),
        ("minimum the limits allow", f"{r['minimum']:.2f} s"),
        ("ratio", f"{r['ratio']:.3f}x  (target <= 1.1x: {'PASS' if r['ratio'] <= 1.1 else 'FAIL'})"
                  if r["minimum"] > 0 else "n/a (no rate limit binds: one post per channel, no global limit)"),
        ("duplicates", str(r["duplicates"])),
        ("missing", str(r["missing"])),
        ("outcomes", ", ".join(f"{k} {v}" for k, v in sorted(r["outcomes"].items()))),
        (f"{r['noun']}s in database", ", ".join(f"{k} {v}" for k, v in sorted(r["db"].items()))),
        ("429s answered", f"Discord {r['rejected_discord'] or 0}, Slack {r['rejected_slack'] or 0} "
                          f"({r['requests']} post requests)"),
        ("sustained rate", f"{r['rate']:.0f} {r['noun']}s/s"),
        ("peak RSS", f"{r['rss_peak']:.0f} MiB  ({r['rss_before']:.0f} MiB before the fan-out)"
                     + (", the largest scheduler process" if len(r["processes"]) > 1 else "")),
    ]
    if len(r["processes"]) > 1:
        rows += [(f"process {p['worker']}", share(p, r)) for p in r["processes"]]
    cores = os.cpu_count() or 1
    rows.append(("CPU during the fan-out", ", ".join(
        f"{p['worker']} {p['cpu'] / max(p['finished'] - p['started'], 1e-9):.2f} of a core" for p in r["processes"])
        + f"; stand-ins {r['standins_cpu']:.1f} s in all; machine {100 * r['machine_busy']:.0f} % busy "
          f"({cores} cores)"))
    for name, value in rows:
        print(f"  {name:<26} {value}")
    if r["logs"]:
        print("  warnings/errors logged     " + ", ".join(f"{k}: {v}" for k, v in sorted(r["logs"].items())))


def main() -> None:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=5000)
    parser.add_argument("--reminders", type=int, default=0,
                        help="benchmark this many learners' reminders instead of channels' drops")
    parser.add_argument("--slack-open-rate", type=float, default=0.0,
                        help="enforce a conversations.open limit of this many calls a minute (0: none)")
    parser.add_argument("--discord-share", type=float, default=0.5, help="share of the channels on Discord")
    parser.add_argument("--slack-workspace-rate", type=float, default=0.0,
                        help="enforce a Slack workspace-wide limit of this many messages/s (0: none)")
    parser.add_argument("--pace-slack", type=float, default=0.0,
                        help="also pace Slack posts in the DropRunner at this many per second (0: not paced)")
    parser.add_argument("--concurrency", type=int, default=0, help="DropRunner concurrency (0: its default)")
    parser.add_argument("--schedulers", type=int, default=1,
                        help="scheduler processes running the same fan-out at once (1: in this process)")
    parser.add_argument("--pool", type=int, default=10, help="database pool size (as in production)")
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a PostgreSQL URL to create a scratch database next to")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    report(result, args)


if __name__ == "__main__":
    main()
