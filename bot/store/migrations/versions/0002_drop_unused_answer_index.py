"""drop ix_answers_user_question: no query reads answers by user and question

Every answer paid for keeping it up to date; lookups by user alone use the
(user_id, instance) unique index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 06:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_user_question")


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index("ix_answers_user_question", ["user_id", "question_id"], unique=False)
