"""Migrations from 0003 on keep every row; 0007 copies card memory and topic; 0009 files the history in a course.

0010 counts each card's quiz answers and the right ones; 0012 each learner's answers per day; 0013
carries the pending scores over into one batch's deltas.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fsrs import Rating
from sqlalchemy import Connection, column, select, table, text
from sqlalchemy.ext.asyncio import async_sessionmaker

from bench.scratch import create_database, drop_database
from bot.domain import srs
from bot.domain.periods import ALL_TIME
from bot.store import migrate
from bot.store.db import create_engine
from bot.store.models import ALL_COURSES, UTCDateTime
from bot.store.unit_of_work import Stores
from tests.boards import recounted_scores, stored_scores
from tests.conftest import PG_ENV, backend_params

WHEN = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(params=backend_params())
async def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database with no schema yet, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    server = os.environ[PG_ENV]
    url = await create_database(server, "studybot_migration")
    yield url
    await drop_database(server, url)


def _at(revision: str) -> Callable[[Connection], None]:
    def run(connection: Connection) -> None:
        command.upgrade(migrate.alembic_config(connection), revision)
    return run


def _seed(connection: Connection, card: dict[str, object]) -> None:
    """One learner with one answer and its card, and a card with no answer behind it, as 0003 stored them."""
    connection.execute(text("INSERT INTO workspaces (id, platform, external_id, name) VALUES (1, 'slack', 'T1', '')"))
    connection.execute(text("INSERT INTO users (id, workspace_id, external_id, display_name) VALUES (1, 1, 'U1', '')"))
    connection.execute(
        text("INSERT INTO answers (user_id, workspace_id, question_id, topic_id, kind, instance, delivery_key, "
             "choice, correct, points, local_day, answered_at) VALUES "
             "(1, 1, 'q-async', 'async-await', 'quiz', 'i1', 'd1', 0, true, 10, :day, :at)"),
        {"day": WHEN.date(), "at": WHEN},
    )
    for question in ("q-async", "q-orphan"):
        connection.execute(
            text("INSERT INTO review_states (user_id, question_id, due, card, reviews, lapses) "
                 "VALUES (1, :q, :due, :card, 1, 0)"),
            {"q": question, "due": WHEN + dt.timedelta(days=2), "card": json.dumps(card)},
        )


async def _upgraded(url: str, revision: str, seed: Callable[[Connection], None], query: str) -> list[tuple[Any, ...]]:
    """The rows `query` reads after a database at `revision`, filled by `seed`, is upgraded to the newest."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_at(revision))
            await conn.run_sync(seed)
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            return [tuple(row) for row in await conn.execute(text(query))]
    finally:
        await engine.dispose()


async def test_cards_get_their_stability_last_review_and_topic(unmigrated_url: str) -> None:
    """A card's columns are filled from its JSON; its topic from its answers, empty when it has none."""
    card, _due = srs.review(None, Rating.Good, WHEN)
    rows = await _upgraded(
        unmigrated_url, "0003", functools.partial(_seed, card=card),
        "SELECT question_id, topic_id, stability, last_review FROM review_states ORDER BY question_id",
    )
    stability, last_review = srs.memory_of(card)
    assert [(q, t, s) for q, t, s, _ in rows] == [("q-async", "async-await", stability), ("q-orphan", "", stability)]
    for *_, stored in rows:
        moment = stored if isinstance(stored, dt.datetime) else dt.datetime.fromisoformat(stored)
        assert moment.replace(tzinfo=moment.tzinfo or dt.UTC) == last_review


async def test_upgrading_a_populated_database_keeps_every_row(unmigrated_url: str) -> None:
    """From 0003 to the newest revision, no learner, answer or card is lost (SQLite must not rebuild `users`)."""
    card, _due = srs.review(None, Rating.Good, WHEN)
    engine = create_engine(unmigrated_url)
    counts = "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM answers), (SELECT count(*) FROM review_states)"
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_at("0003"))
            await conn.run_sync(_seed, card)
            before = (await conn.execute(text(counts))).one()
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            after = (await conn.execute(text(counts))).one()
    finally:
        await engine.dispose()
    assert tuple(before) == (1, 1, 2)
    assert tuple(after) == tuple(before)


def _seed_channel(connection: Connection) -> None:
    """A channel with a drop sent, as 0008 stores them."""
    connection.execute(text("INSERT INTO channels (id, workspace_id, external_id, name, drop_time, timezone, weekdays, "
                            "paused, weekly_board, team_report, next_topic_index) VALUES "
                            "(1, 1, 'C1', 'general', '09:00', 'UTC', 'mon', false, false, false, 3)"))
    connection.execute(text("INSERT INTO daily_drops (channel_id, topic_id, local_date, kind, status, claimed_at, "
                            "claimed_by, attempts) VALUES (1, 'async-await', :day, 'lesson', 'sent', :at, 'w', 1)"),
                       {"day": WHEN.date(), "at": WHEN})


