"""The boards' scores: per learner and period, kept by the answer path, read for the top and for one's rank.

A row of `scores` holds what a learner earned in one period of one course of their workspace (or
of all its courses together, ALL_COURSES): the points, the right answers and the moment of their
first answer in it. The board orders by points, then right
answers, then who answered first in the period, then user id; the index `ix_scores_board` holds
exactly that order, so the top of a board is an index range read whatever the number of answers.

Answers do not update those rows themselves: every such update writes a new row version and two
index entries, six times per answer. A batch of answers writes one `pending_scores` row per
learner, course, week and month instead, and a fold (`fold_statements`, run by
`bot.usecases.scoring.ScoreFolder` soon after each batch) adds every pending row to its six board
rows and deletes it, in one transaction. Under load one fold carries the answers of many batches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Integer,
    String,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
    tuple_,
)
from sqlalchemy.sql.expression import ColumnElement, Executable

from bot.domain.periods import ALL_TIME, Period, first_day, local_day, local_midnight, next_key, period_key
from bot.store.base import dialect_insert, pg_array
from bot.store.models import ALL_COURSES, Answer, PendingScore, Score, User

PERIODS = tuple(Period)


@dataclass(frozen=True)
class ScoreDelta:
    """What a fold adds to one learner's score in one period of one board."""

    workspace_id: int
    course_id: str
    period: Period
    starts_on: dt.date
    user_id: int
    points: int
    correct: int
    first_at: dt.datetime

    @property
    def key(self) -> tuple[int, str, str, dt.date, int]:
        """The row's primary key, in the order rows are written (and locked)."""
        return (self.workspace_id, self.course_id, self.period.value, self.starts_on, self.user_id)


@dataclass(frozen=True)
class Board:
    """One leaderboard: a workspace's course (or ALL_COURSES) in the period beginning on `starts_on`."""

    workspace_id: int
    course_id: str
    period: Period
    starts_on: dt.date

    def params(self) -> dict[str, Any]:
        """The bound parameters that pick this board's rows."""
        return {"ws": self.workspace_id, "course": self.course_id, "period": self.period.value, "day": self.starts_on}


@dataclass(frozen=True)
class OwnScore:
    """One learner's row on a board: what orders them among the others, and who is level but ahead.

    `ties_ahead`: the learners with as many points and right answers who answered first (or at
    once, with a lower user id), counted up to TIE_STEP: at TIE_STEP there may be more.
    """

    points: int
    correct: int
    first_at: dt.datetime
    user_id: int
    ties_ahead: int


@dataclass(frozen=True)
class Mark:
    """Every TIE_STEP-th learner of a group level on points and right answers, in the board's order.

    `place`: where they stand in their group (TIE_STEP, 2 * TIE_STEP, ...), so the ties ahead of a
    learner behind them are `place` plus those between the two.
    """

    points: int
    correct: int
    first_at: dt.datetime
    user_id: int
    place: int


@dataclass(frozen=True)
class PendingDelta:
    """What a batch of answers adds to one learner's scores in one course, week and month (a `pending_scores` row)."""

    workspace_id: int
    course_id: str
    user_id: int
    week_on: dt.date
    month_on: dt.date
    points: int
    correct: int
    first_at: dt.datetime

    def plus(self, points: int, correct: int, at: dt.datetime) -> PendingDelta:
        """This delta with one more answer's points, right answer and time added."""
        return dataclasses.replace(self, points=self.points + points, correct=self.correct + correct,
                                   first_at=min(self.first_at, at))


PendingKey = tuple[int, str, int, dt.date, dt.date]  # workspace, course, user, week, month
DeltaKey = tuple[int, str, Period, dt.date, int]  # workspace, course, period, its first day, user


def add_answer(pending: dict[PendingKey, PendingDelta], workspace_id: int, course_id: str, user_id: int,
               tz: str, at: dt.datetime, points: int, correct: bool) -> None:
    """Add one new answer (its points as earned) to the batch's pending scores, in its local week and month."""
    day = local_day(at, tz)
    key = (workspace_id, course_id, user_id, first_day(Period.WEEK, day), first_day(Period.MONTH, day))
    before = pending.get(key)
    pending[key] = (PendingDelta(*key, points, int(correct), at) if before is None
                    else before.plus(points, int(correct), at))


