"""users.hidden: a learner who asked to appear on leaderboards as "a learner"

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE, never batch mode: on SQLite a batch would copy and drop `users`, and the drop
    # cascades to every learner's answers and cards.
    op.add_column("users", sa.Column("hidden", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("users", "hidden")
