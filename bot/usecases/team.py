"""The team lead's view: who studies, what the team is forgetting, and who may need a nudge."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass, replace

from bot.content.models import Course
from bot.domain.periods import local_day, zone
from bot.domain.streaks import Streak, current_as_of
from bot.messages import Attachment, Kind, Message, Visibility
from bot.pictures.data import DayCount, TeamChart, TopicRecall
from bot.pictures.sparkline import sparkline
from bot.pictures.team import render_team_chart
from bot.store.team import LearnerActivity, Participation, TopicMemory
from bot.text import shorten
from bot.usecases.context import Actor, Core
from bot.usecases.format import percent, plural

WINDOW_DAYS = 28
AT_RISK_STREAK = 3
IDLE_DAYS = 7
DUE_WITHIN = dt.timedelta(days=7)
SHOWN = 5


@dataclass(frozen=True)
class SectionProgress:
    """A section's answers right, and the share of its questions its learners answered right at least once."""

    title: str
    answers: int
    right: int
    mastered: float | None


@dataclass(frozen=True)
class Figures:
    """What `/study team` reads of the whole workspace's history, as of `today`."""

    today: dt.date
    participation: Participation
    memory: list[TopicMemory]


@dataclass(frozen=True)
class TeamReport:
    """Every figure of `/study team` for one workspace, as of `today` in its timezone."""

    today: dt.date
    participation: Participation
    recall: tuple[TopicRecall, ...]  # the practised topics, lowest recall first
    unpractised: tuple[str, ...]
    due_soon: int
    at_risk: tuple[tuple[str, int], ...]  # name, streak
    idle: tuple[tuple[str, dt.date], ...]  # name, last day studied
    sections: tuple[SectionProgress, ...]

    def day_counts(self) -> tuple[DayCount, ...]:
        """The team's answers per day, as the chart and the sparkline take them."""
        return tuple(DayCount(day, n) for day, n in self.participation.answers_by_day.items())

    def answers_by_day(self) -> list[int]:
        """Answers on each of the last WINDOW_DAYS days, oldest first."""
        days = [self.today - dt.timedelta(days=n) for n in range(WINDOW_DAYS - 1, -1, -1)]
        return [self.participation.answers_by_day.get(day, 0) for day in days]


def build_report(course: Course, today: dt.date, participation: Participation, memory: list[TopicMemory],
                 activity: list[LearnerActivity], workspace_tz: str, now: dt.datetime) -> TeamReport:
    """The team's figures from what the store read: recall per topic, sections, and the nudges."""
    by_topic = {m.topic_id: m for m in memory if m.topic_id in course.topic_by_id}
    recall = sorted(
        (TopicRecall(course.topic_by_id[t].title, min(m.recall / m.cards, 1.0), m.learners)
         for t, m in by_topic.items()),
        key=lambda r: (r.recall or 0.0, r.title),
    )
    sections = []
    for section in course.sections:
        held = [(by_topic[t], course.topic_by_id[t]) for t in section.topic_ids if t in by_topic]
        possible = sum(m.learners * (len(topic.quiz) + len(topic.self_graded)) for m, topic in held)
        answers = sum(m.answers for m, _ in held)
        sections.append(SectionProgress(
            section.title, answers, answers - sum(m.wrong for m, _ in held),
            sum(m.right_once for m, _ in held) / possible if possible else None,
        ))
    at_risk, idle = [], []
    for learner in activity:
        own_today = local_day(now, learner.timezone or workspace_tz)
        streak = current_as_of(
            Streak(learner.current_streak, learner.best_streak, learner.last_active_day, learner.freeze_used_on),
            own_today,
        )
        if streak >= AT_RISK_STREAK and learner.last_active_day < own_today:
            at_risk.append((learner.name, streak))
        elif (own_today - learner.last_active_day).days >= IDLE_DAYS:
            idle.append((learner.name, learner.last_active_day))
    return TeamReport(
        today=today,
        participation=participation,
        recall=tuple(recall),
        unpractised=tuple(t.title for t in course.topics if t.id not in by_topic),
        due_soon=sum(m.due_soon for m in by_topic.values()),
        at_risk=tuple(sorted(at_risk, key=lambda a: (-a[1], a[0]))),
        idle=tuple(sorted(idle, key=lambda a: (a[1], a[0]), reverse=True)),
        sections=tuple(sections),
    )


