"""Batches of answers on PostgreSQL: two statements on the driver's own connection.

The answer hot path runs here instead of through the ORM session: a batch is `BEGIN`, `CLAIM`,
`SAVE` and `COMMIT` on an asyncpg connection borrowed from the engine's pool, which costs about
half the Python time per batch of going through SQLAlchemy. Each statement takes one array per
column, so it has one text whatever the batch size and asyncpg prepares it once per connection.

`CLAIM` inserts the answers in order (skipping any whose instance or delivery is already recorded,
also by an earlier row of the same batch), locks the learners' stats rows in user-id order and
reads their cards; `SAVE` writes the new stats, upserts the FSRS cards and takes the points back
from answers that earned none. Driver errors leave as SQLAlchemy's exceptions, like everywhere else.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.models import Answer
from bot.store.repository import Claim, ReviewRow, SavedReview, StatsRow


class _Parameters:
    """Numbers the parameters of a statement as it is written: `$1`, `$2`, ... in order of use."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def array(self, name: str, kind: str) -> str:
        """A parameter holding an array of `kind`."""
        self.names.append(name)
        return f"CAST(${len(self.names)} AS {kind}[])"

    def unnest(self, columns: dict[str, str], prefix: str = "") -> str:
        """`unnest(...)` of one array parameter per column."""
        return "unnest(" + ", ".join(self.array(prefix + name, kind) for name, kind in columns.items()) + ")"


# The answers columns and their PostgreSQL types.
ANSWER_ARRAYS = {
    "user_id": "BIGINT",
    "workspace_id": "BIGINT",
    "question_id": "VARCHAR",
    "topic_id": "VARCHAR",
    "kind": "VARCHAR",
    "instance": "VARCHAR",
    "delivery_key": "VARCHAR",
    "choice": "INTEGER",
    "correct": "BOOLEAN",
    "points": "INTEGER",
    "local_day": "DATE",
    "answered_at": "TIMESTAMPTZ",
}
STATS_ARRAYS = {
    "points": "INTEGER",
    "answers": "INTEGER",
    "correct": "INTEGER",
    "current_streak": "INTEGER",
    "best_streak": "INTEGER",
    "last_active_day": "DATE",
    "freeze_used_on": "DATE",
}
REVIEW_ARRAYS = {
    "user_id": "BIGINT",
    "question_id": "VARCHAR",
    "card": "TEXT",
    "due": "TIMESTAMPTZ",
    "reviews": "INTEGER",
    "lapses": "INTEGER",
    "last_correct_at": "TIMESTAMPTZ",
}
_ANSWER_COLUMNS = ", ".join(ANSWER_ARRAYS)
_STATS_COLUMNS = ", ".join(STATS_ARRAYS)
_NULL_STATS = ", ".join(f"CAST(NULL AS {kind})" for kind in STATS_ARRAYS.values())


def _cards(user_ids: str, question_ids: str) -> str:
    """The existing cards among the (user id, question id) pairs of two array parameters."""
    return f"""SELECT review_states.user_id, review_states.question_id, card, reviews, lapses
    FROM review_states
    JOIN unnest({user_ids}, {question_ids}) AS wanted(user_id, question_id)
    ON review_states.user_id = wanted.user_id AND review_states.question_id = wanted.question_id"""


