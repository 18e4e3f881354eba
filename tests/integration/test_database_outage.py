"""The database goes away for a few seconds under load and comes back.

PostgreSQL sits behind a proxy that cuts it off: nothing acknowledged is lost, nothing is counted
twice, and the log tells it in a few lines.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import actions
from bot.app import CLICK_NOT_RECORDED, StudyBot
from bot.bootstrap import Runtime, wire
from bot.content.catalogue import Catalogue
from bot.content.models import Course, QuizQuestion
from bot.messages import Message
from bot.settings import Settings
from bot.store.db import session_factory
from bot.store.models import Answer, User, UserStats
from bot.usecases.context import Core
from tests.conftest import Clock, make_actor
from tests.dbproxy import CutProxy

USERS = 20
PACE_S = 0.02  # between one user's clicks
BEFORE_S, OUTAGE_S, AFTER_S = 0.5, 3.0, 1.0
RECORDED = "✅ Correct!"


@dataclass(frozen=True)
class Click:
    """One button press and what the user was told."""

    user: str
    delivery_key: str
    reply: Message

    @property
    def recorded(self) -> bool:
        """Whether the reply says the answer counted."""
        return self.reply.title == RECORDED


@pytest.fixture
async def runtime(pg_url: str, pg_proxy: CutProxy, proxied: AsyncEngine, course: Course,
                  clock: Clock) -> AsyncIterator[Runtime]:
    """The bot on the proxied database, as `studybot run` wires it (its last answers folded at the end)."""
    core = Core(catalogue=Catalogue.of(course), sessions=session_factory(proxied), default_timezone="UTC", clock=clock)
    settings = Settings(_env_file=None, DATABASE_URL=pg_proxy.url(pg_url))
    yield wire(settings, proxied, StudyBot(core))
    await core.scores.drain()


def answer_button(question: QuizQuestion, instance: str) -> str:
    """The id of the right answer's button under one showing of `question`."""
    return actions.Answer(question.id, instance, question.answer).encode()


async def press(bot: StudyBot, user: int, n: int, questions: list[QuizQuestion]) -> Click:
    """User `user`'s `n`-th click: the right answer to a fresh showing of a question, a fresh delivery."""
    key, name = f"outage-{user}-{n}", f"u{user}"
    reply = await bot.click(make_actor(name), answer_button(questions[n % len(questions)], f"i{user}x{n}"), key)
    return Click(name, key, reply)


async def clicking(bot: StudyBot, user: int, questions: list[QuizQuestion], stop: asyncio.Event,
                   clicks: list[Click]) -> None:
    """Keep pressing answer buttons until told to stop."""
    n = 0
    while not stop.is_set():
        clicks.append(await press(bot, user, n, questions))
        n += 1
        await asyncio.sleep(PACE_S)


@dataclass
class Outage:
    """What a load run through an outage saw."""

    clicks: list[Click]
    health_during: dict[str, object]
    health_after: dict[str, object]
    last: list[Click]  # one more click per user once it was over
    logged: list[logging.LogRecord]


@pytest.fixture
async def outage(runtime: Runtime, pg_proxy: CutProxy, course: Course,
                 caplog: pytest.LogCaptureFixture) -> Outage:
    """20 users pressing buttons every 20 ms while the database is cut off for 3 s and restored."""
    caplog.set_level(logging.INFO)
    questions = [q for topic in course.topics for q in topic.quiz]
    bot, stop = runtime.bot, asyncio.Event()
    clicks: list[Click] = []
    users = [asyncio.create_task(clicking(bot, u, questions, stop, clicks)) for u in range(USERS)]
    try:
        await asyncio.sleep(BEFORE_S)
        await pg_proxy.cut()
        await asyncio.sleep(OUTAGE_S / 2)
        _healthy, during = await runtime.health.report([])
        await asyncio.sleep(OUTAGE_S / 2)
        await pg_proxy.restore()
        await asyncio.sleep(AFTER_S)
    finally:
        stop.set()
        await asyncio.gather(*users)
    _healthy, after = await runtime.health.report([])
    last = list(await asyncio.gather(*(press(bot, u, 10**6, questions) for u in range(USERS))))
    return Outage(clicks, during, after, last, list(caplog.records))


async def test_nothing_told_counted_is_lost_and_nothing_is_counted_twice(outage: Outage, runtime: Runtime) -> None:
    """Every click is counted once or told it was not, and the totals add up.

    A click answered as counted is in the answers table once, one told "not recorded" at most once
    (its commit may have gone through as the connection dropped), nothing else is there, and each
    learner's points and answer count are what their rows add up to.
    """
    assert {c.reply.title for c in outage.clicks} == {RECORDED, CLICK_NOT_RECORDED.title}
    assert all(c.reply == CLICK_NOT_RECORDED for c in outage.clicks if not c.recorded)
    async with runtime.core.unit_of_work() as uow:
        rows = dict((await uow.answers.session.execute(
            select(Answer.delivery_key, func.count()).group_by(Answer.delivery_key))).all())
        totals = (await uow.answers.session.execute(
            select(User.external_id, UserStats.points, UserStats.answers).join(UserStats, UserStats.user_id == User.id)
        )).all()
        added = (await uow.answers.session.execute(
            select(User.external_id, func.sum(Answer.points), func.count()).join(Answer, Answer.user_id == User.id)
            .group_by(User.external_id)
        )).all()
    recorded = {c.delivery_key for c in outage.clicks + outage.last if c.recorded}
    told_not = {c.delivery_key for c in outage.clicks if not c.recorded}
    assert {key: rows.get(key, 0) for key in recorded} == dict.fromkeys(recorded, 1)
    assert all(rows.get(key, 0) <= 1 for key in told_not)
    assert set(rows) <= recorded | told_not
    assert sorted(map(tuple, totals)) == sorted(map(tuple, added))
    assert len(totals) == USERS


async def test_the_outage_is_one_error_line_and_one_back_line_without_tracebacks(outage: Outage) -> None:
    """The core's log tells the outage in a few lines, however many clicks failed.

    Nothing anywhere carries a traceback.
    """
    assert sum(not c.recorded for c in outage.clicks) > USERS  # the outage was felt, by many clicks
    story = [(r.levelname, r.getMessage().split(" (")[0].split(";")[0]) for r in outage.logged if r.name == "bot.app"]
    assert story[0] == ("ERROR", "database unavailable")
    assert story[-1][0] == "WARNING"
    assert story[-1][1].startswith("database back after ")
    assert all(line.startswith("database still unavailable") for _level, line in story[1:-1])
    assert len(story) <= 4
    assert [f"{r.name}: {r.getMessage()}" for r in outage.logged if r.exc_info] == []


async def test_healthz_follows_the_database_and_clicks_count_again_once_it_is_back(outage: Outage) -> None:
    """/healthz says the database is unreachable while it is cut off and ok once it is back.

    Then every learner's next click counts again.
    """
    assert str(outage.health_during["database"]).startswith("unreachable")
    assert outage.health_during["status"] == "unhealthy"
    assert outage.health_after == {"status": "ok", "database": "ok", "adapters": {}}
    assert all(c.recorded for c in outage.last)
