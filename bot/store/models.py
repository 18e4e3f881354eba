"""SQLAlchemy ORM tables. Every timestamp is stored in UTC."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

from bot.domain.activity import DayCounts

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite has no 64-bit autoincrement type other than INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime stored as UTC, returned aware on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        """Refuse naive datetimes and normalise to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        """SQLite returns naive values: mark them as UTC (PostgreSQL's come in UTC already)."""
        if value is None or value.tzinfo is dt.UTC:
            return value
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class DeltasJSON(TypeDecorator[list[list[Any]]]):
    """A batch's pending deltas: JSON, `jsonb` on PostgreSQL (whose values a fold reads without parsing text again)."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """`jsonb` on PostgreSQL, imported only there (a SQLite console loads no PostgreSQL dialect)."""
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


class DayCountsJSON(TypeDecorator[DayCounts]):
    """A learner's answers per day, stored as a JSON object of ISO day to count, read back oldest first."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: DayCounts | None, dialect: object) -> dict[str, int]:
        """`{"2026-12-01": 5, ...}`."""
        return {day.isoformat(): n for day, n in value or ()}

    def process_result_value(self, value: dict[str, int] | None, dialect: object) -> DayCounts:
        """The (day, answers) pairs, oldest first; none when the column is empty."""
        return tuple(sorted((dt.date.fromisoformat(day), int(n)) for day, n in (value or {}).items()))


class Base(DeclarativeBase):
    """Declarative base with a naming convention for constraints."""

    metadata = MetaData(naming_convention=NAMING)


class Workspace(Base):
    """A Discord guild, a Slack team, or the console."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id", name="uq_workspaces_platform_external"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())


class Channel(Base):
    """A channel of a workspace with its daily-drop settings."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id", name="uq_channels_workspace_external"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    drop_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    weekdays: Mapped[str] = mapped_column(String(32), default="mon,tue,wed,thu,fri,sat,sun")
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    weekly_board: Mapped[bool] = mapped_column(Boolean, default=False)
    team_report: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Post the team's week (`bot.usecases.team`, without names) with the weekly board on Mondays."""
    course_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The course the channel studies: its drops, and its commands that name none. None: the default course."""
    next_topic_index: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())


class User(Base):
    """A learner, per platform workspace, with their own settings: a timezone, and whether boards name them."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id", name="uq_users_workspace_external"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Shown on leaderboards as "a learner" instead of by name (`/study privacy hide`)."""
    # Set by `/study timezone`: the learner's own choice, which the platform's timezone never replaces.
    timezone_chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), server_default=func.now())


class UserStats(Base):
    """Running totals of a user: points, streaks and counts."""

    __tablename__ = "user_stats"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    points: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    current_streak: Mapped[int] = mapped_column(Integer, default=0)
    best_streak: Mapped[int] = mapped_column(Integer, default=0)
    last_active_day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    freeze_used_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # Answers per day of the learner's own over the progress card's weeks: what its calendar shows.
    recent_days: Mapped[DayCounts] = mapped_column(DayCountsJSON, default=(), server_default="{}")


class Answer(Base):
    """One answer of a user to one question instance; unique per instance and per delivery."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("user_id", "instance", name="uq_answers_user_instance"),
        UniqueConstraint("delivery_key", name="uq_answers_delivery_key"),
        Index("ix_answers_workspace_time", "workspace_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(100))
    topic_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="quiz")
    instance: Mapped[str] = mapped_column(String(32))
    delivery_key: Mapped[str] = mapped_column(String(200))
    choice: Mapped[int] = mapped_column(Integer)
    correct: Mapped[bool] = mapped_column(Boolean)
    points: Mapped[int] = mapped_column(Integer, default=0)
    local_day: Mapped[dt.date] = mapped_column(Date)
    answered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


ALL_COURSES = "*"
"""The `course_id` of the overall board's scores: every course of the workspace together."""


