"""How a learner and the team are doing: streak, stats and leaderboards."""

from __future__ import annotations

import dataclasses
import functools

from bot import actions
from bot.content.models import Course
from bot.domain.activity import calendar_start, days_since
from bot.domain.periods import Period, local_day, period_key
from bot.domain.streaks import current_as_of
from bot.messages import Attachment, Button, Field, Kind, Message, Style, error
from bot.pictures.progress import render_progress_card
from bot.pictures.sparkline import sparkline
from bot.store.models import ALL_COURSES
from bot.store.scores import Board
from bot.usecases.context import Actor, Argument, Core, CourseRef
from bot.usecases.courses import OVERALL, course_for, course_here, named_course
from bot.usecases.format import board_line, percent, plural, progress_bar
from bot.usecases.progress_card import progress_card
from bot.usecases.standings import Standing

BOARD_SIZE = 10


async def streak(core: Core, actor: Actor) -> Message:
    """The learner's current and best streak, counted in their own days (its **Quiz me** in the channel's course)."""
    identity = await core.identify(actor)
    course = await course_here(core, actor)
    async with core.unit_of_work() as uow:
        stats = await uow.learners.stats(identity.user_pk)
    today = local_day(core.clock(), identity.timezone)
    state = stats.streak
    current = current_as_of(state, today)
    if current == 0:
        body = (
            "No streak yet: answer one question today to start one."
            if not state.best
            else "Your streak has ended. Answer a question today to start a new one."
        )
    elif state.last_day == today:
        body = "You've studied today. Come back tomorrow to keep it going!"
    else:
        body = "Answer a question today to keep your streak alive."
    return Message(
        kind=Kind.STREAK,
        title=f"🔥 Streak: {plural(current, 'day')}",
        body=body,
        fields=(
            Field("Best streak", plural(state.best, "day")),
            Field("Points", str(stats.points)),
            Field("Your days end at", f"midnight {identity.timezone} (`/study timezone` changes it)", inline=False),
        ),
        buttons=(Button("Quiz me", actions.NextQuiz(course=course.key).encode(), Style.PRIMARY),),
        footer="One missed day a week is forgiven.",
    )


async def stats(core: Core, actor: Actor, course: Course, _rest: str | None = None) -> Message:
    """Streak, points and accuracy in `course` overall and per section, and its topics practised.

    The streak and the days studied are the learner's across every course. Accuracy is summed
    from the learner's cards: a question's quiz answers count in the topic it was in when last
    answered.
    """
    identity = await core.identify(actor)
    today = local_day(core.clock(), identity.timezone)
    several = len(core.catalogue) > 1
    await core.scores.settled()  # the course's points come from its board
    async with core.reading() as uow:
        in_course = await uow.learners.stats_in_course(identity.user_pk, identity.workspace_pk, course.id)
        cards = await uow.learners.course_cards(identity.user_pk, course.id)
    row, tallies, mastered = in_course.stats, cards.tallies, cards.right
    days = days_since(row.recent_days, calendar_start(today))
    total_points = row.points
    if several:
        row = dataclasses.replace(row, points=in_course.course_points)
    practised = {t.topic_id for t in tallies}
    state = row.streak
    by_topic = {t.topic_id: t for t in tallies}
    lines = []
    for section in course.sections:
        answered = sum(by_topic[t].answers for t in section.topic_ids if t in by_topic)
        right = sum(by_topic[t].correct for t in section.topic_ids if t in by_topic)
        if answered:
            lines.append(f"- {section.title}: {percent(right, answered)} ({right}/{answered} right)")
    total = sum(t.answers for t in tallies)
    right_total = sum(t.correct for t in tallies)
    seen = len(practised & set(course.topic_by_id))
    streak_now = current_as_of(state, today)
    card = progress_card(course, actor.user_name or "You", today, streak_now, row, days, tallies, mastered)
    picture = await core.pictures.get(
        ("progress", identity.user_pk, course.id, today, row.answers, row.points, len(mastered)),
        functools.partial(render_progress_card, card))
    points = str(row.points)
    if several and total_points != row.points:
        points += f" ({total_points} in all courses)"
    return Message(
        kind=Kind.STATS,
        title="Your stats",
        body="**Quiz answers right, by section**\n" + "\n".join(lines)
        if lines
        else "No answers yet. Start with `/study quiz`!",
        fields=(
            Field("Streak", f"{plural(streak_now, 'day')} (best {state.best})"),
            Field("Points", points),
            Field("Accuracy", f"{percent(right_total, total)} of {plural(total, 'answer')}"),
            Field("Topics practised", progress_bar(seen, len(course.topics)), inline=False),
            Field("Last 4 weeks", sparkline(card.days, today), inline=False),
        ),
        buttons=(
            Button("Quiz me", actions.NextQuiz(course=course.key).encode(), Style.PRIMARY),
            Button("Interview question", actions.Interview(course=course.key).encode()),
        ),
        footer=course.title,
        attachments=(Attachment("progress-card.png", picture.png, "image/png", picture.alt),) if picture else (),
    )


