"""The answer path's statements: answers, the totals and cards they change, and the boards they feed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, String, and_, bindparam, func, or_, select, tuple_, update

from bot.domain.activity import DayCounts
from bot.domain.srs import memory_of
from bot.domain.streaks import Streak
from bot.store.base import SessionStore, dialect_insert, pg_array
from bot.store.models import Answer, ReviewState, User, UserStats
from bot.store.privacy import board_name
from bot.store.scores import (
    FOLD_BATCH,
    GROUP_START,
    Board,
    Mark,
    OwnScore,
    PendingDelta,
    answer_span,
    board_statements,
    fold_statements,
    pending_params,
    rebuild_statements,
    top_statement,
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
    recent_days: DayCounts = ()

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


CardKey = tuple[int, str, str]
"""A learner's FSRS card: (user id, course id, question id)."""


@dataclass(frozen=True)
class ClaimedAnswers:
    """What `claim_answers` found: the answers it inserted, the locked stats, and the existing cards."""

    inserted: set[tuple[int, str, str]]
    stats: dict[int, StatsRow]
    cards: dict[CardKey, ReviewRow]


@dataclass(frozen=True)
class SavedReview:
    """A card to write: whose, for which course's question, its new state and due time, and when it was last right.

    `quiz_answers` and `quiz_right` are the batch's quiz answers to the question and the right
    ones among them: saving adds them to the card's counts.
    """

    user_id: int
    course_id: str
    question_id: str
    topic_id: str
    review: ReviewRow
    due: dt.datetime
    last_correct_at: dt.datetime | None
    quiz_answers: int
    quiz_right: int

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
class BoardTop:
    """A board's top learners, and the caller's own row on it (None without points there)."""

    rows: list[BoardRow]
    own: OwnScore | None


@dataclass(frozen=True)
class Statements:
    """The statements of the answer hot path, built once per dialect and reused with parameters."""

    read_stats: Any
    save_stats: Any
    save_review: Any
    insert_answers: Any
    lock_stats: Any
    read_reviews: Any


@functools.cache
def statements(dialect: str) -> Statements:
    """The answer path's statements for this dialect, built once."""
    read_stats = select(*STATS_COLUMNS).where(UserStats.user_id == bindparam("uid"))
    upsert = dialect_insert(dialect, ReviewState)
    excluded = upsert.excluded
    save_review = upsert.on_conflict_do_update(
        index_elements=["user_id", "course_id", "question_id"],
        set_={
            "card": excluded.card,
            "due": excluded.due,
            "reviews": excluded.reviews,
            "lapses": excluded.lapses,
            "last_correct_at": func.coalesce(excluded.last_correct_at, ReviewState.last_correct_at),
            "topic_id": excluded.topic_id,
            "stability": excluded.stability,
            "last_review": excluded.last_review,
            "quiz_answers": ReviewState.quiz_answers + excluded.quiz_answers,
            "quiz_right": ReviewState.quiz_right + excluded.quiz_right,
        },
    )
    review_columns = (
        ReviewState.user_id, ReviewState.course_id, ReviewState.question_id, ReviewState.card, ReviewState.reviews,
        ReviewState.lapses,
    )
    if dialect == "postgresql":  # one array per column: one statement text whatever the batch size
        keys = func.unnest(
            bindparam("uids", type_=pg_array(BigInteger)), bindparam("cids", type_=pg_array(String)),
            bindparam("qids", type_=pg_array(String)),
        ).table_valued("uid", "cid", "qid").render_derived(name="keys")
        read_reviews = select(*review_columns).join(
            keys, and_(ReviewState.user_id == keys.c.uid, ReviewState.course_id == keys.c.cid,
                       ReviewState.question_id == keys.c.qid)
        )
    else:
        read_reviews = select(*review_columns).where(
            tuple_(ReviewState.user_id, ReviewState.course_id, ReviewState.question_id).in_(
                bindparam("keys", expanding=True))
        )
    lock_stats = (
        select(UserStats.user_id, *STATS_COLUMNS)
        .where(UserStats.user_id.in_(bindparam("uids", expanding=True)))
        .order_by(UserStats.user_id)
        .with_for_update()
    )
    insert_answers = dialect_insert(dialect, Answer).on_conflict_do_nothing().returning(
        Answer.user_id, Answer.instance, Answer.delivery_key
    )
    return Statements(
        read_stats=read_stats,
        save_stats=_save_stats(dialect),
        save_review=save_review,
        insert_answers=insert_answers,
        lock_stats=lock_stats,
        read_reviews=read_reviews,
    )


