"""What starting the console loads: no platform SDK or HTTP library, and no Alembic once the database is current.

Nor what only other commands or later requests use: the data tools of `export` and `forget`,
SQLAlchemy's PostgreSQL dialect on SQLite, Pillow and rapidfuzz.

Each test starts the real command line in a fresh interpreter, reads `exit` from a pipe, and then
lists the packages that process imported (`sys.modules`); the time this takes is
`bench/startup.py`'s business, not a test's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.e2e.process import studybot_env

PLATFORM_PACKAGES = ("discord", "slack_bolt", "slack_sdk", "aiohttp")
MIGRATION_PACKAGES = ("alembic", "mako")
CONTENT_TOOLS = ("bot.content.anki", "bot.content.csv_import", "bot.content.drafts")
DATA_TOOLS = "bot.datatools"
POSTGRESQL_DIALECT = "sqlalchemy.dialects.postgresql"
LATER_PACKAGES = ("PIL", "rapidfuzz")
REPORT = """
import sys
from bot.cli import main
code = main(sys.argv[1:])
print("LOADED", code, *sorted(sys.modules))
"""


def loaded_by(args: list[str], tmp_path: Path) -> set[str]:
    """The top-level packages a `studybot ARGS` process imported, serving `exit` read from a pipe."""
    return {name.partition(".")[0] for name in modules_loaded_by(args, tmp_path)}


def modules_loaded_by(args: list[str], tmp_path: Path) -> set[str]:
    """Every module a `studybot ARGS` process imported, serving `exit` read from a pipe."""
    result = subprocess.run(
        [sys.executable, "-c", REPORT, *args], input="exit\n", capture_output=True, text=True, cwd=tmp_path,
        env=studybot_env(tmp_path), timeout=120, check=False,
    )
    report = [line for line in result.stdout.splitlines() if line.startswith("LOADED ")]
    assert result.returncode == 0, result.stdout + result.stderr
    assert report, result.stdout
    _, code, *names = report[-1].split()
    assert code == "0", result.stderr
    return set(names)


def test_the_console_loads_no_platform_sdk_nor_aiohttp(tmp_path: Path) -> None:
    """`studybot console` imports none of discord.py, slack-bolt, slack-sdk and aiohttp."""
    loaded = loaded_by(["console", "--user", "ada"], tmp_path)
    assert "bot" in loaded
    assert loaded.isdisjoint(PLATFORM_PACKAGES), sorted(loaded & set(PLATFORM_PACKAGES))


def test_the_console_loads_no_content_importer_nor_exporter(tmp_path: Path) -> None:
    """`studybot console` leaves the Anki and spreadsheet importers, the Anki exporter and the pack writer alone."""
    loaded = modules_loaded_by(["console", "--user", "ada"], tmp_path)
    assert "bot.cli_content" in loaded
    tools = sorted(m for m in loaded if m.startswith(CONTENT_TOOLS))
    assert not tools, tools


def test_the_console_loads_no_data_tools(tmp_path: Path) -> None:
    """`studybot console` leaves the module of `studybot export` and `studybot forget` alone."""
    loaded = modules_loaded_by(["console", "--user", "ada"], tmp_path)
    assert "bot.cli" in loaded
    assert DATA_TOOLS not in loaded


def test_a_console_on_sqlite_loads_no_postgresql_dialect(tmp_path: Path) -> None:
    """On a current SQLite database the console builds SQLite's statements only, without the PostgreSQL dialect.

    The first start is left out: Alembic, migrating the new database, loads every dialect it knows.
    """
    modules_loaded_by(["console", "--user", "ada"], tmp_path)
    loaded = modules_loaded_by(["console", "--user", "ada"], tmp_path)
    assert "sqlalchemy.dialects.sqlite" in loaded
    dialect = sorted(m for m in loaded if m == POSTGRESQL_DIALECT or m.startswith(f"{POSTGRESQL_DIALECT}."))
    assert not dialect, dialect


def test_the_console_loads_neither_pillow_nor_rapidfuzz(tmp_path: Path) -> None:
    """Pictures are drawn, and topic names matched loosely, on the first request that needs it, not at start-up."""
    loaded = loaded_by(["console", "--user", "ada"], tmp_path)
    assert "bot" in loaded
    assert loaded.isdisjoint(LATER_PACKAGES), sorted(loaded & set(LATER_PACKAGES))


def test_bare_studybot_without_platforms_loads_no_platform_sdk(tmp_path: Path) -> None:
    """`studybot` with no platform configured falls back to the console without importing a platform's SDK."""
    loaded = loaded_by([], tmp_path)
    assert "bot" in loaded
    assert loaded.isdisjoint(PLATFORM_PACKAGES), sorted(loaded & set(PLATFORM_PACKAGES))


def test_alembic_is_loaded_only_to_migrate(tmp_path: Path) -> None:
    """The first start migrates the new database with Alembic; the next start finds it current and never loads it."""
    first = loaded_by(["console", "--user", "ada"], tmp_path)
    second = loaded_by(["console", "--user", "ada"], tmp_path)
    assert "alembic" in first
    assert second.isdisjoint(MIGRATION_PACKAGES), sorted(second & set(MIGRATION_PACKAGES))