async def read_figures(core: Core, workspace_pk: int, course: Course, tz: str, now: dt.datetime) -> Figures:
    """The workspace's participation and memory in `course` as of `now`: the reads that grow with its history."""
    today = local_day(now, tz)
    monday = today - dt.timedelta(days=today.weekday())
    async with core.reading() as uow:
        participation = await uow.team.participation(
            workspace_pk, course.id, today - dt.timedelta(days=WINDOW_DAYS - 1), monday - dt.timedelta(days=7),
            monday, now - dt.timedelta(days=WINDOW_DAYS + 1), today,
        )
        memory = await uow.team.memory(workspace_pk, course.id, now, now + DUE_WITHIN)
    return Figures(today, participation, memory)


async def team(core: Core, actor: Actor, course: Course, _rest: str | None = None) -> Message:
    """The workspace's participation, recall by topic, nudges and sections in `course`, for an admin's eyes only.

    Participation and memory read every card and the last four weeks of answers, so they are kept
    for `Core.team_figures.fresh_for` and read again in the background once older.
    """
    identity = await core.identify(actor)
    now = core.clock()
    async with core.unit_of_work() as uow:
        ws = await uow.channels.workspace_by_id(identity.workspace_pk)
        tz = (ws.timezone if ws else None) or core.default_timezone
        activity = await uow.team.lapsing(
            identity.workspace_pk, AT_RISK_STREAK, local_day(now, tz) - dt.timedelta(days=IDLE_DAYS)
        )
    kept = await core.team_figures.get(
        (identity.workspace_pk, course.id), now, lambda: read_figures(core, identity.workspace_pk, course, tz, now)
    )
    figures = kept.value
    report = build_report(course, figures.today, figures.participation, figures.memory, activity, tz, now)
    chart = team_chart(course, report, ws.name if ws else "")
    picture = await core.pictures.get(("team", identity.workspace_pk, course.id, kept.read_at),
                                      functools.partial(render_team_chart, chart))
    attachments = (Attachment("team-chart.png", picture.png, "image/png", picture.alt),) if picture else ()
    message = replace(team_message(report, names=True, course=course.title if len(core.catalogue) > 1 else ""),
                      attachments=attachments)
    if now - kept.read_at >= dt.timedelta(minutes=1):
        age = round((now - kept.read_at).total_seconds() / 60)
        note = f"Figures from {plural(age, 'minute')} ago, refreshing now. "
        message = replace(message, footer=note + message.footer)
    return message


def team_chart(course: Course, report: TeamReport, team_name: str) -> TeamChart:
    """What the team chart draws: every topic's recall (None where nobody practised) and the answers a day."""
    recall = {r.title: r for r in report.recall}
    short = Counter(t.title.split(":")[0] for t in course.topics)

    def name(title: str) -> str:  # the part before a colon, unless two topics share it
        head = title.split(":")[0]
        return head if short[head] == 1 else title

    topics = tuple(
        TopicRecall(name(t.title), recall[t.title].recall, recall[t.title].learners)
        if t.title in recall else TopicRecall(name(t.title), None, 0)
        for t in course.topics
    )
    days = report.day_counts()
    return TeamChart(team_name or "Your team", report.today, topics, days)


async def weekly_report(core: Core, workspace_pk: int, course: Course, tz: str, monday: dt.date) -> Message:
    """The team's last week in `course` for a channel, posted with the weekly board: `/study team` without names."""
    end = dt.datetime.combine(monday, dt.time(0, 0), tzinfo=zone(tz)).astimezone(dt.UTC) - dt.timedelta(microseconds=1)
    figures = await read_figures(core, workspace_pk, course, tz, end)
    async with core.reading() as uow:
        idle_since = figures.today - dt.timedelta(days=IDLE_DAYS)
        activity = await uow.team.lapsing(workspace_pk, AT_RISK_STREAK, idle_since)
    report = build_report(course, figures.today, figures.participation, figures.memory, activity, tz, end)
    message = team_message(report, names=False, weekly=True, course=course.title if len(core.catalogue) > 1 else "")
    return replace(message, visibility=Visibility.PUBLIC)


