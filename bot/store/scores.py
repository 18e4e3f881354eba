"""The boards' scores: per learner and period, kept by the answer path, read for the top and for one's rank.

A row of `scores` holds what a learner earned in one period of one course of their workspace (or
of all its courses together, ALL_COURSES): the points, the right answers and the moment of their
first answer in it. The board orders by points, then right
answers, then who answered first in the period, then user id; the index `ix_scores_board` holds
exactly that order, so the top of a board is an index range read whatever the number of answers.

Answers do not update those rows themselves: every such update writes a new row version and two
index entries, six times per answer. A batch of answers writes one `pending_scores` row instead,
holding its deltas (one per learner, course, week and month) as JSON, and a fold
(`fold_statements`, run by `bot.usecases.scoring.ScoreFolder` soon after each batch) adds every
delta of the pending rows to its six board rows and deletes the rows, in one transaction. Under
load one fold carries the answers of many batches.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Integer,
    String,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
    tuple_,
    type_coerce,
    union_all,
)
from sqlalchemy.sql.expression import ColumnElement, Executable

from bot.domain.periods import ALL_TIME, Period, first_day, local_day, local_midnight, next_key, period_key
from bot.store.base import dialect_insert
from bot.store.models import ALL_COURSES, Answer, PendingScore, Score, User, UTCDateTime

PERIODS = tuple(Period)
_SCORE_COLUMNS = ("workspace_id", "course_id", "period", "starts_on", "user_id", "points", "correct", "first_at")
_SCORE_KEY = _SCORE_COLUMNS[:5]  # a board row's primary key


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


class PendingDelta(NamedTuple):
    """What a batch of answers adds to one learner's scores in one course, week and month.

    A tuple in the order of a delta in `pending_scores.deltas` (see `_DELTA_TYPES`), made for
    every new answer.
    """

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
        return self._replace(points=self.points + points, correct=self.correct + correct,
                             first_at=min(self.first_at, at))


PendingKey = tuple[int, str, int, dt.date, dt.date]  # workspace, course, user, week, month
_PENDING_KEY = PendingDelta._fields[:5]  # the fields of a PendingKey


@functools.lru_cache(maxsize=64)
def _week_and_month(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first days of the week and the month `day` is in (a batch's answers share a few days)."""
    return first_day(Period.WEEK, day), first_day(Period.MONTH, day)


def add_answer(pending: dict[PendingKey, PendingDelta], workspace_id: int, course_id: str, user_id: int,
               tz: str, at: dt.datetime, points: int, correct: bool) -> None:
    """Add one new answer (its points as earned) to the batch's pending scores, in its local week and month."""
    key = (workspace_id, course_id, user_id, *_week_and_month(local_day(at, tz)))
    before = pending.get(key)
    pending[key] = (PendingDelta(*key, points, int(correct), at) if before is None
                    else before.plus(points, int(correct), at))


_DELTA_TYPES: dict[str, Any] = dict(zip(PendingDelta._fields, (
    BigInteger(), String(), BigInteger(), Date(), Date(), Integer(), Integer(), UTCDateTime(),
), strict=True))  # each value's type, in a delta's order


@functools.lru_cache(maxsize=64)
def _iso_day(day: dt.date) -> str:
    """A day as JSON holds it in a delta: `2026-11-30` (a batch's deltas share a few days)."""
    return day.isoformat()


def _utc_text(at: dt.datetime) -> str:
    """A moment as JSON holds it in a delta: UTC, `2026-11-30 09:15:00.000000`, as SQLite stores a moment."""
    utc = at if at.tzinfo is dt.UTC else at.astimezone(dt.UTC)
    return utc.isoformat(" ", "microseconds")[:26]  # without its "+00:00"


