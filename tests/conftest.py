"""Shared fixtures: the real course, a database per backend, a controllable clock, and the core."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.scratch import create_database, drop_database
from bot.app import StudyBot
from bot.content.catalogue import Catalogue
from bot.content.loader import require_course
from bot.content.models import Course
from bot.pictures.cache import PictureCache, Render
from bot.pictures.data import Picture
from bot.store import migrate
from bot.store.db import create_engine, session_factory
from bot.store.models import Base
from bot.usecases.context import Actor, Core
from tests.dbproxy import CutProxy
from tests.packs import topics_pack

ROOT = Path(__file__).resolve().parent.parent
COURSE_DIR = ROOT / "content" / "dotnet-architect"
PG_ENV = "TEST_DATABASE_URL"
SECOND_TOPICS = ["minimal-apis-vs-controllers", "rate-limiting", "api-versioning", "signalr-websockets"]
"""The topics of the `second` course: the shipped course's Web API section, served apart."""

pytest_plugins = ["pytester", "tests.timeouts"]


class Clock:
    """A settable clock for the use cases."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        """The time now."""
        return self.now

    def advance(self, **delta: float) -> None:
        """Move time forward."""
        self.now += dt.timedelta(**delta)


@pytest.fixture(scope="session")
def course() -> Course:
    """The course shipped in content/."""
    return require_course(COURSE_DIR)


PG_NOT_RUN = pytest.StashKey[int]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without TEST_DATABASE_URL, deselect the PostgreSQL tests: one summary line instead of a skip each."""
    if os.environ.get(PG_ENV):
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        config.stash[PG_NOT_RUN] = len(items) - len(kept)
        items[:] = kept


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Say once that the PostgreSQL tests did not run, and how to run them."""
    count = config.stash.get(PG_NOT_RUN, 0)
    if count:
        terminalreporter.write_line(
            f"PostgreSQL tests not run ({count} deselected): set {PG_ENV}=postgresql://user@host:5432/name to run them"
        )


async def create_test_database(server_url: str) -> str:
    """A new, migrated database on the server of `server_url` (which need not exist); its URL."""
    url = await create_database(server_url, "studybot_test")
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()
    return url


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this test session (None when TEST_DATABASE_URL is unset).

    A server that cannot be used stops the whole run with one line, instead of an error per test.
    """
    base = os.environ.get(PG_ENV)
    if not base:
        yield None
        return
    try:
        url = asyncio.run(create_test_database(base))
    except (OSError, DBAPIError) as exc:
        where = make_url(base).render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        pytest.exit(f"{PG_ENV}={where}: cannot create a test database ({reason})", returncode=1)
    yield url
    asyncio.run(drop_database(base, url))


def backend_params() -> list[object]:
    """SQLite always; PostgreSQL too, deselected at collection when TEST_DATABASE_URL is unset."""
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]


@pytest.fixture(params=backend_params())
async def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, pg_database: str | None
) -> AsyncIterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'studybot.db'}"
        engine = create_engine(url)
        await migrate.upgrade(engine)
        await engine.dispose()
        yield url
        return
    assert pg_database is not None
    yield await _emptied(pg_database)


@pytest.fixture(params=backend_params()[1:])
async def pg_url(pg_database: str | None) -> str:
    """The migrated, empty PostgreSQL database, for what only PostgreSQL has (runs when TEST_DATABASE_URL is set)."""
    assert pg_database is not None
    return await _emptied(pg_database)


async def _emptied(url: str) -> str:
    """`url` after emptying every table."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()
    return url


@pytest.fixture
async def pg_proxy(pg_url: str) -> AsyncIterator[CutProxy]:
    """A proxy in front of the test PostgreSQL server that can cut it off and restore it.

    See tests/dbproxy.py; connect through `pg_proxy.url(pg_url)`.
    """
    url = make_url(pg_url)
    async with CutProxy.running(url.host or "127.0.0.1", url.port or 5432) as proxy:
        yield proxy


@pytest.fixture
async def proxied(pg_url: str, pg_proxy: CutProxy) -> AsyncIterator[AsyncEngine]:
    """An engine on the test PostgreSQL database, reached through the proxy."""
    engine = create_engine(pg_proxy.url(pg_url))
    yield engine
    await engine.dispose()


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the test database."""
    eng = create_engine(db_url, pool_size=20)
    yield eng
    await eng.dispose()


@pytest.fixture
def clock() -> Clock:
    """A clock set to a fixed Wednesday noon UTC."""
    return Clock(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC))


@pytest.fixture
async def core(course: Course, engine: AsyncEngine, clock: Clock) -> AsyncIterator[Core]:
    """The core wired to the test database and clock; its last answers are on the boards before the database closes."""
    core = Core(catalogue=Catalogue.of(course), sessions=session_factory(engine), default_timezone="UTC", clock=clock)
    yield core
    await core.scores.drain()


@pytest.fixture
def second(core: Core, course: Course, tmp_path: Path) -> Course:
    """The core serves a second course beside the shipped one (still the default); the second is returned.

    It is a pack in a content dir of its own: four of the shipped topics, with its own id and title.
    """
    pack = topics_pack(tmp_path / "content", COURSE_DIR, SECOND_TOPICS, name="web-apis", title="Web APIs in Practice")
    other = require_course(pack)
    core.catalogue = Catalogue.of(course, other)
    return other


@pytest.fixture
def studybot(core: Core) -> StudyBot:
    """The entry point adapters use."""
    return StudyBot(core)


def make_actor(
    user: str = "u1",
    workspace: str = "w1",
    *,
    platform: str = "console",
    admin: bool = False,
    tz: str | None = None,
    channel: str = "c1",
) -> Actor:
    """An actor for tests."""
    return Actor(
        platform=platform,
        workspace_id=workspace,
        user_id=user,
        channel_id=channel,
        user_name=user.capitalize(),
        workspace_name=workspace,
        is_admin=admin,
        user_timezone=tz,
    )


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sqlite_workers() -> list[threading.Thread]:
    """The per-connection worker threads of aiosqlite still alive (a connection nobody closed)."""
    return [t for t in threading.enumerate() if "_connection_worker_thread" in t.name]


@pytest.fixture(autouse=True)
async def _nothing_left_running() -> AsyncIterator[None]:
    """After every test and its fixtures: no task still pending on the loop, no SQLite connection open.

    Whatever a test leaves behind is cancelled by the loop's teardown instead, which is where a
    connection cancelled mid-close can hang the run; so a leak fails the test that made it.
    """
    before = set(_sqlite_workers())
    yield
    current = asyncio.current_task()
    leftover = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    for task in leftover:
        task.cancel()
    if leftover:
        await asyncio.wait(leftover, timeout=5)
    threads = [t for t in _sqlite_workers() if t not in before]
    for thread in threads:  # a closed connection's worker ends a moment after close() returns
        await asyncio.to_thread(thread.join, 2)
    threads = [t for t in threads if t.is_alive()]
    assert not leftover, f"tasks left running: {[t.get_coro() for t in leftover]}"
    assert not threads, f"{len(threads)} SQLite connection(s) left open (an engine not disposed?)"


async def _cannot_draw(_render: Render) -> Picture:
    """A picture worker that cannot start, as in a process not allowed children."""
    raise AssertionError("daemonic processes are not allowed to have children")


def without_pictures(core: Core) -> None:
    """Make `core` unable to draw any picture: its renders fail as when the worker cannot start."""
    core.pictures = PictureCache(draw=_cannot_draw)
