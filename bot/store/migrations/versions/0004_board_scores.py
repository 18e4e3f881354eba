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


def upgrade() -> None:
    op.create_table(
        "scores",
        sa.Column("workspace_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_scores_workspace_id_workspaces"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_scores_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id", "period", "starts_on", "user_id", name=op.f("pk_scores")),
    )
    backfill(op.get_bind(), context.config.attributes.get("default_timezone", "UTC"))
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
