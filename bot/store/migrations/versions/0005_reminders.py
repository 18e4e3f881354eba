"""reminders: a learner's own reminder time and its claims, and a timezone the learner chose

`reminders` holds one row per learner who asked for a reminder; `reminder_sends` is a claim table
like `daily_drops` (one row per learner, kind and local date). `users.timezone_chosen` marks a
timezone set with `/study timezone`, which the platform's own timezone (Slack's users.info) no
longer replaces.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE, never batch mode: on SQLite a batch would copy and drop `users`, and the drop
    # cascades to every learner's answers and cards.
    op.add_column("users", sa.Column("timezone_chosen", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "reminders",
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("remind_at", sa.String(length=5), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("snooze_on", sa.Date(), nullable=True),
        sa.Column("snooze_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notice", sa.String(length=300), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reminders_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_reminders")),
    )
    op.create_table(
        "reminder_sends",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reminder_sends_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sends")),
        sa.UniqueConstraint("local_date", "kind", "user_id", name="uq_reminder_sends_date_kind_user"),
    )


def downgrade() -> None:
    op.drop_table("reminder_sends")
    op.drop_table("reminders")
    op.drop_column("users", "timezone_chosen")
