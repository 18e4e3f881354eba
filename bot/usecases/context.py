"""What every use case needs: the courses, the unit of work, the clock, and who is asking."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bot.content.catalogue import Catalogue
from bot.domain.periods import is_timezone
from bot.notify import Notice
from bot.pictures.cache import PictureCache
from bot.store.db import Sessions
from bot.store.unit_of_work import Stores, reading, unit_of_work
from bot.usecases.batching import AnswerBatcher
from bot.usecases.scoring import ScoreFolder
from bot.usecases.stale import StaleWhileRefreshing
from bot.usecases.standings import Standings

if TYPE_CHECKING:
    from bot.usecases.team import Figures

IDENTITY_TTL_S = 300.0
TEAM_FIGURES_FRESH_FOR = dt.timedelta(minutes=10)
CHANNEL_COURSES_FRESH_FOR = dt.timedelta(minutes=5)


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
    # In a direct conversation with the bot, outside any workspace (a Discord DM: a reminder's
    # buttons). The learner then acts in their home workspace: see `Core.identify`.
    direct: bool = False


@dataclass(frozen=True)
class ChannelRef:
    """A channel named in a command, as the adapter read it: its platform id and, when known, its name."""

    id: str
    name: str = ""

    def __str__(self) -> str:
        """The channel as a person would type it."""
        return f"#{self.name or self.id}"


@dataclass(frozen=True)
class CourseRef:
    """A course named in its own option (Discord's `course`), as the person gave it: an id or a title."""

    text: str

    def __str__(self) -> str:
        """The course as it was given."""
        return self.text


Argument = str | ChannelRef | CourseRef
"""One argument of a subcommand: a word as typed, a channel the adapter recognised, or a course option."""


@dataclass(frozen=True)
class Identity:
    """The database ids behind an actor, the timezone their day is counted in and where it comes from.

    `timezone_chosen`: the learner set it with `/study timezone` (the platform's never replaces
    it). `notice`: a reminder notice waits to be told to them with their next command.
    `board_timezone`: the workspace's, where its weeks and months begin.
    """

    workspace_pk: int
    user_pk: int
    timezone: str
    timezone_chosen: bool = False
    notice: bool = False
    board_timezone: str = "UTC"  # the workspace's: where its weeks and months begin


@dataclass(frozen=True)
class _Known:
    """What `Core.identify` keeps of an actor between database reads."""

    workspace_pk: int
    user_pk: int
    workspace_timezone: str | None
    user_timezone: str | None
    timezone_chosen: bool
    notice: bool
    read_at: float


@dataclass
class Core:
    """Dependencies of the use cases, wired once by `bot.bootstrap`.

    `catalogue` is replaced as a whole when the content is reloaded; a use case reads it once.
    """

    catalogue: Catalogue
    sessions: Sessions
    default_timezone: str = "UTC"
    clock: Callable[[], dt.datetime] = utc_now
    schedule_changed: Notice[int] = field(default_factory=Notice[int])
    _identities: dict[tuple[str, str, str], _Known] = field(default_factory=dict, repr=False)
    _homes: dict[tuple[str, str], tuple[str | None, float]] = field(default_factory=dict, repr=False)
    channel_courses: StaleWhileRefreshing[tuple[str, str, str], str | None] = field(
        default_factory=lambda: StaleWhileRefreshing(CHANNEL_COURSES_FRESH_FOR, "channels' courses"), repr=False
    )
    """The course set for each channel (`setup ... course`), kept a while: read on most commands."""
    answers: AnswerBatcher = field(init=False, repr=False)
    team_figures: StaleWhileRefreshing[tuple[int, str], Figures] = field(
        default_factory=lambda: StaleWhileRefreshing(TEAM_FIGURES_FRESH_FOR, "team's figures"), repr=False
    )
    """Each workspace's `/study team` figures per course, kept for a while."""
    pictures: PictureCache = field(default_factory=PictureCache, repr=False)
    """Recent pictures (progress cards, team charts), kept until the data they show changes."""
    standings: Standings = field(init=False, repr=False)
    scores: ScoreFolder = field(init=False, repr=False)
    """Puts the answers' points on the boards after each batch; a board read waits for it (`settled`)."""

    def __post_init__(self) -> None:
        """One group-commit batcher for the answers, one folder for their points, one cache of boards' counts."""
        self.scores = ScoreFolder(self.unit_of_work)
        self.answers = AnswerBatcher(self.unit_of_work, committed=self.scores.committed)
        self.standings = Standings(self.unit_of_work)

    def unit_of_work(self) -> AbstractAsyncContextManager[Stores]:
        """A transaction: commits when the block ends, rolls back on an exception."""
        return unit_of_work(self.sessions)

    def reading(self) -> AbstractAsyncContextManager[Stores]:
        """Stores for reads alone, without a transaction (see `bot.store.unit_of_work.reading`)."""
        return reading(self.sessions)

    async def identify(self, actor: Actor) -> Identity:
        """The workspace and user behind `actor`, created on first sight and then cached.

        The platform's timezone for the user (Slack's users.info) is stored as theirs unless they
        chose one with `/study timezone`: an explicit choice always wins. Creation commits in its
        own short transaction, so a later failure of the caller's transaction cannot leave a cached
        id that points at nothing. The cache is refreshed every IDENTITY_TTL_S, so a timezone set
        (or a reminder notice left) through another process is picked up here too.

        Someone in a direct conversation with the bot (`actor.direct`) is the learner of their home
        workspace: the one their reminder is in, else the one they joined last; only a person
        StudyBot has never seen in a workspace is counted in the direct conversation's own.
        """
        if actor.direct:
            actor = await self._at_home(actor)
        key = (actor.platform, actor.workspace_id, actor.user_id)
        known = self._identities.get(key)
        if known is not None and time.monotonic() - known.read_at > IDENTITY_TTL_S:
            known = None
        platform_tz = actor.user_timezone if actor.user_timezone and is_timezone(actor.user_timezone) else None
        if known is None or (platform_tz and not known.timezone_chosen and platform_tz != known.user_timezone):
            async with self.unit_of_work() as uow:
                ws = await uow.channels.ensure_workspace(actor.platform, actor.workspace_id, actor.workspace_name)
                user = await uow.learners.ensure_user(ws.id, actor.user_id, actor.user_name)
                user_tz = user.timezone
                if platform_tz and not user.timezone_chosen and platform_tz != user_tz:
                    await uow.learners.set_user_timezone(user.id, platform_tz)
                    user_tz = platform_tz
                notice = await uow.reminders.has_notice(user.id)
                known = _Known(ws.id, user.id, ws.timezone, user_tz, user.timezone_chosen, notice, time.monotonic())
            self._identities[key] = known
        timezone = known.user_timezone or known.workspace_timezone or self.default_timezone
        board_tz = known.workspace_timezone or self.default_timezone
        return Identity(known.workspace_pk, known.user_pk, timezone, known.timezone_chosen, known.notice, board_tz)

    async def _at_home(self, actor: Actor) -> Actor:
        """The actor of a direct conversation, moved to their home workspace when they have one."""
        key = (actor.platform, actor.user_id)
        home = self._homes.get(key)
        if home is None or time.monotonic() - home[1] > IDENTITY_TTL_S:
            async with self.unit_of_work() as uow:
                found = await uow.learners.home_workspace(actor.platform, actor.user_id, actor.workspace_id)
            home = self._homes[key] = (found, time.monotonic())
        if home[0] is None:
            return actor
        return replace(actor, workspace_id=home[0], direct=False)

    async def channel_course(self, actor: Actor) -> str | None:
        """The id of the course the actor's channel studies (`setup ... course`), if one is set; kept a while."""
        if not actor.channel_id or actor.direct:
            return None

        async def read() -> str | None:
            async with self.reading() as uow:
                return await uow.channels.course_of(actor.platform, actor.workspace_id, actor.channel_id)

        key = (actor.platform, actor.workspace_id, actor.channel_id)
        return (await self.channel_courses.get(key, self.clock(), read)).value

    def forget_identity(self, user_pk: int) -> None:
        """Drop the cached identity of one learner (their timezone or reminder notice changed)."""
        for key, value in list(self._identities.items()):
            if value.user_pk == user_pk:
                del self._identities[key]

    def forget_identities(self, workspace_pk: int | None = None) -> None:
        """Drop cached identities (after a workspace's timezone changed, for instance)."""
        if workspace_pk is None:
            self._identities.clear()
            return
        for key, value in list(self._identities.items()):
            if value.workspace_pk == workspace_pk:
                del self._identities[key]