class Score(Base):
    """A learner's points, right answers and first answer in one board period of their workspace.

    Kept by the answer's own transaction: `period` is week, month or all, `starts_on` the local
    date (in the workspace's timezone) the period begins on, a fixed date for all time. Each
    answer counts on its course's board and on the overall one (`course_id` ALL_COURSES).
    """

    __tablename__ = "scores"

    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    starts_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    points: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


# A board's order, so that its top and anyone's rank are read from the index.
Index(
    "ix_scores_board",
    Score.workspace_id,
    Score.course_id,
    Score.period,
    Score.starts_on,
    Score.points.desc(),
    Score.correct.desc(),
    Score.first_at,
    Score.user_id,
)


class PendingScore(Base):
    """Points of a batch of new answers on their way to the boards: written with the answers, folded into `scores`.

    One row per committed batch. `deltas` holds what the batch adds per learner, course, week and
    month, in the workspace's timezone as the answers were recorded: a JSON list (`DeltasJSON`) of
    `[workspace_id, course_id, user_id, week_on, month_on, points, correct, first_at]`, the days
    ISO and `first_at` UTC as `2026-11-30 09:15:00.000000` (`bot.store.scores.pending_params`).
    A fold (`AnswerStore.fold_scores`) deletes the rows it adds to `scores` in one transaction, so
    each is counted once, by whichever process takes it. The rows name learners but hold no key
    to them: a fold leaves out the deltas of a learner deleted since.
    """

    __tablename__ = "pending_scores"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    deltas: Mapped[list[list[Any]]] = mapped_column(DeltasJSON)


class ReviewState(Base):
    """The FSRS card of one user for one question (quiz, interview or card) of one course."""

    __tablename__ = "review_states"
    __table_args__ = (Index("ix_review_states_user_due", "user_id", "due"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    due: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    card: Mapped[dict[str, object]] = mapped_column(JSON)
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    last_correct_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Copied out of the card when it is saved, so the team's recall is summed without reading JSON.
    topic_id: Mapped[str] = mapped_column(String(64), default="")
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_review: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The quiz answers given to this question (early repeats too, interview self-grades not), and
    # how many of them were right: a learner's accuracy per topic is summed from the cards.
    quiz_answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    quiz_right: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ClaimColumns:
    """What every claim table has besides its target: the kind, the local date, and the lease.

    The lease operations on them live in `bot.store.claims`.
    """

    local_date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16), default="lesson")
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class DailyDrop(ClaimColumns, Base):
    """A claimed daily drop: at most one per channel, kind and local date."""

    __tablename__ = "daily_drops"
    __table_args__ = (
        UniqueConstraint("channel_id", "kind", "local_date", name="uq_daily_drops_channel_kind_date"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    topic_id: Mapped[str] = mapped_column(String(64))


class Reminder(Base):
    """A learner's daily reminder: the local time, whether it is on, today's snooze, a notice to give.

    One row per learner (deleted with the learner). `notice` is told to the learner with their
    next command, once: why reminders were switched off (their direct messages are closed).
    """

    __tablename__ = "reminders"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    remind_at: Mapped[str] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    snooze_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    snooze_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    notice: Mapped[str | None] = mapped_column(String(300), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ReminderSend(ClaimColumns, Base):
    """A claimed reminder: at most one per learner, kind (`remind` or `later`) and local date."""

    __tablename__ = "reminder_sends"
    __table_args__ = (
        UniqueConstraint("local_date", "kind", "user_id", name="uq_reminder_sends_date_kind_user"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


class KeyValue(Base):
    """Small pieces of bot state, such as the hash of the last synced command tree."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000))


class UnfinishedReply(Base):
    """A request acknowledged to its platform before it was answered, kept until it is.

    The next process to start finishes what a crashed one acknowledged: the platform will not
    send it again. `body` is the adapter's own record of the request and where to answer it.
    """

    __tablename__ = "unfinished_replies"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    taken_until: Mapped[dt.datetime] = mapped_column(UTCDateTime())