def parse_period(text: str | None) -> Period | None:
    """`week`, `month` or `all` (default week); None for anything else."""
    if not text:
        return Period.WEEK
    aliases = {"weekly": "week", "monthly": "month", "alltime": "all", "all-time": "all", "ever": "all"}
    try:
        return Period(aliases.get(text.lower(), text.lower()))
    except ValueError:
        return None


async def leaderboard(core: Core, actor: Actor, args: list[Argument]) -> Message:
    """The top learners of a course (or of every course: `overall`) for a week, a month or all time.

    The arguments are a period and a course, in any order; without a course, the channel's (else
    the default). Periods begin in the workspace's timezone. The caller's own line ("#1,234 of
    8,410, 420 pts") follows the top ten when they have points but are not in it.
    """
    named, rest = named_course(core.catalogue, args)
    words = [str(a) for a in rest]
    overall = OVERALL in (w.lower() for w in words) or (named is not None and named.text.lower() == OVERALL)
    if overall:
        named = None
    words = [w for w in words if w.lower() != OVERALL]
    if named is None and words and core.catalogue.get(words[-1].lower()):  # `/study leaderboard month k8s`
        named, words = CourseRef(words[-1].lower()), words[:-1]
    period_text = " ".join(words) or None
    period = parse_period(period_text)
    if period is None:
        return error(f"“{period_text}” is not a leaderboard period", "Use `week`, `month` or `all`.")
    course = None if overall else await course_for(core, actor, named)
    if isinstance(course, Message):
        return course
    identity = await core.identify(actor)
    tz = identity.board_timezone
    await core.scores.settled()
    async with core.reading() as uow:
        board = Board(identity.workspace_pk, course.id if course else ALL_COURSES, period,
                      period_key(period, core.clock(), tz))
        top = await uow.answers.leaderboard(board, BOARD_SIZE, identity.user_pk)
        rows = top.rows
        placed = any(row.user_id == identity.user_pk for row in rows)
        standing = (None if placed or top.own is None
                    else await core.standings.standing(uow.answers, board, top.own))
    lines = []
    for rank, row in enumerate(rows, 1):
        you = row.user_id == identity.user_pk
        lines.append("- " + board_line(rank, row.name, row.points, row.correct) + (" ← you" if you else ""))
    scope_word = "" if len(core.catalogue) == 1 else f" {course.id}" if course else f" {OVERALL}"
    others = ", ".join(f"`/study leaderboard {p.value}{scope_word}`" for p in Period if p is not period)
    if len(core.catalogue) > 1:
        others += ", " + ("`/study leaderboard <course>`" if course is None else f"`/study leaderboard {OVERALL}`")
    body = "\n".join(lines) if lines else "Nobody has scored yet in this period. Be the first: `/study quiz`!"
    scope = ("All courses · " if course is None else f"{course.title} · ") if len(core.catalogue) > 1 else ""
    return Message(
        kind=Kind.LEADERBOARD,
        title=f"🏆 Leaderboard · {scope}{period.label}",
        body=f"{body}\n\nOther boards: {others}.",
        fields=(Field("You", own_rank(standing), inline=False),) if standing else (),
        footer=board_footer(period, tz),
    )


def own_rank(standing: Standing) -> str:
    """The caller's place on a board: `#1,234 of 8,410, 420 pts`."""
    return f"#{standing.rank:,} of {standing.of:,}, {standing.points:,} pts"


def board_footer(period: Period, tz: str) -> str:
    """How the period is counted, in plain text (footers show no Markdown); none for all time."""
    return {
        Period.WEEK: f"Weeks start on Monday, {tz} time",
        Period.MONTH: f"Months follow the calendar in {tz}",
        Period.ALL: "",
    }[period]
