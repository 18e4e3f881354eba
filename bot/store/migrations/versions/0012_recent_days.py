"""user_stats.recent_days: each learner's answers per day of their own, over the progress card's twelve weeks

`/study stats` draws its calendar from this instead of reading the learner's answers of those
weeks. Each learner's days are counted from their answers, back to 83 days before their last one
(what the answer path keeps).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KEPT = 84  # bot.domain.activity.DAYS_KEPT when this revision was written

_DAYS = (
    "SELECT a.user_id, {agg} AS days "
    "FROM (SELECT user_id, local_day, count(*) AS n FROM answers GROUP BY user_id, local_day) AS a "
    "JOIN (SELECT user_id, max(local_day) AS last FROM answers GROUP BY user_id) AS m ON m.user_id = a.user_id "
    "WHERE a.local_day > {oldest} GROUP BY a.user_id"
)
_UPDATE = "UPDATE user_stats SET recent_days = d.days FROM ({days}) AS d WHERE user_stats.user_id = d.user_id"
BACKFILL = {
    "postgresql": _UPDATE.format(days=_DAYS.format(agg="json_object_agg(a.local_day::text, a.n)",
                                                   oldest=f"m.last - {KEPT}")),
    "sqlite": _UPDATE.format(days=_DAYS.format(agg="json_group_object(a.local_day, a.n)",
                                               oldest=f"date(m.last, '-{KEPT} days')")),
}
"""Per dialect: each learner's stats row gets a JSON object of ISO day to answers (what the model's column reads)."""


def upgrade() -> None:
    # ALTER TABLE, never batch mode: on SQLite a batch copies and drops the table.
    op.add_column("user_stats", sa.Column("recent_days", sa.JSON(), nullable=False, server_default="{}"))
    op.execute(sa.text(BACKFILL[op.get_bind().dialect.name]))


def downgrade() -> None:
    op.drop_column("user_stats", "recent_days")
