"""What every use case needs: the course, the unit of work, the clock, and who is asking."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from bot.content.models import Course
from bot.domain.periods import is_timezone
from bot.notify import Notice
from bot.store.db import Sessions
from bot.store.unit_of_work import Stores, reading, unit_of_work
from bot.usecases.batching import AnswerBatcher
from bot.usecases.standings import Standings

IDENTITY_TTL_S = 300.0


def utc_now() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Actor:
    """Who is asking, where: the platform's ids, and what the adapter knows of them."""

    platform: str
    workspace_id: str
    user_id: str
    channel_id: str = ""
    user_name: str = ""
    workspace_name: str = ""
    channel_name: str = ""
    is_admin: bool = False
    user_timezone: str | None = None


@dataclass(frozen=True)
class ChannelRef:
    """A channel named in a command, as the adapter read it: its platform id and, when known, its name."""

    id: str
    name: str = ""

    def __str__(self) -> str:
        """The channel as a person would type it."""
        return f"#{self.name or self.id}"


Argument = str | ChannelRef
"""One argument of a subcommand: a word as typed, or a channel the adapter recognised."""


@dataclass(frozen=True)
class Identity:
    """The database ids behind an actor, the timezone their day is counted in, and their boards' timezone."""

    workspace_pk: int
    user_pk: int
    timezone: str
    board_timezone: str = "UTC"  # the workspace's: where its weeks and months begin


@dataclass
class Core:
    """Dependencies of the use cases, wired once by `bot.bootstrap`."""

    course: Course
    sessions: Sessions
    default_timezone: str = "UTC"
    clock: Callable[[], dt.datetime] = utc_now
    schedule_changed: Notice[int] = field(default_factory=Notice[int])
    _identities: dict[tuple[str, str, str], tuple[int, int, str | None, str | None, float]] = field(
        default_factory=dict, repr=False
    )
    answers: AnswerBatcher = field(init=False, repr=False)
    standings: Standings = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Answers are recorded through one group-commit batcher per core; boards' counts are kept per core."""
        self.answers = AnswerBatcher(self.unit_of_work)
        self.standings = Standings(self.unit_of_work)

    def unit_of_work(self) -> AbstractAsyncContextManager[Stores]:
        """A transaction: commits when the block ends, rolls back on an exception."""
        return unit_of_work(self.sessions)

    def reading(self) -> AbstractAsyncContextManager[Stores]:
        """Stores for reads alone, without a transaction (see `bot.store.unit_of_work.reading`)."""
        return reading(self.sessions)

    async def identify(self, actor: Actor) -> Identity:
        """The workspace and user behind `actor`, created on first sight and then cached.

        Creation commits in its own short transaction, so a later failure of the caller's
        transaction cannot leave a cached id that points at nothing. The cache is refreshed every
        IDENTITY_TTL_S, so a timezone set through another process is picked up here too.
        """
        key = (actor.platform, actor.workspace_id, actor.user_id)
        cached = self._identities.get(key)
        if cached is not None and time.monotonic() - cached[4] > IDENTITY_TTL_S:
            cached = None
        user_tz = (
            actor.user_timezone
            if actor.user_timezone and is_timezone(actor.user_timezone)
            else None
        )
        if cached is None or (user_tz and user_tz != cached[3]):
            async with self.unit_of_work() as uow:
                ws = await uow.channels.ensure_workspace(actor.platform, actor.workspace_id, actor.workspace_name)
                user = await uow.learners.ensure_user(ws.id, actor.user_id, actor.user_name)
                if user_tz and user_tz != user.timezone:
                    await uow.learners.set_user_timezone(user.id, user_tz)
                cached = (ws.id, user.id, ws.timezone, user_tz or user.timezone, time.monotonic())
            self._identities[key] = cached
        ws_pk, user_pk, ws_tz, stored_user_tz, _cached_at = cached
        board_tz = ws_tz or self.default_timezone
        return Identity(ws_pk, user_pk, stored_user_tz or board_tz, board_tz)

    def forget_identities(self, workspace_pk: int | None = None) -> None:
        """Drop cached identities (after a workspace's timezone changed, for instance)."""
        if workspace_pk is None:
            self._identities.clear()
            return
        for key, value in list(self._identities.items()):
            if value[0] == workspace_pk:
                del self._identities[key]
