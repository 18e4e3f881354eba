"""scores: each learner's points, right answers and first answer per board period

The boards read these rows instead of summing the answers, so a board costs the same at any
number of answers. The answer path keeps them. They are counted from the answers recorded so far
by 0009, which counts them per course as well.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


FOREIGN_KEYS = (
    ("fk_scores_workspace_id_workspaces", "workspaces", "workspace_id"),
    ("fk_scores_user_id_users", "users", "user_id"),
)


def upgrade() -> None:
    keys = [
        sa.ForeignKeyConstraint([column], [f"{table}.id"], name=op.f(name), ondelete="CASCADE")
        for name, table, column in FOREIGN_KEYS
    ]
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
    op.create_index(
        "ix_scores_board",
        "scores",
        ["workspace_id", "period", "starts_on", sa.text("points DESC"), sa.text("correct DESC"), "first_at", "user_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_scores_board", table_name="scores")
    op.drop_table("scores")
