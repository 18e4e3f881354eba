"""The migrations build exactly the schema the models describe, and fill what they add from the data."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, column, insert, table
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.scratch import create_database, drop_database
from bot.store import migrate
from bot.store.db import create_engine
from bot.store.models import Answer, Base, Workspace
from tests.boards import recounted_scores, stored_scores
from tests.conftest import backend_params


def _differences(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


async def test_migrated_schema_matches_the_models(engine: AsyncEngine) -> None:
    """After `upgrade`, autogenerate finds nothing to add, drop or change."""
    async with engine.connect() as conn:
        assert await conn.run_sync(_differences) == []


async def test_the_database_is_at_the_newest_revision(engine: AsyncEngine) -> None:
    """`upgrade` leaves the database at the head revision shipped in the package."""
    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert await migrate.current_revision(engine) == head


def _upgrade_to(connection: Connection, revision: str) -> None:
    command.upgrade(migrate.alembic_config(connection), revision)


async def test_a_database_behind_the_newest_revision_is_upgraded(tmp_path: Path) -> None:
    """A SQLite database left at the revision before the newest is brought to the newest by `upgrade`."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    head = script.get_current_head()
    assert head is not None
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade_to, previous)
        assert await migrate.current_revision(engine) == previous
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == head
        async with engine.connect() as conn:
            assert await conn.run_sync(_differences) == []
    finally:
        await engine.dispose()


@pytest.fixture(params=backend_params())
async def blank_url(request: pytest.FixtureRequest, tmp_path: Path, pg_database: str | None) -> AsyncIterator[str]:
    """An empty database with no schema yet, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    assert pg_database is not None
    url = await create_database(pg_database, "studybot_blank")
    yield url
    await drop_database(pg_database, url)


async def test_scores_are_backfilled_from_the_answers(blank_url: str) -> None:
    """A database at 0003 with 600 answers in two workspaces gets scores equal to a recount on upgrade."""
    engine = create_engine(blank_url)
    try:
        await _backfill_from_random_answers(engine)
    finally:
        await engine.dispose()


async def _backfill_from_random_answers(engine: AsyncEngine) -> None:
    """Fill a 0003 database with 600 random answers, upgrade it, and compare its scores with a recount."""
    await migrate.upgrade(engine, "0003")
    rng = random.Random(3)
    users = table("users", column("id"), column("workspace_id"), column("external_id"), column("display_name"))
    start = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)
    async with engine.begin() as conn:
        await conn.execute(insert(Workspace), [{"id": 1, "platform": "slack", "external_id": "T1", "timezone": None},
                                               {"id": 2, "platform": "slack", "external_id": "T2",
                                                "timezone": "Pacific/Auckland"}])
        await conn.execute(insert(users), [
            {"id": u, "workspace_id": 1 + u % 2, "external_id": f"U{u}", "display_name": ""} for u in range(1, 11)
        ])
        await conn.execute(insert(Answer), [
            {"user_id": (u := rng.randint(1, 10)), "workspace_id": 1 + u % 2, "question_id": "q", "topic_id": "t",
             "kind": "quiz", "instance": f"i{n}", "delivery_key": f"d{n}", "choice": 0,
             "correct": (right := rng.random() < 0.6), "points": rng.choice([0, 10, 20, 30]) if right else 0,
             "local_day": (at := start + dt.timedelta(minutes=rng.randrange(120 * 24 * 60))).date(), "answered_at": at}
            for n in range(600)
        ])
    await migrate.upgrade(engine, default_timezone="America/Chicago")
    stored = await stored_scores(engine)
    assert stored == await recounted_scores(engine, "America/Chicago")
    assert len({day for _, _, period, day, _ in stored if period == "week"}) > 10