def _listed(items: list[str], more: int) -> str:
    """Items joined with commas, and how many more there are."""
    return ", ".join(items) + (f" and {more} more" if more > 0 else "")


def team_message(report: TeamReport, *, names: bool, weekly: bool = False, course: str = "") -> Message:
    """The report as a message; `names` shows who may need a nudge (for admins only).

    `weekly` words it as the week that has just ended (`report.today` is its Sunday); `course`,
    when several are served, is the title of the one it is about.
    """
    p = report.participation
    this, previous = ("last week", "the week before") if weekly else ("this week", "last week")
    days = report.answers_by_day()
    busiest = max(range(len(days)), key=lambda n: (days[n], n))
    busiest_day = report.today - dt.timedelta(days=len(days) - 1 - busiest)
    lines = [
        "**Participation**",
        f"- Active {this}: {plural(p.this_week, 'learner')} ({previous}: {p.last_week})",
        f"- Studied on 3+ days {this}: {p.three_days_this_week} of the {plural(p.team, 'learner')} "
        f"active in the last 4 weeks ({percent(p.three_days_this_week, p.team)})",
        f"- Answers in the last 4 weeks: {sum(days):,}"
        + (f" (busiest day: {busiest_day:%a %d %b}, {days[busiest]:,})" if sum(days) else ""),
        f"- Answers a day: {sparkline(report.day_counts(), report.today)}",
        "",
        "**What the team is forgetting** (recall now, lowest first)",
    ]
    lines += [f"- {r.title}: {round(100 * (r.recall or 0.0))}% recall · {plural(r.learners, 'learner')}"
              for r in report.recall[:SHOWN]]
    if len(report.recall) > SHOWN:
        lines.append(f"- … and {plural(len(report.recall) - SHOWN, 'more topic')}")
    if not report.recall:
        lines.append("- Nobody has practised a topic yet.")
    if report.unpractised:
        shown = [shorten(title.split(":")[0], 40) for title in report.unpractised[:3]]
        lines.append(f"- Not practised yet: {plural(len(report.unpractised), 'topic')} ("
                     + ", ".join(shown) + (", …)" if len(report.unpractised) > len(shown) else ")"))
    lines.append(f"- Reviews due in the next 7 days: {report.due_soon:,}")
    lines += ["", "**Who may need a nudge**"]
    if names:
        risk = [f"{name} ({plural(streak, 'day')})" for name, streak in report.at_risk[:SHOWN]]
        idle = [f"{name} (last {day:%d %b})" for name, day in report.idle[:SHOWN]]
        lines.append("- Streak of 3+ days, not studied today: "
                     + (_listed(risk, len(report.at_risk) - len(risk)) or "nobody"))
        lines.append("- Inactive for 7+ days: " + (_listed(idle, len(report.idle) - len(idle)) or "nobody"))
    else:
        if not weekly:
            lines.append(f"- {plural(len(report.at_risk), 'learner')} with a streak of 3+ days had not studied today")
        lines.append(f"- {plural(len(report.idle), 'learner')} inactive for 7+ days")
    lines += ["", "**Sections**"]
    for s in report.sections:
        if s.mastered is None:
            lines.append(f"- {s.title}: not practised yet")
        else:
            lines.append(f"- {s.title}: {percent(s.right, s.answers)} of answers right · "
                         f"{round(100 * s.mastered)}% of questions answered right at least once")
    return Message(
        kind=Kind.TEAM,
        title=("👥 Last week's team report" if weekly else "👥 Team") + (f" · {course}" if course else ""),
        body="\n".join(lines),
        footer=(f"Week ending {report.today:%a %d %b %Y}" if weekly else f"As of {report.today:%a %d %b %Y}")
        + ". Recall: FSRS's chance an answer is still known.",
    )
