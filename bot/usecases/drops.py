"""Daily drops and weekly boards: what is due, claiming it exactly once, and its message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot import actions
from bot.content.models import Course
from bot.domain.periods import Period, zone
from bot.domain.schedule import WEEKDAYS, local_drop_moment, next_drop, parse_time
from bot.domain.streaks import current_as_of
from bot.messages import Button, Field, Kind, Message, Style, Visibility
from bot.posting import Poster, PostFinder
from bot.store.claims import Claim as Claim  # a claim, for the scheduler: it may not reach the store
from bot.store.drops import ScheduledChannel
from bot.store.scores import Board
from bot.usecases import team
from bot.usecases.context import Core
from bot.usecases.format import board_line, plural
from bot.usecases.lessons import lesson_message

LESSON = "lesson"
WEEKLY = "weekly"
TEAM_REPORT = "team"
# A claim not renewed for this long belongs to a process that stopped; another may take it over.
LEASE = dt.timedelta(minutes=2)
BOARD_SIZE = 5


@dataclass(frozen=True)
class DueDrop:
    """A drop that should be out by now: which channel, what kind, for which local date."""

    channel: ScheduledChannel
    kind: str
    local_date: dt.date
    due_at: dt.datetime

    @property
    def key(self) -> str:
        """A readable id for logs."""
        return f"{self.channel.platform}:{self.channel.external_id}:{self.kind}:{self.local_date}"

    @property
    def platform(self) -> str:
        """The channel's platform."""
        return self.channel.platform

    @property
    def target(self) -> str:
        """Where it goes, for the log line."""
        return f"channel={self.channel.external_id}"


def due_today(channel: ScheduledChannel, now: dt.datetime) -> list[DueDrop]:
    """The drops of `channel` whose local time today has come (none when paused).

    Only today's, in the channel's timezone: a drop missed while the bot was down goes out when
    it comes back that same day, never a backlog. A drop whose time had already passed when the
    channel was set up or resumed waits for the next day.
    """
    if channel.paused:
        return []
    today = now.astimezone(zone(channel.timezone)).date()
    moment = local_drop_moment(today, parse_time(channel.drop_time), channel.timezone)
    if now < moment or moment < channel.updated_at:
        return []
    due = []
    if WEEKDAYS[today.weekday()] in channel.weekdays:
        due.append(DueDrop(channel, LESSON, today, moment))
    if channel.weekly_board and today.weekday() == 0:
        due.append(DueDrop(channel, WEEKLY, today, moment))
    if channel.team_report and today.weekday() == 0:
        due.append(DueDrop(channel, TEAM_REPORT, today, moment))
    return due


def next_run(channel: ScheduledChannel, after: dt.datetime) -> dt.datetime | None:
    """When the channel next has something to drop (lesson days, plus Mondays for the board)."""
    if channel.paused:
        return None
    days = set(channel.weekdays) | ({"mon"} if channel.weekly_board or channel.team_report else set())
    return next_drop(after, parse_time(channel.drop_time), channel.timezone, tuple(d for d in WEEKDAYS if d in days))