def board_deltas(pending: Iterable[PendingDelta]) -> list[ScoreDelta]:
    """The board rows pending scores add to: their course's and the overall board's week, month and all time.

    A fold carries thousands of pending rows, six board rows each, so the sums are kept as plain
    lists (points, right answers, first answer) and made into deltas once per board row.
    """
    sums: dict[DeltaKey, list[Any]] = {}
    for p in pending:
        for course in (p.course_id, ALL_COURSES):
            for period, starts_on in ((Period.WEEK, p.week_on), (Period.MONTH, p.month_on), (Period.ALL, ALL_TIME)):
                key = (p.workspace_id, course, period, starts_on, p.user_id)
                total = sums.get(key)
                if total is None:
                    sums[key] = [p.points, p.correct, p.first_at]
                else:
                    total[0] += p.points
                    total[1] += p.correct
                    total[2] = min(total[2], p.first_at)
    return [ScoreDelta(*key, *total) for key, total in sums.items()]


_PENDING_ARRAYS: dict[str, Any] = {
    "workspace_id": BigInteger(), "course_id": String(), "user_id": BigInteger(), "week_on": Date(),
    "month_on": Date(), "points": Integer(), "correct": Integer(), "first_at": DateTime(timezone=True),
}


def pending_params(pending: Sequence[PendingDelta], dialect: str) -> dict[str, Any] | list[dict[str, Any]]:
    """The `save_pending` parameters of these pending scores: one array per column on PostgreSQL."""
    rows = [{name: getattr(p, name) for name in _PENDING_ARRAYS} for p in pending]
    if dialect == "postgresql":
        return {name: [row[name] for row in rows] for name in _PENDING_ARRAYS}
    return rows


FOLD_LOCK = 0x5C04E5  # the PostgreSQL advisory lock that folds (and recounts) take in turn
FOLD_BATCH = 5000  # pending rows one fold transaction takes at most


@dataclass(frozen=True)
class FoldStatements:
    """Writing pending scores, and taking them for a fold: built once per dialect."""

    save_pending: Any
    take_pending: Any
    lock: Any | None  # PostgreSQL's advisory lock; SQLite has one writer at a time already


@functools.cache
def fold_statements(dialect: str) -> FoldStatements:
    """The pending scores' statements for this dialect, built once."""
    save_pending: Any = insert(PendingScore)
    if dialect == "postgresql":  # one array per column: one statement text, one round trip, whatever the batch
        rows = func.unnest(*(bindparam(name, type_=pg_array(kind)) for name, kind in _PENDING_ARRAYS.items())
                           ).table_valued(*_PENDING_ARRAYS).render_derived(name="rows")
        save_pending = insert(PendingScore).from_select(list(_PENDING_ARRAYS), select(*rows.c))
    oldest = select(PendingScore.id).order_by(PendingScore.id).limit(bindparam("n", type_=Integer())).scalar_subquery()
    take_pending = delete(PendingScore).where(PendingScore.id.in_(oldest)).returning(
        *(getattr(PendingScore, name) for name in _PENDING_ARRAYS)
    )
    lock = select(func.pg_advisory_xact_lock(literal(FOLD_LOCK, BigInteger()))) if dialect == "postgresql" else None
    return FoldStatements(save_pending=save_pending, take_pending=take_pending, lock=lock)


_SCORE_ARRAYS: dict[str, Any] = {
    "workspace_id": BigInteger(), "course_id": String(), "period": String(), "starts_on": Date(),
    "user_id": BigInteger(),
    "points": Integer(), "correct": Integer(), "first_at": DateTime(timezone=True),
}


def delta_params(deltas: Sequence[ScoreDelta], dialect: str) -> dict[str, Any] | list[dict[str, Any]]:
    """The `save_scores` parameters of these deltas, in key order: one array per column on PostgreSQL."""
    rows = [
        {"workspace_id": d.workspace_id, "course_id": d.course_id, "period": d.period.value,
         "starts_on": d.starts_on, "user_id": d.user_id, "points": d.points, "correct": d.correct,
         "first_at": d.first_at}
        for d in sorted(deltas, key=lambda d: d.key)
    ]
    if dialect == "postgresql":
        return {name: [row[name] for row in rows] for name in _SCORE_ARRAYS}
    return rows


