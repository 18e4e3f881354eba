"""The test harness itself: how the PostgreSQL tests are switched on, off, and onto a new database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from bench.scratch import drop_database
from bot.store.db import create_engine
from tests.conftest import PG_ENV, ROOT, create_test_database, free_port

TARGET = "tests/integration/store/test_db.py"  # small, and runs on both backends


def pytest_run(**env: str) -> subprocess.CompletedProcess[str]:
    """Run pytest on TARGET in a child process, with TEST_DATABASE_URL as given (unset when not)."""
    environment = {k: v for k, v in os.environ.items() if k != PG_ENV}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", TARGET], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_without_the_variable_postgres_tests_are_deselected_in_one_line() -> None:
    """Without TEST_DATABASE_URL the PostgreSQL tests are left out with one line saying so, not a skip each."""
    result = pytest_run()
    assert result.returncode == 0, result.stdout
    assert [line for line in result.stdout.splitlines() if "PostgreSQL" in line] == [
        f"PostgreSQL tests not run (1 deselected): set {PG_ENV}=postgresql://user@host:5432/name to run them"
    ]
    assert "skipped" not in result.stdout.lower()


def test_an_unusable_server_stops_the_run_with_one_line() -> None:
    """A TEST_DATABASE_URL whose server cannot be reached ends the run at once with one line, not an error a test."""
    port = free_port()
    result = pytest_run(**{PG_ENV: f"postgresql://ann:S3cretPw@127.0.0.1:{port}/test"})
    assert result.returncode == 1
    [line] = [line for line in result.stdout.splitlines() if PG_ENV in line]
    assert f"{PG_ENV}=postgresql://ann:***@127.0.0.1:{port}/test: cannot create a test database (" in line
    assert "S3cretPw" not in result.stdout
    assert "ERROR" not in result.stdout


@pytest.mark.postgres
async def test_a_database_that_does_not_exist_yet_is_fine() -> None:
    """TEST_DATABASE_URL may name a database that does not exist: the test database is made from `postgres`."""
    base = os.environ[PG_ENV]
    absent = make_url(base).set(database=f"studybot_absent_{uuid.uuid4().hex[:8]}").render_as_string(
        hide_password=False)
    url = await create_test_database(absent)
    try:
        engine = create_engine(url)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        await engine.dispose()
        assert "alembic_version" in tables
    finally:
        await drop_database(absent, url)