class Drops:
    """The scheduler's use cases, shared by every process running against one database."""

    name = "drop"

    def __init__(self, core: Core, worker: str, lease: dt.timedelta = LEASE) -> None:
        self.core = core
        self.worker = worker
        self.lease = lease

    def course_of(self, channel: ScheduledChannel) -> Course:
        """The course a channel drops: the one set for it while it is served, else the default."""
        return self.core.catalogue.course_or_default(channel.course_id)

    async def channels(self, channel_id: int | None = None) -> list[ScheduledChannel]:
        """Scheduled channels (or one), as stored now."""
        async with self.core.unit_of_work() as uow:
            return await uow.drops.scheduled(channel_id)

    async def due(self, now: dt.datetime, channel_id: int | None = None) -> list[DueDrop]:
        """Drops due now that nobody has sent, failed, or is still working on."""
        candidates = [d for c in await self.channels(channel_id) for d in due_today(c, now)]
        if not candidates:
            return []
        async with self.core.unit_of_work() as uow:
            settled = await uow.drops.settled(sorted({d.local_date for d in candidates}), self.lease)
        return [d for d in candidates if (d.channel.id, d.kind, d.local_date) not in settled]

    async def claim(self, due: DueDrop) -> Claim | None:
        """Claim a due drop for this process, or take over a stale claim; None if another has it.

        Whether a claim is stale is judged by the database's clock, so replicas whose own clocks
        disagree still agree on who holds a drop.
        """
        topics = [t.id for t in self.course_of(due.channel).topics]
        async with self.core.unit_of_work() as uow:
            store = uow.drops
            claim = await store.claim(due.channel.id, due.kind, due.local_date, topics, self.worker)
            if claim is not None:
                return claim
            existing = await store.existing(due.channel.id, due.kind, due.local_date)
            if existing is None:
                return None
            attempt = await store.take_over(existing, self.lease, self.worker)
            if attempt is None:
                return None
            # The position only moves once a lesson is sent, so it still says whether this one wraps.
            position = await store.lock_channel(due.channel.id) or 0
            wrapped = due.kind == LESSON and position > 0 and position % len(topics) == 0
            return Claim(existing.id, existing.topic_id, wrapped=wrapped, takeover=True, attempt=attempt)

    async def renew(self, claim: Claim) -> bool:
        """Tell other processes this claim is still being worked on; False once it was taken over."""
        async with self.core.unit_of_work() as uow:
            return await uow.drops.renew(claim.id, claim.attempt)

    async def finish(self, due: DueDrop, claim: Claim, now: dt.datetime, message_id: str | None,
                     error: str | None) -> bool:
        """Record the outcome and move the channel to its next topic; False if the claim was taken over.

        The outcome is sent with its message id, or failed with the reason for admins. A claim taken
        over changes nothing.
        """
        async with self.core.unit_of_work() as uow:
            store = uow.drops
            await store.lock_channel(due.channel.id)  # the channel row first, then the drop, as a claim does
            if not await store.finish(claim.id, claim.attempt, "failed" if error else "sent", now, message_id):
                return False
            if error or due.kind == LESSON:
                await store.set_channel_error(due.channel.id, error)
            if not error and due.kind == LESSON:
                await store.advance(due.channel.id)
            return True

    async def send(self, poster: Poster, due: DueDrop, message: Message, key: str) -> str:
        """Post the drop into its channel."""
        return await poster.post(due.channel.external_id, message, key)

    async def find(self, poster: Poster, due: DueDrop, key: str) -> str | None:
        """The drop as an earlier claimant posted it in the channel, where the platform can tell (Slack)."""
        return await poster.find(due.channel.external_id, key) if isinstance(poster, PostFinder) else None

    async def message(self, due: DueDrop, claim: Claim) -> Message:
        """The message to post: the day's lesson, or last week's board."""
        if due.kind == WEEKLY:
            return await self._weekly_board(due)
        if due.kind == TEAM_REPORT:
            return await team.weekly_report(self.core, due.channel.workspace_id, self.course_of(due.channel),
                                            due.channel.timezone, due.local_date)
        course = self.course_of(due.channel)
        topic = course.topic_by_id.get(claim.topic_id) or course.topics[0]
        heading = "📚 **Today's lesson**" if topic.lesson or not topic.cards else "🃏 **Today's cards**"
        if claim.wrapped:
            heading = "🎉 **That was the whole course! We start again from the first topic.**\n\n" + heading
        return lesson_message(course, topic, visibility=Visibility.PUBLIC, heading=heading, reviews=True)

    async def _weekly_board(self, due: DueDrop) -> Message:
        """Last week's board: the workspace's week (in its timezone) that began the Monday before the channel's."""
        channel = due.channel
        monday = due.local_date - dt.timedelta(days=due.local_date.weekday())
        last_week = monday - dt.timedelta(days=7)
        board_tz = channel.workspace_timezone or self.core.default_timezone
        course = self.course_of(channel)
        await self.core.scores.settled()
        async with self.core.reading() as uow:
            store = uow.drops
            leaders = (await uow.answers.leaderboard(Board(channel.workspace_id, course.id, Period.WEEK, last_week),
                                                     BOARD_SIZE)).rows
            # A streak whose last day is more than two days back is over in every timezone.
            streaks = await store.streaks(channel.workspace_id, due.local_date - dt.timedelta(days=3), BOARD_SIZE * 3)
        default_tz = channel.workspace_timezone or channel.timezone
        alive = [
            (name, current_as_of(streak, due.due_at.astimezone(zone(user_tz or default_tz)).date()))
            for name, user_tz, streak in streaks
        ]
        alive = sorted(((n, c) for n, c in alive if c > 0), key=lambda item: -item[1])[:BOARD_SIZE]
        lines = [board_line(rank, row.name, row.points, row.correct) for rank, row in enumerate(leaders, 1)]
        body = "\n".join(lines) if lines else "Nobody scored last week. This week is yours: `/study quiz`!"
        streak_text = "\n".join(f"🔥 **{name}**: {plural(n, 'day')}" for name, n in alive) or "No streaks yet."
        return Message(
            kind=Kind.LEADERBOARD,
            title="🏆 Last week's top learners",
            body=body,
            fields=(Field("Longest streaks", streak_text, inline=False),),
            buttons=(Button("Quiz me", actions.NextQuiz(course=course.key).encode(), Style.PRIMARY),),
            footer=f"{course.title} · week of {last_week:%d %b} · {board_tz}",
            visibility=Visibility.PUBLIC,
        )

