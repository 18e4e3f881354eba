"""Apply Alembic migrations programmatically, safely from several processes at once.

Alembic (with Mako and its templates) takes about 50 ms and 8 MB to import, so it is loaded only
when there is something to do: a database already at the newest revision is recognised by reading
its `alembic_version` table and the `revision` lines of the packaged migration files.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
# Any constant works; it only has to be the same for every StudyBot process.
ADVISORY_LOCK_ID = 0x57_0D_7B07
DEFAULT_COURSE = "dotnet-architect"


def alembic_config(connection: Connection | None = None, default_timezone: str = "UTC",
                   default_course: str = DEFAULT_COURSE) -> Config:
    """An Alembic config pointing at the packaged migrations.

    `default_timezone` is the bot's timezone for workspaces without their own, which a migration
    that counts boards from the answers needs; `default_course` the course the history recorded
    before several courses were served belongs to.
    """
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["default_timezone"] = default_timezone
    cfg.attributes["default_course"] = default_course
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _revision_lines(path: Path) -> dict[str, object]:
    """The `revision` and `down_revision` values a migration file assigns, read without running it."""
    values: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:  # `revision: str = "0004"`
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            try:
                values[target.id] = ast.literal_eval(value)
            except ValueError:  # not a plain value: only Alembic, running the file, can tell
                values[target.id] = None
    return values


@cache
def newest_revision() -> str | None:
    """The one head revision of the packaged migrations; None when there are several, or a file's is unreadable.

    The same answer as Alembic's `ScriptDirectory.get_current_head()` (a test holds them together),
    from the files' assignments alone. None leaves the decision to Alembic.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        values = _revision_lines(path)
        revision = values.get("revision")
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        down = values.get("down_revision")  # None, one revision, or several for a merge
        downs = (down,) if isinstance(down, str) else tuple(down) if isinstance(down, tuple | list) else ()
        parents.update(d for d in downs if isinstance(d, str))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_newest(connection: Connection) -> bool:
    """Whether the database's recorded revision is the newest packaged one (so there is nothing to do)."""
    newest = newest_revision()
    if newest is None or not inspect(connection).has_table(VERSION_TABLE):
        return False
    recorded = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return list(recorded) == [newest]


def _upgrade(connection: Connection, revision: str = "head", default_timezone: str = "UTC",
             default_course: str = DEFAULT_COURSE) -> None:
    if revision == "head" and _at_newest(connection):
        return
    from alembic import command

    if connection.dialect.name == "postgresql":
        # Replicas starting together take turns; the later ones find nothing to do.
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
    command.upgrade(alembic_config(connection, default_timezone, default_course), revision)


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine, revision: str = "head", default_timezone: str = "UTC",
                  default_course: str = DEFAULT_COURSE) -> None:
    """Bring the database to the newest schema (or to `revision`); boards count in `default_timezone`.

    History recorded before several courses were served is moved into `default_course`. Alembic
    is loaded only when there is work to do.
    """
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, revision, default_timezone, default_course)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)