TIE_STEP = 256  # ties counted from the board's index per read at most: the spacing of the marks
GROUP_START = dt.datetime(1, 1, 2, tzinfo=dt.UTC)  # before any answer: `ties_between` a group's start and a learner


@dataclass(frozen=True)
class BoardStatements:
    """The boards' statements, built once per dialect and reused with parameters."""

    save_scores: Any
    ties_between: Any
    counts: Any
    marks: Any


def _on_board() -> ColumnElement[bool]:
    """The rows of one board (bound: ws, course, period, day) that are shown: those with points."""
    shown = Score.points > literal_column("0", Integer)  # 0 written in: a generic plan knows the range too
    return and_(*_board_keys(Score), shown)


@functools.cache
def board_statements(dialect: str) -> BoardStatements:
    """The boards' statements for this dialect, built once."""
    upsert = dialect_insert(dialect, Score)
    if dialect == "postgresql":  # one array per column: one statement text, one round trip, whatever the batch
        rows = func.unnest(*(bindparam(name, type_=pg_array(kind)) for name, kind in _SCORE_ARRAYS.items())
                           ).table_valued(*_SCORE_ARRAYS).render_derived(name="rows")
        upsert = dialect_insert(dialect, Score).from_select(list(_SCORE_ARRAYS), select(*rows.c))
    excluded = upsert.excluded
    earliest = func.least if dialect == "postgresql" else func.min  # SQLite's min() of two values
    save_scores = upsert.on_conflict_do_update(
        index_elements=["workspace_id", "course_id", "period", "starts_on", "user_id"],
        set_={
            "points": Score.points + excluded.points,
            "correct": Score.correct + excluded.correct,
            "first_at": earliest(Score.first_at, excluded.first_at),
        },
    )
    # Those of a group between a mark (exclusive) and the learner: fewer than TIE_STEP while the marks are fresh.
    level = Score.__table__.alias("level")
    at_type = Score.first_at.type
    ties_between = select(func.count()).select_from(level).where(
        *_level_with(level, bindparam("points", type_=Integer()), bindparam("correct", type_=Integer())),
        tuple_(level.c.first_at, level.c.user_id) > tuple_(bindparam("after_at", type_=at_type),
                                                          bindparam("after_uid", type_=BigInteger())),
        _before(level, bindparam("own_at", type_=at_type), bindparam("uid", type_=BigInteger())),
    )
    counts = (
        select(Score.points, Score.correct, func.count())
        .where(_on_board())
        .group_by(Score.points, Score.correct)
        .order_by(Score.points.desc(), Score.correct.desc())
    )
    # Each learner's place in their group: their place on the board less their group's first place,
    # both of one walk of the index in the board's order.
    board_place = func.row_number().over(order_by=(Score.points.desc(), Score.correct.desc(), Score.first_at,
                                                   Score.user_id))
    group_first = func.rank().over(order_by=(Score.points.desc(), Score.correct.desc()))
    placed = select(Score.points, Score.correct, Score.first_at, Score.user_id,
                    (board_place - group_first + 1).label("place")).where(_on_board()).subquery()
    marks = select(*placed.c).where(placed.c.place % TIE_STEP == 0)
    return BoardStatements(save_scores=save_scores, ties_between=ties_between, counts=counts, marks=marks)


def _board_keys(table: Any) -> tuple[ColumnElement[bool], ...]:
    """The rows of `table` on one board (bound: ws, course, period, day)."""
    return (table.workspace_id == bindparam("ws"), table.course_id == bindparam("course"),
            table.period == bindparam("period"), table.starts_on == bindparam("day"))


def _level_with(level: Any, points: Any, correct: Any) -> tuple[ColumnElement[bool], ...]:
    """The rows of the alias `level` on the bound board with these points and right answers."""
    return (*_board_keys(level.c), level.c.points == points, level.c.correct == correct)


def _before(level: Any, first_at: Any, user_id: Any) -> ColumnElement[bool]:
    """Rows of `level` ahead of (first_at, user_id) within their group: who answered first, then the lower id."""
    return tuple_(level.c.first_at, level.c.user_id) < tuple_(first_at, user_id)