_STATS_FIELDS = tuple(f.name for f in dataclasses.fields(StatsRow))


def _save_stats(dialect: str) -> Any:
    """The UPDATE of a batch's stats rows; on PostgreSQL also the INSERT of its pending scores, in its WITH.

    On PostgreSQL one statement with one array per column (bound: uids and each field; deltas as
    `save_pending`'s), so a batch writes its totals and its pending row in one round trip; on
    SQLite one UPDATE per learner (executemany), and `save_pending` after it.
    """
    if dialect != "postgresql":
        return update(UserStats).where(UserStats.user_id == bindparam("uid")).values(
            {name: bindparam(f"v_{name}") for name in _STATS_FIELDS})
    arrays = [bindparam("uids", type_=pg_array(BigInteger()))] + [
        bindparam(f"v_{name}", type_=pg_array(column.type)) for name, column in zip(_STATS_FIELDS, STATS_COLUMNS,
                                                                                    strict=True)]
    rows = func.unnest(*arrays).table_valued("uid", *_STATS_FIELDS).render_derived(name="v")
    pending = fold_statements(dialect).save_pending.cte("pending")
    return (update(UserStats).where(UserStats.user_id == rows.c.uid)
            .values({name: rows.c[name] for name in _STATS_FIELDS}).add_cte(pending))


def _stats_params(stats: dict[int, StatsRow], pending: Sequence[PendingDelta],
                  dialect: str) -> dict[str, Any] | list[dict[str, Any]]:
    """The `save_stats` parameters of these learners' stats rows: on PostgreSQL one array per field, and the deltas."""
    if dialect == "postgresql":
        rows = stats.values()
        return {"uids": list(stats), **{f"v_{name}": [getattr(row, name) for row in rows] for name in _STATS_FIELDS},
                **pending_params(pending)}
    return [{"uid": user_id, **{f"v_{name}": getattr(row, name) for name in _STATS_FIELDS}}
            for user_id, row in stats.items()]


def _review_params(saved: SavedReview) -> dict[str, Any]:
    """The `save_review` parameters of a card."""
    stability, last_review = memory_of(saved.review.card)
    return {"user_id": saved.user_id, "course_id": saved.course_id, "question_id": saved.question_id,
            "card": saved.review.card,
            "due": saved.due, "reviews": saved.review.reviews, "lapses": saved.review.lapses,
            "last_correct_at": saved.last_correct_at, "topic_id": saved.topic_id,
            "stability": stability, "last_review": last_review,
            "quiz_answers": saved.quiz_answers, "quiz_right": saved.quiz_right}