def pending_params(pending: Sequence[PendingDelta]) -> dict[str, Any]:
    """The `save_pending` parameters of a batch's pending scores: its one row's deltas, as JSON lists."""
    return {"deltas": [[p.workspace_id, p.course_id, p.user_id, _iso_day(p.week_on), _iso_day(p.month_on),
                        p.points, p.correct, _utc_text(p.first_at)] for p in pending]}


FOLD_LOCK = 0x5C04E5  # the PostgreSQL advisory lock that folds (and recounts) take in turn
FOLD_BATCH = 200  # pending rows (batches of answers) one fold transaction takes at most


@dataclass(frozen=True)
class FoldStatements:
    """Writing pending scores, and folding them into the boards: built once per dialect.

    On PostgreSQL `fold` is one statement: it deletes the oldest pending rows (bound: n), adds
    their deltas to their board rows and counts the rows. SQLite cannot delete in a WITH clause,
    so there a fold counts the oldest rows (`oldest`, their count and last id), adds them (`add`,
    bound: last) and deletes them (`forget`), three statements in the fold's transaction, which
    holds SQLite's one write lock from its start.
    """

    save_pending: Any  # bound: deltas
    lock: Any | None  # PostgreSQL's advisory lock; SQLite has one writer at a time already
    fold: Any | None  # PostgreSQL
    oldest: Any | None  # SQLite, then add and forget
    add: Any | None
    forget: Any | None


@functools.cache
def fold_statements(dialect: str) -> FoldStatements:
    """The pending scores' statements for this dialect, built once."""
    oldest = select(PendingScore.id).order_by(PendingScore.id).limit(bindparam("n", type_=Integer())).subquery()
    save_pending = insert(PendingScore).values(deltas=bindparam("deltas", type_=PendingScore.deltas.type))
    if dialect == "postgresql":
        taken = delete(PendingScore).where(PendingScore.id.in_(select(oldest.c.id))).returning(
            PendingScore.deltas).cte("taken")
        added = _add_to_boards(dialect, _deltas_of(dialect, taken)).cte("added")
        return FoldStatements(
            save_pending=save_pending,
            lock=select(func.pg_advisory_xact_lock(literal(FOLD_LOCK, BigInteger()))),
            fold=select(func.count()).select_from(taken).add_cte(added),
            oldest=None, add=None, forget=None,
        )
    upto = PendingScore.id <= bindparam("last", type_=BigInteger())
    return FoldStatements(
        save_pending=save_pending, lock=None, fold=None,
        oldest=select(func.count(), func.max(oldest.c.id)),
        add=_add_to_boards(dialect, _deltas_of(dialect, select(PendingScore.deltas).where(upto).subquery("taken"))),
        forget=delete(PendingScore).where(upto),
    )


def _deltas_of(dialect: str, taken: Any) -> Any:
    """The deltas of the pending rows `taken`, summed per learner, course, week and month, of learners still kept.

    In `PendingDelta`'s columns. Summed before they are spread over six board rows each: under
    load a fold takes many batches of the same learners. A delta of a learner deleted since
    (`/study forget-me`) is left out: their scores are gone too.
    """
    if dialect == "postgresql":
        element = func.jsonb_array_elements(taken.c.deltas).table_valued("value").lateral("delta")

        def value(i: int, kind: Any) -> ColumnElement[Any]:
            text = element.c.value.op("->>")(literal_column(str(i)))
            if isinstance(kind, UTCDateTime):  # the text is UTC: a timestamp read in UTC
                return type_coerce(func.timezone(literal("UTC"), cast(text, DateTime())), kind)
            return cast(text, kind)
    else:
        element = func.json_each(taken.c.deltas).table_valued("value").alias("delta")  # correlated without LATERAL

        def value(i: int, kind: Any) -> ColumnElement[Any]:  # JSON's text and numbers are what SQLite stores
            return type_coerce(func.json_extract(element.c.value, f"$[{i}]"), kind)

    columns = [value(i, kind).label(name) for i, (name, kind) in enumerate(_DELTA_TYPES.items())]
    unpacked = select(*columns).select_from(taken).join(element, true()).subquery("unpacked")
    key = [unpacked.c[name] for name in _PENDING_KEY]
    kept = select(User.id).where(User.id == unpacked.c.user_id).exists()
    return select(*key, func.sum(unpacked.c.points).label("points"), func.sum(unpacked.c.correct).label("correct"),
                  func.min(unpacked.c.first_at).label("first_at")).group_by(*key).having(kept).subquery("deltas")


