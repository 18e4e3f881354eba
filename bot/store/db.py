"""Engine and session set-up for SQLite and PostgreSQL, and the database URL rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

Engine = AsyncEngine
"""The database connections (SQLAlchemy's async engine)."""
Sessions = async_sessionmaker[AsyncSession]
"""Where units of work get their sessions (`session_factory`)."""

ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
SQLITE_BUSY_TIMEOUT_MS = 10_000
LOCK_TIMEOUT_MS = 10_000


class DatabaseURLError(ValueError):
    """The database URL is not one StudyBot can use."""


def async_url(raw: str) -> URL:
    """Turn the usual `sqlite:///path` or `postgresql://...` form into its async-driver URL."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise DatabaseURLError(
            "DATABASE_URL is not a valid database URL (expected sqlite:///path or postgresql://user@host/db)"
        ) from exc
    backend = url.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend not in ASYNC_DRIVERS:
        raise DatabaseURLError(
            f"DATABASE_URL uses {backend!r}; StudyBot supports sqlite:///path and postgresql://..."
        )
    return url.set(drivername=ASYNC_DRIVERS[backend])


def sqlite_url_for(data_dir: Path) -> str:
    """The default SQLite URL: a file in the data directory."""
    return f"sqlite:///{(data_dir / 'studybot.db').resolve()}"


def _sqlite_setup(engine: AsyncEngine) -> None:
    """WAL, a busy timeout and BEGIN IMMEDIATE so concurrent writers queue instead of failing."""

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":  # reads alone take no lock
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(raw_url: str, *, pool_size: int = 10) -> AsyncEngine:
    """An async engine for `raw_url`, with SQLite tuned for concurrent use."""
    url = async_url(raw_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # SQLite has one writer: queue transactions on one connection in this process, which is far
        # faster than many connections polling the busy lock; other processes still wait on it.
        # The driver never begins a transaction itself (AUTOCOMMIT, also what a connection is reset
        # to when returned): `_sqlite_setup` begins each unit of work with BEGIN IMMEDIATE.
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, pool_size=1, max_overflow=0, pool_timeout=60,
            isolation_level="AUTOCOMMIT",
        )
        _sqlite_setup(engine)
        return engine
    # A row lock that does not come within LOCK_TIMEOUT fails the statement instead of stalling
    # every answer queued behind it (a stuck transaction of another replica, say).
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=1800,
        connect_args={"server_settings": {"lock_timeout": str(LOCK_TIMEOUT_MS)}},
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (no lazy reloads in async code)."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    """Run `SELECT 1`: raises when the database does not answer."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
