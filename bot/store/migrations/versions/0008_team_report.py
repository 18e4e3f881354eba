"""channels.team_report: post the team's week with the weekly board on Mondays

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 17:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE, never batch mode: on SQLite a batch would copy and drop `channels`, and the drop
    # cascades to the channels' drops.
    op.add_column("channels", sa.Column("team_report", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("channels", "team_report")