async def test_the_history_moves_into_the_default_course(unmigrated_url: str) -> None:
    """0009 puts every answer and card in the default course, counts its boards and the overall ones, keeps channels."""
    card, _due = srs.review(None, Rating.Good, WHEN)
    engine = create_engine(unmigrated_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_at("0003"))
            await conn.run_sync(_seed, card)
            await conn.run_sync(_at("0008"))
            await conn.run_sync(_seed_channel)
        await migrate.upgrade(engine, default_course="spanish")
        async with engine.connect() as conn:
            answers = (await conn.execute(text("SELECT DISTINCT course_id FROM answers"))).scalars().all()
            cards = (await conn.execute(text("SELECT course_id, question_id FROM review_states ORDER BY 2"))).all()
            channel = (await conn.execute(text("SELECT course_id, next_topic_index FROM channels"))).one()
            drops = (await conn.execute(text("SELECT count(*) FROM daily_drops"))).scalar_one()
        stored, recounted = await stored_scores(engine), await recounted_scores(engine)
    finally:
        await engine.dispose()
    assert answers == ["spanish"]
    assert [tuple(row) for row in cards] == [("spanish", "q-async"), ("spanish", "q-orphan")]
    assert tuple(channel) == (None, 3)
    assert drops == 1
    assert stored == recounted
    assert {course for _, course, _, _, _ in stored} == {"spanish", "*"}


CARDS_0009 = (  # (user, course, question): a card as 0009 stores them
    (1, "spanish", "q-twice"), (1, "spanish", "q-interview"), (1, "spanish", "q-unanswered"), (1, "german", "q-twice"),
    (2, "spanish", "q-twice"),
)
ANSWERS_0009 = (  # (user, course, question, kind, correct)
    (1, "spanish", "q-twice", "quiz", True), (1, "spanish", "q-twice", "quiz", False),
    (1, "spanish", "q-twice", "quiz", True), (1, "spanish", "q-interview", "interview", True),
    (1, "german", "q-twice", "quiz", False), (2, "spanish", "q-twice", "quiz", True),
)


def _seed_cards_and_answers(connection: Connection, card: dict[str, object]) -> None:
    """Two learners' cards and answers in two courses, as 0009 stores them."""
    connection.execute(text("INSERT INTO workspaces (id, platform, external_id, name) VALUES (1, 'slack', 'T1', '')"))
    for user in (1, 2):
        connection.execute(text("INSERT INTO users (id, workspace_id, external_id, display_name) "
                                "VALUES (:u, 1, :ext, '')"), {"u": user, "ext": f"U{user}"})
    for user, course, question in CARDS_0009:
        connection.execute(
            text("INSERT INTO review_states (user_id, course_id, question_id, due, card, reviews, lapses) "
                 "VALUES (:u, :c, :q, :due, :card, 1, 0)"),
            {"u": user, "c": course, "q": question, "due": WHEN + dt.timedelta(days=2), "card": json.dumps(card)},
        )
    for n, (user, course, question, kind, correct) in enumerate(ANSWERS_0009):
        connection.execute(
            text("INSERT INTO answers (user_id, workspace_id, course_id, question_id, topic_id, kind, instance, "
                 "delivery_key, choice, correct, points, local_day, answered_at) VALUES "
                 "(:u, 1, :c, :q, 'async-await', :kind, :inst, :inst, 0, :correct, 0, :day, :at)"),
            {"u": user, "c": course, "q": question, "kind": kind, "inst": f"i{n}", "correct": correct,
             "day": WHEN.date(), "at": WHEN},
        )


async def test_cards_count_their_quiz_answers_and_the_right_ones(unmigrated_url: str) -> None:
    """0010 fills each card's counters from its learner's quiz answers in its course; interviews do not count."""
    card, _due = srs.review(None, Rating.Good, WHEN)
    rows = await _upgraded(unmigrated_url, "0009", functools.partial(_seed_cards_and_answers, card=card),
                           "SELECT user_id, course_id, question_id, quiz_answers, quiz_right FROM review_states")
    assert {(u, c, q): (n, r) for u, c, q, n, r in rows} == {
        (1, "spanish", "q-twice"): (3, 2),
        (1, "spanish", "q-interview"): (0, 0),
        (1, "spanish", "q-unanswered"): (0, 0),
        (1, "german", "q-twice"): (1, 0),
        (2, "spanish", "q-twice"): (1, 1),
    }


DAY = WHEN.date()
DAYS_0011 = {1: [DAY, DAY - dt.timedelta(days=1), DAY - dt.timedelta(days=1), DAY - dt.timedelta(days=83),
                 DAY - dt.timedelta(days=84)],
             2: [DAY - dt.timedelta(days=10)],
             3: []}
"""The local days of each learner's answers, as 0011 stores them: learner 1's last one on DAY."""


