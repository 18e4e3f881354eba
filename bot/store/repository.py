"""All queries of StudyBot, on a session whose lifecycle the caller owns."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, String, and_, bindparam, case, func, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.streaks import Streak
from bot.store.drops import DropStore
from bot.store.errors import translated
from bot.store.models import (
    Answer,
    Channel,
    DailyDrop,
    KeyValue,
    ReviewState,
    User,
    UserStats,
    Workspace,
)


@dataclass(frozen=True)
class StatsRow:
    """A user's running totals."""

    points: int = 0
    answers: int = 0
    correct: int = 0
    current_streak: int = 0
    best_streak: int = 0
    last_active_day: dt.date | None = None
    freeze_used_on: dt.date | None = None

    @property
    def streak(self) -> Streak:
        """The streak part of the totals."""
        return Streak(self.current_streak, self.best_streak, self.last_active_day, self.freeze_used_on)


STATS_COLUMNS = tuple(getattr(UserStats, f.name) for f in dataclasses.fields(StatsRow))


@dataclass(frozen=True)
class ReviewRow:
    """The FSRS card of one question for one user, with its counters."""

    card: dict[str, Any]
    reviews: int
    lapses: int


@dataclass(frozen=True)
class ClaimedAnswers:
    """What `claim_answers` found: the answers it inserted, the locked stats, and the existing cards."""

    inserted: set[tuple[int, str, str]]
    stats: dict[int, StatsRow]
    cards: dict[tuple[int, str], ReviewRow]


@dataclass(frozen=True)
class SavedReview:
    """A card to write: whose, for which question, its new state and due time, and when it was last right."""

    user_id: int
    question_id: str
    review: ReviewRow
    due: dt.datetime
    last_correct_at: dt.datetime | None

    @property
    def reviews(self) -> int:
        """How many times the card was reviewed."""
        return self.review.reviews

    @property
    def lapses(self) -> int:
        """How many reviews were wrong."""
        return self.review.lapses


@dataclass(frozen=True)
class BoardRow:
    """One line of a leaderboard."""

    user_id: int
    name: str
    points: int
    correct: int


@dataclass(frozen=True)
class TopicTally:
    """A user's quiz answers within one topic."""

    topic_id: str
    answers: int
    correct: int


@dataclass(frozen=True)
class _Statements:
    """The statements of the answer hot path, built once per dialect and reused with parameters."""

    read_stats: Any
    save_stats: Any
    save_review: Any
    insert_answers: Any
    lock_stats: Any
    read_reviews: Any


@functools.cache
def _statements(dialect: str) -> _Statements:
    module = postgresql if dialect == "postgresql" else sqlite
    read_stats = select(*STATS_COLUMNS).where(UserStats.user_id == bindparam("uid"))
    upsert = module.insert(ReviewState)
    excluded = upsert.excluded
    save_review = upsert.on_conflict_do_update(
        index_elements=["user_id", "question_id"],
        set_={
            "card": excluded.card,
            "due": excluded.due,
            "reviews": excluded.reviews,
            "lapses": excluded.lapses,
            "last_correct_at": func.coalesce(excluded.last_correct_at, ReviewState.last_correct_at),
        },
    )
    review_columns = (
        ReviewState.user_id, ReviewState.question_id, ReviewState.card, ReviewState.reviews, ReviewState.lapses
    )
    if dialect == "postgresql":  # one array per column: one statement text whatever the batch size
        pairs = func.unnest(
            bindparam("uids", type_=ARRAY(BigInteger)), bindparam("qids", type_=ARRAY(String))
        ).table_valued("uid", "qid").render_derived(name="pairs")
        read_reviews = select(*review_columns).join(
            pairs, and_(ReviewState.user_id == pairs.c.uid, ReviewState.question_id == pairs.c.qid)
        )
    else:
        read_reviews = select(*review_columns).where(
            tuple_(ReviewState.user_id, ReviewState.question_id).in_(bindparam("pairs", expanding=True))
        )
    lock_stats = (
        select(UserStats.user_id, *STATS_COLUMNS)
        .where(UserStats.user_id.in_(bindparam("uids", expanding=True)))
        .order_by(UserStats.user_id)
        .with_for_update()
    )
    insert_answers = module.insert(Answer).on_conflict_do_nothing().returning(
        Answer.user_id, Answer.instance, Answer.delivery_key
    )
    return _Statements(
        read_stats=read_stats,
        save_stats=update(UserStats)
        .where(UserStats.user_id == bindparam("uid"))
        .values({f.name: bindparam(f"v_{f.name}") for f in dataclasses.fields(StatsRow)}),
        save_review=save_review,
        insert_answers=insert_answers,
        lock_stats=lock_stats,
        read_reviews=read_reviews,
    )


