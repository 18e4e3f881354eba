"""scores: each learner's points, right answers and first answer per board period

The boards read these rows instead of summing the answers, so a board costs the same at any
number of answers. The answer path keeps them; this migration fills them from the answers
recorded so far, every period counted in its workspace's timezone (or the bot's default
timezone for a workspace without one, as the boards count it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from bot.store.scores import answer_span, rebuild_statements

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


FOREIGN_KEYS = (
    ("fk_scores_workspace_id_workspaces", "workspaces", "workspace_id"),
    ("fk_scores_user_id_users", "users", "user_id"),
)


def upgrade() -> None:
    # PostgreSQL checks the foreign keys of the filled table in one pass when they are added after
    # the backfill, far faster than row by row; SQLite can only have them in the table's definition.
    sqlite = op.get_bind().dialect.name == "sqlite"
    keys = [
        sa.ForeignKeyConstraint([column], [f"{table}.id"], name=op.f(name), ondelete="CASCADE")
        for name, table, column in FOREIGN_KEYS
    ] if sqlite else []
    op.create_table(
        "scores",
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        *keys,
        sa.PrimaryKeyConstraint("workspace_id", "period", "starts_on", "user_id", name=op.f("pk_scores")),
    )
    backfill(op.get_bind(), context.config.attributes.get("default_timezone", "UTC"))
    if not sqlite:
        for name, table, column in FOREIGN_KEYS:
            op.create_foreign_key(op.f(name), "scores", table, [column], ["id"], ondelete="CASCADE")
    op.create_index(
        "ix_scores_board",
        "scores",
        ["workspace_id", "period", "starts_on", sa.text("points DESC"), sa.text("correct DESC"), "first_at", "user_id"],
    )


def backfill(connection: sa.Connection, default_timezone: str) -> None:
    """Sum every workspace's answers into its scores, each period in the workspace's timezone."""
    workspaces = connection.execute(
        sa.text("SELECT id, timezone FROM workspaces WHERE id IN (SELECT DISTINCT workspace_id FROM answers)")
    ).all()
    for workspace_id, tz in workspaces:
        first, last = connection.execute(answer_span(workspace_id)).one()
        for stmt in rebuild_statements(workspace_id, tz or default_timezone, None, (first, last)):
            connection.execute(stmt)


def downgrade() -> None:
    op.drop_index("ix_scores_board", table_name="scores")
    op.drop_table("scores")
