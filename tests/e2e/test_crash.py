"""SIGKILL in the middle of a burst of clicks, on Slack and on Discord.

Every click the bot acknowledged is recorded or answered (by the next process, for one it
deferred), none is counted twice, and the next process serves on.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select, text

from bot import actions
from bot.content.loader import require_course
from bot.store.db import create_engine
from bot.store.models import Answer, User, UserStats
from tests.conftest import COURSE_DIR, free_port
from tests.e2e.discord.discord_standin import MEMBER, TOKEN, Reply, StandIn
from tests.e2e.slack.slack_stand_ins import (
    BOT_TOKEN,
    SIGNING_SECRET,
    SlackStandIn,
    block_actions,
    payload_form,
    signed,
    slack_user,
)
from tests.e2e.test_stopping import environment, started, stderr_of

CLICKS = 300
USERS = 30
KILL_AFTER_ACKS = 60


def clicks() -> list[tuple[str, str, str]]:
    """(user, action_ts, button value) of CLICKS answers: each user answers distinct questions once."""
    course = require_course(COURSE_DIR)
    questions = sorted(course.quiz_by_id)
    made = []
    for n in range(CLICKS):
        user, question = f"U0CRASH{n % USERS:03d}", questions[n // USERS % len(questions)]
        made.append((user, f"1700000{n:03d}.000001", actions.Answer(question, f"in{n:08d}", 1).encode()))
    return made


async def healthy(url: str, within: float = 30.0) -> None:
    """Wait until `url` answers 200."""
    async with aiohttp.ClientSession() as session, asyncio.timeout(within):
        while True:
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)


async def burst(url: str, api: SlackStandIn, process: asyncio.subprocess.Process) -> set[int]:
    """Send every click at once; SIGKILL the bot after KILL_AFTER_ACKS acks. The clicks acked (HTTP 200)."""
    acked: set[int] = set()
    enough = asyncio.Event()

    async def click(session: aiohttp.ClientSession, n: int, user: str, ts: str, value: str) -> None:
        body = payload_form(block_actions(value, api.response_url(f"click-{n}"), action_ts=ts, user=user))
        try:
            async with session.post(url, data=body.encode(), headers=signed(body)) as response:
                if response.status == 200:
                    acked.add(n)
                    if len(acked) >= KILL_AFTER_ACKS:
                        enough.set()
        except (aiohttp.ClientError, TimeoutError):
            pass  # the process died before answering: not acknowledged

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     timeout=aiohttp.ClientTimeout(total=60)) as session:
        sending = asyncio.gather(*(click(session, n, *c) for n, c in enumerate(clicks())))
        await asyncio.wait_for(enough.wait(), timeout=60)
        process.send_signal(signal.SIGKILL)
        await sending
    return acked


async def recorded(db_url: str) -> tuple[set[str], list[tuple[int, int]]]:
    """The delivery keys of every answer, and (stats answers, answers rows) for every user."""
    engine = create_engine(db_url)
    try:
        async with engine.connect() as conn:
            keys = set((await conn.scalars(select(Answer.delivery_key))).all())
            rows = (await conn.execute(
                select(UserStats.answers, select(func.count()).where(Answer.user_id == User.id).scalar_subquery())
                .join(User, User.id == UserStats.user_id)
            )).all()
    finally:
        await engine.dispose()
    return keys, [(int(a), int(b)) for a, b in rows]


async def until_none_lost(acked: set[int], api: SlackStandIn, db_url: str, within: float = 60.0) -> list[int]:
    """The acked clicks neither recorded nor answered, once none are left or `within` seconds have passed.

    Clicks kept because the work outlasted the ack budget are finished once their hold lapses (30 s).
    """
    made = clicks()
    deadline = asyncio.get_running_loop().time() + within
    while True:
        keys, _totals = await recorded(db_url)
        lost = [n for n in sorted(acked)
                if f"slack:{made[n][1]}:{made[n][0]}" not in keys and not api.responses.get(f"click-{n}")]
        if not lost or asyncio.get_running_loop().time() > deadline:
            return lost
        await asyncio.sleep(0.5)


@pytest.mark.timeout(180)
async def test_sigkill_mid_burst_loses_no_acknowledged_click(tmp_path: Path, db_url: str) -> None:
    """Of 300 concurrent clicks, the bot is killed after 60 acks: 0 acked clicks end unrecorded and unanswered."""
    api = SlackStandIn(users={f"U0CRASH{u:03d}": slack_user(f"U0CRASH{u:03d}") for u in range(USERS)})
    await api.start()
    try:
        port = free_port()
        env = environment(tmp_path / "data", DATABASE_URL=db_url, SLACK_BOT_TOKEN=BOT_TOKEN,
                          SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_HTTP_PORT=str(port),
                          SLACK_HTTP_HOST="127.0.0.1", SLACK_API_URL=api.api_url)
        base = f"http://127.0.0.1:{port}"
        async with started([], env, tmp_path) as process:
            await healthy(f"{base}/healthz")
            acked = await burst(f"{base}/slack/events", api, process)
            await process.wait()
        async with started([], env, tmp_path) as restarted:  # finishes what was kept, then serves on
            await healthy(f"{base}/healthz")
            lost = await until_none_lost(acked, api, db_url)
            restarted.send_signal(signal.SIGTERM)
            await restarted.wait()
            err = await stderr_of(restarted)
        keys, totals = await recorded(db_url)
    finally:
        await api.stop()
    print(f"\nclicks {CLICKS}, acked {len(acked)}, recorded {len(keys)}, acked but lost {len(lost)}")
    assert KILL_AFTER_ACKS <= len(acked) < CLICKS, "the kill did not land mid-burst"
    assert lost == []
    assert all(stats == rows for stats, rows in totals), totals
    assert "Traceback" not in err, err[-2000:]


def discord_env(data: Path, db_url: str, api: StandIn) -> dict[str, str]:
    """`studybot` serving Discord from the stand-in."""
    return environment(data, DATABASE_URL=db_url, DISCORD_TOKEN=TOKEN, DISCORD_API_URL=api.api_url,
                       DISCORD_GATEWAY_URL=api.gateway_url)


async def connected(api: StandIn, count: int, within: float = 30.0) -> None:
    """Wait until the bot's `count`-th connection serves: it answers `/study help`."""
    await api.wait_for(lambda: len(api.identifies) >= count or None, within)
    await api.answer(await api.command(MEMBER, "help"), within=within)