def _stats_params(stats: StatsRow) -> dict[str, Any]:
    """The `save_stats` parameters of a stats row."""
    return {f"v_{f.name}": getattr(stats, f.name) for f in dataclasses.fields(StatsRow)}


def _review_params(saved: SavedReview) -> dict[str, Any]:
    """The `save_review` parameters of a card."""
    return {"user_id": saved.user_id, "question_id": saved.question_id, "card": saved.review.card,
            "due": saved.due, "reviews": saved.review.reviews, "lapses": saved.review.lapses,
            "last_correct_at": saved.last_correct_at}


class Repository:
    """Data access for the use cases; never commits (the unit of work does)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
        self.drops = DropStore(session)
        """The daily drops, in the same transaction."""

    async def _execute(self, stmt: Any, params: dict[str, Any] | Sequence[dict[str, Any]] | None = None) -> Any:
        """Run a Core statement on the session's connection, skipping the ORM layer."""
        connection = await self.session.connection()
        return await connection.execute(stmt, params)

    def _insert(self, table: Any) -> Any:
        module = postgresql if self.dialect == "postgresql" else sqlite
        return module.insert(table)

    # workspaces, users, channels ------------------------------------------------
    async def ensure_workspace(self, platform: str, external_id: str, name: str) -> Workspace:
        """The workspace row, created on first sight."""
        stmt = self._insert(Workspace).values(
            platform=platform, external_id=external_id, name=name[:200]
        )
        await self._execute(stmt.on_conflict_do_nothing())
        row = await self.session.scalar(
            select(Workspace).where(
                Workspace.platform == platform, Workspace.external_id == external_id
            )
        )
        assert row is not None
        return row

    async def ensure_user(self, workspace_id: int, external_id: str, name: str) -> User:
        """The user row (and an empty stats row), created on first sight."""
        stmt = self._insert(User).values(
            workspace_id=workspace_id, external_id=external_id, display_name=name[:200]
        )
        await self._execute(stmt.on_conflict_do_nothing())
        row = await self.session.scalar(
            select(User).where(User.workspace_id == workspace_id, User.external_id == external_id)
        )
        assert row is not None
        await self._execute(
            self._insert(UserStats).values(user_id=row.id).on_conflict_do_nothing()
        )
        if name and row.display_name != name[:200]:
            row.display_name = name[:200]
        return row

    async def set_user_timezone(self, user_id: int, tz: str | None) -> None:
        """Set (or clear) a user's own timezone."""
        await self._execute(update(User).where(User.id == user_id).values(timezone=tz))

    async def workspace_by_id(self, workspace_id: int) -> Workspace | None:
        """A workspace by primary key."""
        return await self.session.get(Workspace, workspace_id)

    async def channel(self, workspace_id: int, external_id: str) -> Channel | None:
        """A channel's settings, if it was ever set up."""
        return await self.session.scalar(
            select(Channel).where(
                Channel.workspace_id == workspace_id, Channel.external_id == external_id
            )
        )

    async def ensure_channel(self, workspace_id: int, external_id: str, name: str) -> Channel:
        """A channel row, created on first use."""
        stmt = self._insert(Channel).values(
            workspace_id=workspace_id, external_id=external_id, name=name[:200]
        )
        await self._execute(stmt.on_conflict_do_nothing())
        row = await self.channel(workspace_id, external_id)
        assert row is not None
        return row

    async def save_schedule(self, channel_id: int, schedule: dict[str, Any], now: dt.datetime) -> None:
        """Set a channel's drop settings (`drop_time`, `timezone`, `weekdays`, maybe `weekly_board`); it runs again."""
        values = {**schedule, "paused": False, "last_error": None, "updated_at": now}
        await self.session.execute(update(Channel).where(Channel.id == channel_id).values(values))

    async def set_paused(self, channel_id: int, paused: bool, now: dt.datetime) -> None:
        """Pause or resume a channel's drops."""
        await self.session.execute(
            update(Channel).where(Channel.id == channel_id).values(paused=paused, updated_at=now)
        )

    async def adopt_timezone(self, workspace_id: int, tz: str) -> None:
        """Give a workspace without a timezone this one (its first schedule's)."""
        await self.session.execute(
            update(Workspace).where(Workspace.id == workspace_id, Workspace.timezone.is_(None)).values(timezone=tz)
        )

    async def scheduled_channels(self, workspace_id: int | None = None) -> Sequence[Channel]:
        """Channels with a drop time, optionally of one workspace."""
        stmt = select(Channel).where(Channel.drop_time.is_not(None)).order_by(Channel.id)
        if workspace_id is not None:
            stmt = stmt.where(Channel.workspace_id == workspace_id)
        return (await self.session.scalars(stmt)).all()

    async def last_drop(self, channel_id: int, kind: str = "lesson") -> DailyDrop | None:
        """The most recent drop of a channel that went out."""
        return await self.session.scalar(
            select(DailyDrop)
            .where(DailyDrop.channel_id == channel_id, DailyDrop.kind == kind, DailyDrop.status == "sent")
            .order_by(DailyDrop.local_date.desc())
            .limit(1)
        )

    # answers and stats ------------------------------------------------------------
    async def stats(self, user_id: int) -> StatsRow:
        """The user's running totals (zeros for a user with none)."""
        row = (await self._execute(_statements(self.dialect).read_stats, {"uid": user_id})).first()
        return StatsRow(*row) if row is not None else StatsRow()

    async def claim_answers(self, rows: Sequence[dict[str, Any]], cards: Sequence[tuple[int, str]]) -> ClaimedAnswers:
        """Insert answers in order, lock their users' stats rows and read their cards, for this transaction.

        An answer is inserted unless its instance or delivery is already recorded (also by an
        earlier row); stats rows are locked in user-id order; the cards read are the existing ones
        among `cards` (user id, question id), as they are under that lock (a new statement, so a
        new snapshot: it includes any answer committed meanwhile).
        """
        statements = _statements(self.dialect)
        result = await self._execute(statements.insert_answers, list(rows))
        inserted = {(row[0], row[1], row[2]) for row in result}
        locked = await self._execute(statements.lock_stats, {"uids": sorted({row["user_id"] for row in rows})})
        stats = {row[0]: StatsRow(*row[1:]) for row in locked}
        return ClaimedAnswers(inserted, stats, await self.reviews(cards))

    async def reviews(self, cards: Sequence[tuple[int, str]]) -> dict[tuple[int, str], ReviewRow]:
        """The FSRS cards with these (user id, question id) keys that exist (read them after `lock_stats`)."""
        keys = sorted(set(cards))
        params: dict[str, Any] = (
            {"uids": [user for user, _ in keys], "qids": [question for _, question in keys]}
            if self.dialect == "postgresql"
            else {"pairs": keys}
        )
        rows = await self._execute(_statements(self.dialect).read_reviews, params)
        return {(row[0], row[1]): ReviewRow(row[2], row[3], row[4]) for row in rows}

    async def answers_matching(
        self, instances: Sequence[tuple[int, str]], delivery_keys: Sequence[str]
    ) -> list[Answer]:
        """Answers recorded for any of these (user id, instance) pairs or delivery keys."""
        stmt = select(Answer).where(
            or_(
                and_(
                    Answer.user_id.in_(sorted({user for user, _ in instances})),
                    Answer.instance.in_(sorted({instance for _, instance in instances})),
                ),
                Answer.delivery_key.in_(sorted(set(delivery_keys))),
            )
        )
        return list((await self.session.scalars(stmt)).all())

    async def void_points(self, answers: Sequence[tuple[int, str]]) -> None:
        """Set the points of these (user, instance) answers to zero: they earned none."""
        await self._execute(
            update(Answer)
            .where(Answer.user_id == bindparam("uid"), Answer.instance == bindparam("inst"))
            .values(points=0),
            [{"uid": user_id, "inst": instance} for user_id, instance in answers],
        )

    async def save_progress(
        self, stats: dict[int, StatsRow], reviews: Sequence[SavedReview], voided: Sequence[tuple[int, str]]
    ) -> None:
        """Write several users' totals and cards (at most one per user and question).

        The `voided` (user id, instance) answers get zero points.
        """
        statements = _statements(self.dialect)
        if stats:
            await self._execute(
                statements.save_stats,
                [{"uid": user_id, **_stats_params(row)} for user_id, row in stats.items()],
            )
        if reviews:
            await self._execute(statements.save_review, [_review_params(r) for r in reviews])
        if voided:
            await self.void_points(voided)

    async def review_dues(self, user_id: int) -> dict[str, dt.datetime]:
        """Due times of every question the user has reviewed."""
        rows = await self._execute(
            select(ReviewState.question_id, ReviewState.due).where(ReviewState.user_id == user_id)
        )
        return {row[0]: row[1] for row in rows}

    async def topic_tallies(self, user_id: int) -> list[TopicTally]:
        """Quiz answers and right answers per topic for one user."""
        rows = await self._execute(
            select(
                Answer.topic_id,
                func.count(),
                func.sum(case((Answer.correct, 1), else_=0)),
            )
            .where(Answer.user_id == user_id, Answer.kind == "quiz")
            .group_by(Answer.topic_id)
        )
        return [TopicTally(t, int(n), int(c or 0)) for t, n, c in rows]

    async def questions_answered_right(self, user_id: int) -> set[str]:
        """Quiz questions the user has answered right at least once."""
        rows = await self.session.scalars(
            select(Answer.question_id)
            .where(Answer.user_id == user_id, Answer.kind == "quiz", Answer.correct)
            .distinct()
        )
        return set(rows.all())

    async def last_quiz_results(self, user_id: int, question_ids: Sequence[str]) -> dict[str, bool]:
        """Whether the user's latest answer to each of these quiz questions was right."""
        latest = (
            select(Answer.question_id, func.max(Answer.answered_at).label("at"))
            .where(Answer.user_id == user_id, Answer.kind == "quiz", Answer.question_id.in_(question_ids))
            .group_by(Answer.question_id)
            .subquery()
        )
        rows = await self._execute(
            select(Answer.question_id, Answer.correct, Answer.id)
            .join(latest, and_(Answer.question_id == latest.c.question_id, Answer.answered_at == latest.c.at))
            .where(Answer.user_id == user_id, Answer.kind == "quiz")
            .order_by(Answer.id)
        )
        return {question_id: bool(correct) for question_id, correct, _id in rows}

    async def practised_topics(self, user_id: int) -> set[str]:
        """Topics in which the user answered anything (quiz or interview)."""
        rows = await self.session.scalars(
            select(Answer.topic_id).where(Answer.user_id == user_id).distinct()
        )
        return set(rows.all())

    async def leaderboard(
        self, workspace_id: int, since: dt.datetime | None, limit: int, until: dt.datetime | None = None
    ) -> list[BoardRow]:
        """Users of one workspace by points earned in [since, until); ties broken deterministically."""
        points = func.sum(Answer.points).label("points")
        correct = func.sum(case((Answer.correct, 1), else_=0)).label("correct")
        conditions = [Answer.workspace_id == workspace_id, User.workspace_id == workspace_id]
        if since is not None:
            conditions.append(Answer.answered_at >= since)
        if until is not None:
            conditions.append(Answer.answered_at < until)
        stmt = (
            select(User.id, User.display_name, User.external_id, points, correct)
            .join(Answer, Answer.user_id == User.id)
            .where(and_(*conditions))
            .group_by(User.id, User.display_name, User.external_id)
            .having(func.sum(Answer.points) > 0)
            .order_by(points.desc(), correct.desc(), func.min(Answer.answered_at), User.id)
            .limit(limit)
        )
        rows = await self._execute(stmt)
        return [
            BoardRow(uid, name or ext, int(p or 0), int(c or 0)) for uid, name, ext, p, c in rows
        ]

    async def get_value(self, key: str) -> str | None:
        """A stored piece of bot state."""
        row = await self.session.get(KeyValue, key)
        return row.value if row else None

    async def set_value(self, key: str, value: str) -> None:
        """Store a piece of bot state."""
        stmt = self._insert(KeyValue).values(key=key, value=value)
        await self._execute(
            stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value})
        )


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Repository]:
    """A transaction and its repository: commits when the block ends, rolls back on an exception.

    A database failure leaves as one of the store's own errors (`bot.store.errors`).
    """
    try:
        async with sessions() as session, session.begin():
            yield Repository(session)
    except Exception as exc:
        error = translated(exc)
        if error is None:
            raise
        raise error from exc
