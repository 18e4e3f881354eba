"""courses: every answer, card, score and channel names its course

Several courses are served at once. The history recorded so far is of the course that was served
alone until now, the default course (`default_course`, from STUDYBOT_COURSE). Cards are keyed by
user, course and question; boards are counted per course and overall (course `*`), recounted
here from the answers, every period in its workspace's timezone.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

from bot.store.scores import answer_span, rebuild_statements

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    attributes = context.config.attributes
    course = attributes["default_course"]
    # ALTER TABLE for `answers` and `channels`, never batch mode: on SQLite a batch copies and drops
    # the table, and dropping `channels` cascades to its drops. Nothing refers to `review_states`
    # or `scores`, so their primary keys can be changed by copying them.
    op.add_column("answers", sa.Column("course_id", sa.String(length=64), nullable=False, server_default=course))
    op.add_column("channels", sa.Column("course_id", sa.String(length=64), nullable=True))
    with op.batch_alter_table("review_states") as batch:
        batch.add_column(sa.Column("course_id", sa.String(length=64), nullable=False, server_default=course))
        batch.drop_constraint("pk_review_states", type_="primary")
        batch.create_primary_key("pk_review_states", ["user_id", "course_id", "question_id"])
    op.drop_index("ix_scores_board", table_name="scores")
    op.drop_table("scores")
    _create_scores()
    _count_scores(op.get_bind(), attributes.get("default_timezone", "UTC"))


def _create_scores() -> None:
    op.create_table(
        "scores",
        sa.Column("workspace_id", Id, nullable=False),
        sa.Column("course_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], name=op.f("fk_scores_workspace_id_workspaces"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_scores_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id", "course_id", "period", "starts_on", "user_id", name=op.f("pk_scores")),
    )
    op.create_index(
        "ix_scores_board",
        "scores",
        ["workspace_id", "course_id", "period", "starts_on", sa.text("points DESC"), sa.text("correct DESC"),
         "first_at", "user_id"],
    )


def _count_scores(connection: sa.Connection, default_timezone: str) -> None:
    """Sum every workspace's answers into its scores, per course and overall, each period in its timezone."""
    workspaces = connection.execute(
        sa.text("SELECT id, timezone FROM workspaces WHERE id IN (SELECT DISTINCT workspace_id FROM answers)")
    ).all()
    for workspace_id, tz in workspaces:
        first, last = connection.execute(answer_span(workspace_id)).one()
        for stmt in rebuild_statements(workspace_id, tz or default_timezone, None, (first, last)):
            connection.execute(stmt)


def downgrade() -> None:
    """Back to one course: the default course's cards and the overall boards are kept."""
    course = context.config.attributes["default_course"]
    op.drop_index("ix_scores_board", table_name="scores")
    op.execute(sa.text("DELETE FROM scores WHERE course_id <> '*'"))
    with op.batch_alter_table("scores") as batch:
        batch.drop_constraint("pk_scores", type_="primary")
        batch.create_primary_key("pk_scores", ["workspace_id", "period", "starts_on", "user_id"])
        batch.drop_column("course_id")
    op.create_index(
        "ix_scores_board",
        "scores",
        ["workspace_id", "period", "starts_on", sa.text("points DESC"), sa.text("correct DESC"), "first_at", "user_id"],
    )
    op.execute(sa.text("DELETE FROM review_states WHERE course_id <> :course").bindparams(course=course))
    with op.batch_alter_table("review_states") as batch:
        batch.drop_constraint("pk_review_states", type_="primary")
        batch.create_primary_key("pk_review_states", ["user_id", "question_id"])
        batch.drop_column("course_id")
    op.drop_column("channels", "course_id")
    op.drop_column("answers", "course_id")