def showing(custom_id: str) -> Reply:
    """A message the bot showed with one button: discord.py finds the clicked button in it."""
    button = {"type": 2, "custom_id": custom_id, "label": "A", "style": 2}
    return Reply(0, "callback", 4, {"components": [{"type": 1, "components": [button]}]})


def acked_of(api: StandIn, sent: list[int]) -> dict[int, int]:
    """The clicks Discord was given a callback for: interaction id -> callback type (4 answer, 5 deferred)."""
    return {r.interaction_id: r.type for r in api.replies if r.kind == "callback" and r.type is not None
            and r.interaction_id in sent}


@pytest.mark.timeout(180)
async def test_sigkill_mid_burst_loses_no_acknowledged_discord_click(tmp_path: Path, db_url: str) -> None:
    """300 clicks while answers wait on a lock (PostgreSQL): deferred, kept, killed, then finished.

    The next process records every deferred click once and follows up with its token.
    """
    api = StandIn()
    await api.start()
    engine = create_engine(db_url)
    try:
        env = discord_env(tmp_path / "data", db_url, api)
        sent: list[int] = []
        async with started([], env, tmp_path) as process, engine.connect() as locker:
            await connected(api, 1)
            if engine.dialect.name == "postgresql":  # answers wait: slower than Discord's deadline
                await locker.execute(text("LOCK TABLE answers IN EXCLUSIVE MODE"))
            for _user, _ts, value in clicks():
                sent.append(await api.click(MEMBER, showing(value), value))
            await api.wait_for(lambda: len(acked_of(api, sent)) >= KILL_AFTER_ACKS or None, 60)
            process.send_signal(signal.SIGKILL)
            await process.wait()
            await locker.rollback()
        acked = acked_of(api, sent)
        deferred = [iid for iid, kind in acked.items() if kind == 5]
        async with started([], env, tmp_path) as restarted:
            await connected(api, 2)

            def followed_up() -> bool | None:
                answered = {r.interaction_id for r in api.replies if r.kind == "followup"}
                return set(deferred) <= answered or None

            await api.wait_for(followed_up, 60)
            restarted.send_signal(signal.SIGTERM)
            await restarted.wait()
            err = await stderr_of(restarted)
        keys, totals = await recorded(db_url)
    finally:
        await engine.dispose()
        await api.stop()
    followups = {r.interaction_id for r in api.replies if r.kind == "followup"}
    lost = [iid for iid, kind in acked.items()
            if kind == 5 and f"discord:{iid}" not in keys and iid not in followups]
    print(f"\nclicks {CLICKS}, acked {len(acked)} ({len(deferred)} deferred), recorded {len(keys)}, "
          f"acked but lost {len(lost)}")
    assert KILL_AFTER_ACKS <= len(acked) < CLICKS, "the kill did not land mid-burst"
    if engine.dialect.name == "postgresql":
        assert deferred, "no click was deferred"
        assert {f"discord:{iid}" for iid in deferred} <= keys
    assert lost == []
    assert all(stats == rows for stats, rows in totals), totals
    assert "Traceback" not in err, err[-2000:]