_BOARD_ROWS = union_all(*(
    select(literal_column(str(int(overall)), Integer).label("overall"),
           literal_column(f"'{period.value}'", String).label("period"))
    for overall in (False, True) for period in PERIODS
)).subquery("board_rows")  # the six board rows of a delta: its course's and the overall board's, each period


def _add_to_boards(dialect: str, taken: Any) -> Any:
    """The upsert that adds the deltas of `taken` to their six board rows each, summed per board row.

    Each delta counts on its course's board and on the overall one (ALL_COURSES), in its week,
    its month and all time.
    """
    course = case((_BOARD_ROWS.c.overall == 1, literal_column(f"'{ALL_COURSES}'", String)), else_=taken.c.course_id)
    starts_on = case((_BOARD_ROWS.c.period == Period.WEEK.value, taken.c.week_on),
                     (_BOARD_ROWS.c.period == Period.MONTH.value, taken.c.month_on),
                     else_=literal(ALL_TIME, Date()))
    spread = select(taken.c.workspace_id, course.label("course_id"), _BOARD_ROWS.c.period,
                    starts_on.label("starts_on"), taken.c.user_id, taken.c.points, taken.c.correct,
                    taken.c.first_at).select_from(taken).join(_BOARD_ROWS, true()).subquery("spread")
    key = (spread.c.workspace_id, spread.c.course_id, spread.c.period, spread.c.starts_on, spread.c.user_id)
    sums = (select(*key, func.sum(spread.c.points), func.sum(spread.c.correct), func.min(spread.c.first_at))
            .where(true())  # SQLite reads ON CONFLICT after a SELECT only when it has a WHERE
            .group_by(*key).order_by(*key))  # the board rows in key order, as they are locked
    upsert = dialect_insert(dialect, Score).from_select(list(_SCORE_COLUMNS), sums)
    earliest = func.least if dialect == "postgresql" else func.min  # SQLite's min() of two values
    return upsert.on_conflict_do_update(
        index_elements=list(_SCORE_KEY),
        set_={
            "points": Score.points + upsert.excluded.points,
            "correct": Score.correct + upsert.excluded.correct,
            "first_at": earliest(Score.first_at, upsert.excluded.first_at),
        },
    )


TIE_STEP = 256  # ties counted from the board's index per read at most: the spacing of the marks
GROUP_START = dt.datetime(1, 1, 2, tzinfo=dt.UTC)  # before any answer: `ties_between` a group's start and a learner


@dataclass(frozen=True)
class BoardStatements:
    """The boards' reads, built once and reused with parameters."""

    ties_between: Any
    counts: Any
    marks: Any


def _on_board() -> ColumnElement[bool]:
    """The rows of one board (bound: ws, course, period, day) that are shown: those with points."""
    shown = Score.points > literal_column("0", Integer)  # 0 written in: a generic plan knows the range too
    return and_(*_board_keys(Score), shown)


@functools.cache
def board_statements() -> BoardStatements:
    """The boards' statements, built once (the same on both dialects)."""
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
    return BoardStatements(ties_between=ties_between, counts=counts, marks=marks)


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
        inserts.append(insert(Score).from_select(list(_SCORE_COLUMNS), summed))
    return inserts


def answer_span(workspace_id: int) -> Executable:
    """The first and last answer's time in a workspace."""
    return select(func.min(Answer.answered_at), func.max(Answer.answered_at)).where(
        Answer.workspace_id == workspace_id
    )