@functools.cache
def top_statement(limit: int) -> Any:
    """A board's first `limit` learners with their names, each row with the caller's own row (bound: uid) beside it.

    The limit is written in, so every plan walks the index. The caller's row (NULLs when they have
    no points there) holds their points, right answers, first answer, id, and how many level with
    them on points and right answers answered first (or at once, with a lower id), up to TIE_STEP:
    within a group the index runs by (first_at, user_id), so that is one short range of it however
    large the group. One statement reads the board and where the caller stands on it.
    """
    mine = Score.__table__.alias("mine")
    level = Score.__table__.alias("level")
    ahead = select(literal_column("1")).select_from(level).where(
        *_level_with(level, mine.c.points, mine.c.correct), _before(level, mine.c.first_at, mine.c.user_id),
    ).limit(literal_column(str(TIE_STEP), Integer)).correlate(mine).subquery()
    own = select(mine.c.points, mine.c.correct, mine.c.first_at, mine.c.user_id,
                 select(func.count()).select_from(ahead).scalar_subquery().label("ties")).where(
        *_board_keys(mine.c), mine.c.user_id == bindparam("uid"), mine.c.points > literal_column("0", Integer),
    ).subquery("own")
    return (
        select(Score.user_id, User.display_name, User.external_id, User.hidden, Score.points, Score.correct, *own.c)
        .join(User, User.id == Score.user_id)
        .outerjoin(own, true())
        .where(_on_board(), User.workspace_id == bindparam("ws"))
        .order_by(Score.points.desc(), Score.correct.desc(), Score.first_at, Score.user_id)
        .limit(literal_column(str(int(limit)), Integer))
    )


def rebuild_statements(workspace_id: int, tz: str, since: dt.date | None,
                       span: tuple[dt.datetime, dt.datetime] | None) -> list[Executable]:
    """Statements that recompute a workspace's scores from its answers, each period counted in `tz`.

    Each period is counted per course and over all courses (ALL_COURSES).

    `span` is the first and last answer's time (None when there are none). With `since`, only the
    week and month periods beginning on or after that local date are recomputed (what a change of
    the workspace's timezone moves); without it, every period, all time included.
    """
    periods = (Period.WEEK, Period.MONTH) if since is not None else PERIODS
    scope = and_(Score.workspace_id == workspace_id, Score.period.in_([p.value for p in periods]))
    if since is not None:
        scope = and_(scope, Score.starts_on >= since)
    statements: list[Executable] = [delete(Score).where(scope)]
    if span is None:
        return statements
    first, last = span
    for period in periods:
        if period is Period.ALL:
            statements.extend(_sums_into(workspace_id, Period.ALL, ALL_TIME, None, None))
            continue
        day = period_key(period, first, tz)
        if since is not None:  # the first period beginning on or after `since`
            start = first_day(period, since)
            day = max(day, start if start >= since else next_key(period, start))
        while local_midnight(day, tz) <= last:
            after = next_key(period, day)
            statements.extend(_sums_into(workspace_id, period, day, local_midnight(day, tz), local_midnight(after, tz)))
            day = after
    return statements


def _sums_into(workspace_id: int, period: Period, day: dt.date, since: dt.datetime | None,
               until: dt.datetime | None) -> list[Executable]:
    """INSERTs of the sums of one period's answers (in [since, until)): per course and learner, and per learner."""
    conditions = [Answer.workspace_id == workspace_id]
    if since is not None:
        conditions.append(Answer.answered_at >= since)
    if until is not None:
        conditions.append(Answer.answered_at < until)
    columns = ["workspace_id", "course_id", "period", "starts_on", "user_id", "points", "correct", "first_at"]
    inserts: list[Executable] = []
    for course, grouping in ((Answer.course_id, (Answer.course_id, Answer.user_id)),
                             (literal(ALL_COURSES, Score.course_id.type), (Answer.user_id,))):
        summed = (
            select(
                literal(workspace_id, Score.workspace_id.type),
                course,
                literal(period.value, Score.period.type),
                literal(day, Score.starts_on.type),
                Answer.user_id,
                func.sum(Answer.points),
                func.sum(case((Answer.correct, 1), else_=0)),
                func.min(Answer.answered_at),
            )
            .where(*conditions)
            .group_by(*grouping)
        )
        inserts.append(insert(Score).from_select(columns, summed))
    return inserts


def answer_span(workspace_id: int) -> Executable:
    """The first and last answer's time in a workspace."""
    return select(func.min(Answer.answered_at), func.max(Answer.answered_at)).where(
        Answer.workspace_id == workspace_id
    )
