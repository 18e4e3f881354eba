"""PostgreSQL statements that record a batch of answers in two round trips, from one array per column.

Each statement has one text whatever the batch size, so asyncpg prepares it once per connection.
`CLAIM` inserts the answers in order (skipping any whose instance or delivery is already recorded,
also by an earlier row of the same batch), locks the learners' stats rows in user-id order and
reads their cards; `SAVE` writes the new stats and upserts the FSRS cards.
"""

from __future__ import annotations

from sqlalchemy import text

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


def _unnest(arrays: dict[str, str], prefix: str = "") -> str:
    return "unnest(" + ", ".join(f"CAST(:{prefix}{name} AS {kind}[])" for name, kind in arrays.items()) + ")"


_ANSWER_COLUMNS = ", ".join(ANSWER_ARRAYS)
_STATS_COLUMNS = ", ".join(STATS_ARRAYS)

_NULL_STATS = ", ".join(f"CAST(NULL AS {kind})" for kind in STATS_ARRAYS.values())

# One row per answer inserted now ('answer': user, instance, delivery key), per locked stats row
# ('stats': user, the totals, and whether the row changed after this statement's snapshot), and
# per existing card asked for ('card': user, question, card, reviews, lapses).
#
# The cards are read with the statement's snapshot, taken before any wait for a lock. Cards are
# only written while their learner's stats row is locked, together with new totals, so a card read
# here is current unless its learner's stats row changed after the snapshot: `moved` says so, and
# the caller reads those learners' cards again.
CLAIM = text(
    f"""
WITH inserted AS (
    INSERT INTO answers ({_ANSWER_COLUMNS})
    SELECT {_ANSWER_COLUMNS}
    FROM {_unnest(ANSWER_ARRAYS)} WITH ORDINALITY AS batch({_ANSWER_COLUMNS}, position)
    ORDER BY position
    ON CONFLICT DO NOTHING
    RETURNING user_id, instance, delivery_key
), seen AS (
    SELECT user_id, xmin FROM user_stats WHERE user_id = ANY(CAST(:uids AS BIGINT[]))
), locked AS (
    SELECT user_id, xmin, {_STATS_COLUMNS} FROM user_stats
    WHERE user_id = ANY(CAST(:uids AS BIGINT[]))
    ORDER BY user_id
    FOR UPDATE
), cards AS (
    SELECT review_states.user_id, review_states.question_id, card, reviews, lapses
    FROM review_states
    JOIN unnest(CAST(:card_uids AS BIGINT[]), CAST(:card_qids AS VARCHAR[])) AS wanted(user_id, question_id)
    ON review_states.user_id = wanted.user_id AND review_states.question_id = wanted.question_id
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
)

SAVE = text(
    f"""
WITH stats AS (
    UPDATE user_stats
    SET {", ".join(f"{name} = new.{name}" for name in STATS_ARRAYS)}
    FROM {_unnest({"user_id": "BIGINT", **STATS_ARRAYS}, "s_")} AS new(user_id, {_STATS_COLUMNS})
    WHERE user_stats.user_id = new.user_id
)
INSERT INTO review_states ({", ".join(REVIEW_ARRAYS)})
SELECT user_id, question_id, CAST(card AS JSON), due, reviews, lapses, last_correct_at
FROM {_unnest(REVIEW_ARRAYS, "r_")} AS new({", ".join(REVIEW_ARRAYS)})
ON CONFLICT (user_id, question_id) DO UPDATE SET
    card = excluded.card,
    due = excluded.due,
    reviews = excluded.reviews,
    lapses = excluded.lapses,
    last_correct_at = COALESCE(excluded.last_correct_at, review_states.last_correct_at)
"""
)