class AnswerStore(SessionStore):
    """Recording answers exactly once, with the totals, cards and board scores they change; the boards."""

    async def claim_answers(self, rows: Sequence[dict[str, Any]], cards: Sequence[CardKey]) -> ClaimedAnswers:
        """Insert answers in order, lock their users' stats rows and read their cards, for this transaction.

        An answer is inserted unless its instance or delivery is already recorded (also by an
        earlier row); stats rows are locked in user-id order; the cards read are the existing ones
        among `cards` (user, course and question ids), as they are under that lock (a new statement, so a
        new snapshot: it includes any answer committed meanwhile).
        """
        prepared = statements(self.dialect)
        result = await self._execute(prepared.insert_answers, list(rows))
        inserted = {(row[0], row[1], row[2]) for row in result}
        locked = await self._execute(prepared.lock_stats, {"uids": sorted({row["user_id"] for row in rows})})
        stats = {row[0]: StatsRow(*row[1:]) for row in locked}
        return ClaimedAnswers(inserted, stats, await self.reviews(cards))

    async def reviews(self, cards: Sequence[CardKey]) -> dict[CardKey, ReviewRow]:
        """The FSRS cards with these keys that exist (read them after `lock_stats`)."""
        keys = sorted(set(cards))
        params: dict[str, Any] = (
            {"uids": [k[0] for k in keys], "cids": [k[1] for k in keys], "qids": [k[2] for k in keys]}
            if self.dialect == "postgresql"
            else {"keys": keys}
        )
        rows = await self._execute(statements(self.dialect).read_reviews, params)
        return {(row[0], row[1], row[2]): ReviewRow(row[3], row[4], row[5]) for row in rows}

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
        self, stats: dict[int, StatsRow], reviews: Sequence[SavedReview], voided: Sequence[tuple[int, str]],
        pending: Sequence[PendingDelta] = (),
    ) -> None:
        """Write several users' totals, cards (at most one per user and question) and pending board scores.

        A card's quiz counts are added to those it has (a new card starts from them). The `voided`
        (user id, instance) answers get zero points. The `pending` scores wait in `pending_scores` for the
        next fold (`fold_scores`), which puts them on the boards; on PostgreSQL they are written by
        the totals' statement (see `_save_stats`).
        """
        prepared = statements(self.dialect)
        if stats:
            await self._execute(prepared.save_stats, _stats_params(stats, pending, self.dialect))
        if reviews:
            await self._execute(prepared.save_review, [_review_params(r) for r in reviews])
        if voided:
            await self.void_points(voided)
        if pending and not (stats and self.dialect == "postgresql"):  # there the totals' statement wrote them
            await self._execute(fold_statements(self.dialect).save_pending, pending_params(pending))

    async def fold_scores(self, limit: int) -> int:
        """Add up to `limit` of the oldest pending scores to their board rows and delete them; how many were taken.

        Folds (and recounts) take turns through one lock on PostgreSQL (SQLite has one writer at a
        time), so the board rows are never written by two at once; a pending row is counted by the
        transaction that deletes it, so exactly once.
        """
        prepared = fold_statements(self.dialect)
        if prepared.lock is not None:
            await self._execute(prepared.lock)
        if prepared.fold is not None:
            return int((await self._execute(prepared.fold, {"n": limit})).scalar_one())
        taken, last = (await self._execute(prepared.oldest, {"n": limit})).one()
        if taken:
            await self._execute(prepared.add, {"last": last})
            await self._execute(prepared.forget, {"last": last})
        return int(taken)

    async def fold_every_score(self) -> None:
        """Fold every pending score in this transaction: before a recount, or before reading or deleting a learner."""
        while await self.fold_scores(FOLD_BATCH) == FOLD_BATCH:
            pass

    async def leaderboard(self, board: Board, limit: int, user_id: int | None = None) -> BoardTop:
        """The top learners of one board, ties broken, and where `user_id` stands on it (their row), in one read.

        A learner hidden by `/study privacy hide` is named "a learner" (`board_name`). The caller's
        row is None when they have no points on the board (or none is asked for).
        """
        rows = (await self._execute(top_statement(limit), {**board.params(), "uid": user_id})).all()
        top = [BoardRow(uid, board_name(name, ext, bool(hidden)), int(p), int(c))
               for uid, name, ext, hidden, p, c, *_own in rows]
        own = rows[0][6:] if rows else None
        mine = OwnScore(int(own[0]), int(own[1]), own[2], int(own[3]), int(own[4])) if own and own[0] else None
        return BoardTop(top, mine)

    async def ties_between(self, board: Board, own: OwnScore, after: Mark | None) -> int:
        """The learners level with `own` who are ahead of it but behind the mark `after` (or from the group's start)."""
        after_at, after_uid = (after.first_at, after.user_id) if after is not None else (GROUP_START, 0)
        params = {**board.params(), "points": own.points, "correct": own.correct, "own_at": own.first_at,
                  "uid": own.user_id, "after_at": after_at, "after_uid": after_uid}
        return int((await self._execute(board_statements().ties_between, params)).scalar_one())

    async def board_counts(self, board: Board) -> list[tuple[tuple[int, int], int]]:
        """How many learners have each (points, right answers) on that board, in the board's order."""
        rows = await self._execute(board_statements().counts, board.params())
        return [((int(p), int(c)), int(n)) for p, c, n in rows]

    async def board_marks(self, board: Board) -> list[Mark]:
        """Every TIE_STEP-th learner of each group level on points and right answers, with their place in it."""
        rows = await self._execute(board_statements().marks, board.params())
        return [Mark(int(p), int(c), at, int(uid), int(place)) for p, c, at, uid, place in rows]

    async def rebuild_scores(self, workspace_id: int, tz: str, since: dt.date) -> None:
        """Recount a workspace's week and month scores from `since` on, from its answers, in timezone `tz`.

        The learners' stats rows are locked first, in user-id order as the answer path does, so no
        answer of theirs is recorded halfway through; then every pending score is folded, so none
        that the recount includes is added again later.
        """
        await self._execute(
            select(UserStats.user_id)
            .where(UserStats.user_id.in_(select(User.id).where(User.workspace_id == workspace_id)))
            .order_by(UserStats.user_id)
            .with_for_update()
        )
        await self.fold_every_score()
        first, last = (await self._execute(answer_span(workspace_id))).one()
        span = (first, last) if first is not None else None
        for stmt in rebuild_statements(workspace_id, tz, since, span):
            await self._execute(stmt)
