"""What the store can hold, checked where requests enter the core: ids, names, keys and button parts.

A value the schema cannot take is bad input, answered as such, never a database error.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.domain.periods import is_timezone
from bot.usecases.context import Actor

MAX_ID = 64  # workspace, user and channel ids (the platforms' are 9 to 20 characters)
MAX_NAME = 200
MAX_DELIVERY_KEY = 200
MAX_INSTANCE = 32  # the per-question instance a button carries (its second part)
MAX_BUTTON_PART = 100  # question and topic ids
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_token(text: str, limit: int) -> bool:
    """Whether `text` fits a column of `limit` characters and holds no control character (NUL included)."""
    return len(text) <= limit and not _CONTROL.search(text)


def button_parts_fit(args: tuple[str, ...]) -> bool:
    """Whether a button's parts fit the store: the instance (second part) and ids, no control characters."""
    return all(is_token(arg, MAX_INSTANCE if i == 1 else MAX_BUTTON_PART) for i, arg in enumerate(args))


def clean_name(text: str) -> str:
    """A display name the store can hold: control characters removed, cut to MAX_NAME."""
    return _CONTROL.sub("", text)[:MAX_NAME]


def admitted(actor: Actor) -> Actor | None:
    """`actor` with names made storable, or None when its ids cannot be stored (no platform sends such)."""
    ids = (actor.platform, actor.workspace_id, actor.user_id, actor.channel_id)
    if not all(is_token(value, MAX_ID) for value in ids) or not actor.workspace_id or not actor.user_id:
        return None
    timezone = actor.user_timezone if actor.user_timezone and is_timezone(actor.user_timezone) else None
    return replace(
        actor, user_name=clean_name(actor.user_name), workspace_name=clean_name(actor.workspace_name),
        channel_name=clean_name(actor.channel_name), user_timezone=timezone,
    )
