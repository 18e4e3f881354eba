"""review_states: the topic, stability and last review of each card, as columns

The team's recall per topic is summed over these columns instead of reading every card's JSON.
Existing cards get them from their JSON and their topic from the answers that made them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:30:00
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 5_000


def upgrade() -> None:
    op.add_column("review_states", sa.Column("topic_id", sa.String(length=64), nullable=False, server_default=""))
    op.add_column("review_states", sa.Column("stability", sa.Float(), nullable=True))
    op.add_column("review_states", sa.Column("last_review", sa.DateTime(timezone=True), nullable=True))
    _backfill(op.get_bind())


def _backfill(connection: sa.Connection) -> None:
    """Copy each card's stability and last review out of its JSON, and its topic from its answers."""
    topics = {
        (user, question): topic
        for user, question, topic in connection.execute(
            sa.text("SELECT user_id, question_id, max(topic_id) FROM answers GROUP BY user_id, question_id")
        )
    }
    update = sa.text(
        "UPDATE review_states SET topic_id = :topic, stability = :stability, last_review = :last_review "
        "WHERE user_id = :user AND question_id = :question"
    ).bindparams(sa.bindparam("last_review", type_=sa.DateTime(timezone=True)))
    rows = connection.execute(sa.text("SELECT user_id, question_id, card FROM review_states"))
    batch: list[dict[str, Any]] = []
    for user, question, card in rows.fetchall():
        data = json.loads(card) if isinstance(card, str) else card
        last = data.get("last_review")
        batch.append({
            "user": user, "question": question, "topic": topics.get((user, question), ""),
            "stability": data.get("stability"),
            "last_review": dt.datetime.fromisoformat(last).astimezone(dt.UTC) if last else None,
        })
        if len(batch) >= BATCH:
            connection.execute(update, batch)
            batch = []
    if batch:
        connection.execute(update, batch)


def downgrade() -> None:
    for column in ("last_review", "stability", "topic_id"):
        op.drop_column("review_states", column)
