"""pending_scores: one row per batch of answers, its deltas as JSON

A batch wrote one row per learner, course, week and month here, each with two foreign keys to
check and an index entry: most of what keeping the boards cost an answer. It now writes one row
holding those deltas as a JSON list (`jsonb` on PostgreSQL; `AnswerStore.save_progress`), which
a fold unpacks. The rows still pending are carried over as one such row; a downgrade unpacks
them again.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COLUMNS = ("workspace_id", "course_id", "user_id", "week_on", "month_on", "points", "correct", "first_at")
"""A delta's values in order, as 0011's rows held them in columns."""

ROWS = sa.table("pending_scores", sa.column("id", Id), *(sa.column(name) for name in COLUMNS[:3]),
                sa.column("week_on", sa.Date()), sa.column("month_on", sa.Date()), sa.column("points"),
                sa.column("correct"), sa.column("first_at", sa.DateTime(timezone=True)))


def _deltas_type() -> sa.types.TypeEngine[object]:
    """JSON, `jsonb` on PostgreSQL (imported only there)."""
    if op.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB

        return JSONB()
    return sa.JSON()


def _batches() -> sa.TableClause:
    """The new table, as its rows are written and read here."""
    return sa.table("pending_scores", sa.column("id", Id), sa.column("deltas", _deltas_type()))


def _utc(at: dt.datetime) -> dt.datetime:
    """A stored moment in UTC, aware (SQLite's come back naive)."""
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


def _delta(row: Any) -> list[Any]:
    """One 0011 row as a delta: days ISO, the first answer UTC as SQLite stores a moment."""
    ws, course, user, week, month, points, correct, first = row
    return [ws, course, user, week.isoformat(), month.isoformat(), points, correct,
            _utc(first).replace(tzinfo=None).isoformat(" ", "microseconds")]


def _row(delta: list[Any]) -> dict[str, Any]:
    """One delta as a 0011 row."""
    values = dict(zip(COLUMNS, delta, strict=True))
    values["week_on"] = dt.date.fromisoformat(values["week_on"])
    values["month_on"] = dt.date.fromisoformat(values["month_on"])
    values["first_at"] = dt.datetime.fromisoformat(values["first_at"]).replace(tzinfo=dt.UTC)
    return values


def upgrade() -> None:
    bind = op.get_bind()
    deltas = [_delta(row) for row in bind.execute(sa.select(*(ROWS.c[n] for n in COLUMNS)).order_by(ROWS.c.id))]
    op.drop_table("pending_scores")
    op.create_table(
        "pending_scores",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("deltas", _deltas_type(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_scores")),
    )
    if deltas:
        bind.execute(sa.insert(_batches()).values(deltas=deltas))


def downgrade() -> None:
    bind = op.get_bind()
    table = _batches()
    batches = bind.execute(sa.select(table.c.deltas).order_by(table.c.id)).scalars()
    rows = [_row(delta) for deltas in batches for delta in (json.loads(deltas) if isinstance(deltas, str) else deltas)]
    op.drop_table("pending_scores")
    op.create_table(
        "pending_scores",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("week_on", sa.Date(), nullable=False),
        sa.Column("month_on", sa.Date(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_pending_scores_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_pending_scores_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_scores")),
    )
    kept = sa.select(sa.column("id")).select_from(sa.table("users"))
    known = {user for (user,) in bind.execute(kept)}
    rows = [row for row in rows if row["user_id"] in known]  # 0011's rows need their learner
    if rows:
        bind.execute(sa.insert(ROWS), rows)