def _seed_days(connection: Connection) -> None:
    """Three learners with stats rows, two with answers on DAYS_0011."""
    connection.execute(text("INSERT INTO workspaces (id, platform, external_id, name) VALUES (1, 'slack', 'T1', '')"))
    for user, days in DAYS_0011.items():
        connection.execute(text("INSERT INTO users (id, workspace_id, external_id, display_name) "
                                "VALUES (:u, 1, :ext, '')"), {"u": user, "ext": f"U{user}"})
        connection.execute(text("INSERT INTO user_stats (user_id, points, answers, correct, current_streak, "
                                "best_streak) VALUES (:u, 0, 0, 0, 0, 0)"), {"u": user})
        for n, day in enumerate(days):
            connection.execute(
                text("INSERT INTO answers (user_id, workspace_id, course_id, question_id, topic_id, kind, instance, "
                     "delivery_key, choice, correct, points, local_day, answered_at) VALUES "
                     "(:u, 1, 'c', 'q', 't', 'quiz', :inst, :inst, 0, true, 1, :day, :at)"),
                {"u": user, "inst": f"i{user}-{n}", "day": day,
                 "at": dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)},
            )


async def test_stats_rows_count_the_answers_of_their_last_twelve_weeks(unmigrated_url: str) -> None:
    """0012 fills each learner's answers per day back to 83 days before their last; none for no answers."""
    rows = await _upgraded(unmigrated_url, "0011", _seed_days, "SELECT user_id, recent_days FROM user_stats")
    days = {user: json.loads(value) if isinstance(value, str) else value for user, value in rows}
    assert days == {
        1: {DAY.isoformat(): 1, (DAY - dt.timedelta(days=1)).isoformat(): 2,
            (DAY - dt.timedelta(days=83)).isoformat(): 1},
        2: {(DAY - dt.timedelta(days=10)).isoformat(): 1},
        3: {},
    }


PENDING_0012 = ((1, "c", 10, 1, WHEN), (2, "d", 4, 0, WHEN + dt.timedelta(hours=1, microseconds=5)))
"""Pending rows as 0011 stores them: learner, course, points, right answers, first answer."""


def _seed_pending(connection: Connection) -> None:
    """Two learners, each with a pending row of the week of 2026-11-02."""
    connection.execute(text("INSERT INTO workspaces (id, platform, external_id, name) VALUES (1, 'slack', 'T1', '')"))
    for user, course, points, correct, at in PENDING_0012:
        connection.execute(text("INSERT INTO users (id, workspace_id, external_id, display_name) "
                                "VALUES (:u, 1, :ext, '')"), {"u": user, "ext": f"U{user}"})
        connection.execute(
            text("INSERT INTO pending_scores (workspace_id, course_id, user_id, week_on, month_on, points, correct, "
                 "first_at) VALUES (1, :c, :u, :week, :month, :p, :r, :at)"),
            {"c": course, "u": user, "week": dt.date(2026, 11, 2), "month": dt.date(2026, 11, 1), "p": points,
             "r": correct, "at": at},
        )


async def test_pending_rows_become_one_batch_that_folds_onto_the_boards(unmigrated_url: str) -> None:
    """0013 carries 0011's pending rows over as one batch's deltas; a fold then puts each on its six board rows."""
    engine = create_engine(unmigrated_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_at("0012"))
            await conn.run_sync(_seed_pending)
        await migrate.upgrade(engine)
        async with async_sessionmaker(engine)() as session, session.begin():
            assert await Stores.on(session).answers.fold_scores(10) == 1
        stored = await stored_scores(engine)
    finally:
        await engine.dispose()
    assert stored == {
        (1, board, period, day, user): (points, correct, at)
        for user, course, points, correct, at in PENDING_0012
        for board in (course, ALL_COURSES)
        for period, day in (("week", dt.date(2026, 11, 2)), ("month", dt.date(2026, 11, 1)), ("all", ALL_TIME))
    }


async def test_a_downgrade_unpacks_the_pending_batches_into_rows(unmigrated_url: str) -> None:
    """From 0013 back to 0012, each delta is a pending row again, as it was."""
    engine = create_engine(unmigrated_url)
    rows = table("pending_scores", column("id"), column("user_id"), column("course_id"), column("points"),
                 column("correct"), column("first_at", UTCDateTime()))
    columns = select(rows.c.user_id, rows.c.course_id, rows.c.points, rows.c.correct, rows.c.first_at).order_by(
        rows.c.id)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_at("0012"))
            await conn.run_sync(_seed_pending)
            before = (await conn.execute(columns)).all()
            await conn.run_sync(_at("0013"))
            await conn.run_sync(lambda c: command.downgrade(migrate.alembic_config(c), "0012"))
            after = (await conn.execute(columns)).all()
    finally:
        await engine.dispose()
    assert len(before) == len(PENDING_0012)
    assert after == before