def _claim() -> tuple[str, tuple[str, ...]]:
    # One row per answer inserted now ('answer': user, instance, delivery key), per locked stats row
    # ('stats': user, the totals, and whether the row changed after this statement's snapshot), and
    # per existing card asked for ('card': user, question, card, reviews, lapses).
    #
    # The cards are read with the statement's snapshot, taken before any wait for a lock. Cards are
    # only written while their learner's stats row is locked, together with new totals, so a card read
    # here is current unless its learner's stats row changed after the snapshot: `moved` says so, and
    # the caller reads those learners' cards again.
    p = _Parameters()
    answers = p.unnest(ANSWER_ARRAYS)
    uids = p.array("uids", "BIGINT")
    cards = _cards(p.array("card_uids", "BIGINT"), p.array("card_qids", "VARCHAR"))
    sql = f"""
WITH inserted AS (
    INSERT INTO answers ({_ANSWER_COLUMNS})
    SELECT {_ANSWER_COLUMNS}
    FROM {answers} WITH ORDINALITY AS batch({_ANSWER_COLUMNS}, position)
    ORDER BY position
    ON CONFLICT DO NOTHING
    RETURNING user_id, instance, delivery_key
), seen AS (
    SELECT user_id, xmin FROM user_stats WHERE user_id = ANY({uids})
), locked AS (
    SELECT user_id, xmin, {_STATS_COLUMNS} FROM user_stats
    WHERE user_id = ANY({uids})
    ORDER BY user_id
    FOR UPDATE
), cards AS (
    {cards}
)
SELECT 'answer' AS kind, user_id, instance AS key, delivery_key, CAST(NULL AS JSON) AS card,
       CAST(NULL AS INTEGER) AS reviews, CAST(NULL AS INTEGER) AS lapses, CAST(NULL AS BOOLEAN) AS moved,
       {_NULL_STATS}
FROM inserted
UNION ALL
SELECT 'stats', locked.user_id, NULL, NULL, NULL, NULL, NULL, locked.xmin <> seen.xmin, {_STATS_COLUMNS}
FROM locked JOIN seen ON seen.user_id = locked.user_id
UNION ALL
SELECT 'card', user_id, question_id, NULL, card, reviews, lapses, NULL, {_NULL_STATS}
FROM cards
"""
    return sql, tuple(p.names)


def _save() -> tuple[str, tuple[str, ...]]:
    p = _Parameters()
    stats = p.unnest({"user_id": "BIGINT", **STATS_ARRAYS}, "s_")
    voided = f"unnest({p.array('v_user_id', 'BIGINT')}, {p.array('v_instance', 'VARCHAR')})"
    reviews = p.unnest(REVIEW_ARRAYS, "r_")
    sql = f"""
WITH stats AS (
    UPDATE user_stats
    SET {", ".join(f"{name} = new.{name}" for name in STATS_ARRAYS)}
    FROM {stats} AS new(user_id, {_STATS_COLUMNS})
    WHERE user_stats.user_id = new.user_id
), voided AS (
    UPDATE answers SET points = 0
    FROM {voided} AS v(user_id, instance)
    WHERE answers.user_id = v.user_id AND answers.instance = v.instance
)
INSERT INTO review_states ({", ".join(REVIEW_ARRAYS)})
SELECT user_id, question_id, CAST(card AS JSON), due, reviews, lapses, last_correct_at
FROM {reviews} AS new({", ".join(REVIEW_ARRAYS)})
ON CONFLICT (user_id, question_id) DO UPDATE SET
    card = excluded.card,
    due = excluded.due,
    reviews = excluded.reviews,
    lapses = excluded.lapses,
    last_correct_at = COALESCE(excluded.last_correct_at, review_states.last_correct_at)
"""
    return sql, tuple(p.names)


CLAIM, CLAIM_PARAMETERS = _claim()
SAVE, SAVE_PARAMETERS = _save()
READ_CARDS = _cards("CAST($1 AS BIGINT[])", "CAST($2 AS VARCHAR[])")
_ANSWER_FIELDS = ("id", *ANSWER_ARRAYS)
READ_ANSWERS = f"""
SELECT {", ".join(_ANSWER_FIELDS)} FROM answers
WHERE (user_id = ANY(CAST($1 AS BIGINT[])) AND instance = ANY(CAST($2 AS VARCHAR[])))
   OR delivery_key = ANY(CAST($3 AS VARCHAR[]))
"""


