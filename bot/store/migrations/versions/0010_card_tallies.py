"""review_states.quiz_answers and quiz_right: how many quiz answers each card has had, and how many were right

`/study stats` sums these per topic instead of reading every answer of the learner. Existing
cards are counted from their quiz answers.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BACKFILL = sa.text(
    "UPDATE review_states SET quiz_answers = tally.counted, quiz_right = tally.counted_right "
    "FROM (SELECT user_id, course_id, question_id, count(*) AS counted, "
    "sum(CASE WHEN correct THEN 1 ELSE 0 END) AS counted_right "
    "FROM answers WHERE kind = 'quiz' GROUP BY user_id, course_id, question_id) AS tally "
    "WHERE review_states.user_id = tally.user_id AND review_states.course_id = tally.course_id "
    "AND review_states.question_id = tally.question_id"
)
"""Each card's quiz answers and right ones, counted from `answers` in one statement (SQLite 3.33+, PostgreSQL)."""


def upgrade() -> None:
    # ALTER TABLE, never batch mode: on SQLite a batch copies and drops the table.
    op.add_column("review_states", sa.Column("quiz_answers", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("review_states", sa.Column("quiz_right", sa.Integer(), nullable=False, server_default="0"))
    op.execute(BACKFILL)


def downgrade() -> None:
    for column in ("quiz_right", "quiz_answers"):
        op.drop_column("review_states", column)