class PgAnswerStore:
    """The store side of a batch of answers (see `bot.usecases.recording.record_many`), on PostgreSQL.

    Its methods run inside one transaction of the driver connection it was given.
    """

    def __init__(self, driver: Any) -> None:
        self._driver = driver

    async def claim_answers(self, rows: Sequence[dict[str, Any]], cards: Sequence[tuple[int, str]]) -> Claim:
        """Insert answers in order, lock their users' stats rows and read their cards, for this transaction.

        An answer is inserted unless its instance or delivery is already recorded (also by an
        earlier row); stats rows are locked in user-id order; the cards read are the existing ones
        among `cards` (user id, question id), as they are under that lock.
        """
        keys = sorted(set(cards))
        params: dict[str, Any] = {name: [row[name] for row in rows] for name in ANSWER_ARRAYS}
        params.update(
            uids=sorted({row["user_id"] for row in rows}),
            card_uids=[u for u, _ in keys],
            card_qids=[q for _, q in keys],
        )
        claim = Claim(set(), {}, {})
        moved: set[int] = set()
        for kind, user_id, key, delivery_key, card, reviews, lapses, changed, *totals in await self._driver.fetch(
            CLAIM, *(params[name] for name in CLAIM_PARAMETERS)
        ):
            if kind == "answer":
                claim.inserted.add((user_id, key, delivery_key))
            elif kind == "stats":
                claim.stats[user_id] = StatsRow(*totals)
                if changed:
                    moved.add(user_id)
            else:
                claim.cards[(user_id, key)] = ReviewRow(card, reviews, lapses)
        if moved:  # another transaction recorded answers of these learners after the snapshot
            stale = [k for k in keys if k[0] in moved]
            for k in stale:
                claim.cards.pop(k, None)
            claim.cards.update(await self.reviews(stale))
        return claim

    async def reviews(self, cards: Sequence[tuple[int, str]]) -> dict[tuple[int, str], ReviewRow]:
        """The FSRS cards with these (user id, question id) keys that exist."""
        keys = sorted(set(cards))
        rows = await self._driver.fetch(READ_CARDS, [u for u, _ in keys], [q for _, q in keys])
        return {(row[0], row[1]): ReviewRow(row[2], row[3], row[4]) for row in rows}

    async def save_progress(
        self, stats: dict[int, StatsRow], reviews: Sequence[SavedReview], voided: Sequence[tuple[int, str]]
    ) -> None:
        """Write several users' totals and cards (at most one per user and question).

        The `voided` (user id, instance) answers get zero points.
        """
        if not stats and not reviews and not voided:
            return
        params: dict[str, Any] = {"s_user_id": list(stats), "v_user_id": [u for u, _ in voided],
                                  "v_instance": [i for _, i in voided]}
        for name in STATS_ARRAYS:
            params[f"s_{name}"] = [getattr(row, name) for row in stats.values()]
        for name in REVIEW_ARRAYS:
            params[f"r_{name}"] = [json.dumps(r.review.card) if name == "card" else getattr(r, name) for r in reviews]
        await self._driver.execute(SAVE, *(params[name] for name in SAVE_PARAMETERS))

    async def answers_matching(
        self, instances: Sequence[tuple[int, str]], delivery_keys: Sequence[str]
    ) -> list[Answer]:
        """Answers recorded for any of these (user id, instance) pairs or delivery keys (detached rows)."""
        rows = await self._driver.fetch(
            READ_ANSWERS,
            sorted({user for user, _ in instances}),
            sorted({instance for _, instance in instances}),
            sorted(set(delivery_keys)),
        )
        return [Answer(**dict(zip(_ANSWER_FIELDS, row, strict=True))) for row in rows]


@asynccontextmanager
async def pg_answer_store(engine: AsyncEngine) -> AsyncIterator[PgAnswerStore]:
    """A transaction on a pooled connection's driver: commits when the block ends, rolls back on an exception.

    A connection whose state is in doubt afterwards is dropped instead of reused.
    """
    async with engine.connect() as connection:
        pooled = await connection.get_raw_connection()
        driver = pooled.driver_connection
        assert driver is not None, "a checked-out connection has its driver connection"
        try:
            async with driver.transaction():
                yield PgAnswerStore(driver)
        except (asyncpg.PostgresError, asyncpg.InternalClientError) as exc:
            # The server (or the driver's cache) refused a statement and the transaction was rolled
            # back; the connection is fine unless the server closed it.
            lost = driver.is_closed()
            if lost:
                await connection.invalidate(exc)
            raise _translated(exc, lost) from exc
        except (asyncpg.InterfaceError, OSError) as exc:
            await connection.invalidate(exc)
            raise _translated(exc, lost=True) from exc
        except BaseException as exc:
            # Cancelled, say, perhaps between sending BEGIN or COMMIT and its answer: the driver may
            # still believe a transaction is open, and would nest the next one inside it.
            await connection.invalidate(exc)
            raise


def _translated(exc: Exception, lost: bool) -> DBAPIError:
    """The SQLAlchemy exception the same driver error raises through a session."""
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return IntegrityError(None, None, exc)
    if lost or isinstance(exc, asyncpg.LockNotAvailableError | asyncpg.PostgresConnectionError):
        return OperationalError(None, None, exc, connection_invalidated=lost)
    return DBAPIError(None, None, exc)
