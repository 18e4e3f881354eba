"""Admin commands: set up a channel's daily drop, pause, resume, and show the schedule."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.content.catalogue import Catalogue
from bot.domain.periods import Period, first_day, is_timezone, local_day, zone
from bot.domain.schedule import describe_weekdays, next_drop, parse_time, parse_weekdays
from bot.messages import Field, Kind, Message, channel_mention, error, info
from bot.store.models import Channel
from bot.usecases.context import Actor, Argument, ChannelRef, Core, CourseRef
from bot.usecases.courses import course_list

SWITCHES = {"weekly-board": "weekly_board", "team-report": "team_report"}
"""The on/off options of a setup, as typed and as the channel keeps them."""


def parse_channel(arg: Argument) -> ChannelRef | None:
    """The channel an argument names: one the adapter recognised, or `#name` or a bare id as typed."""
    if isinstance(arg, ChannelRef):
        return arg
    if isinstance(arg, CourseRef):
        return None
    match = re.fullmatch(r"#?([A-Za-z0-9][A-Za-z0-9_.-]{0,79})", arg.strip())
    if match:
        return ChannelRef(match.group(1), match.group(1) if arg.strip().startswith("#") else "")
    return None


SETUP_USAGE = (
    "Usage: `/study setup <#channel> <HH:MM> <timezone> [weekdays] [weekly-board on|off] "
    "[team-report on|off] [course <id>]`\n\n"
    "For example: `/study setup #dotnet 09:00 Europe/Berlin mon-fri`."
)
COURSE_OPTION = "course"
TIMEZONE_HINT = "Use an IANA name such as `Europe/London` or `America/New_York`."


@dataclass(frozen=True)
class SetupRequest:
    """A setup command's arguments once every one of them has been checked."""

    channel: ChannelRef
    at: dt.time
    timezone: str
    weekdays: tuple[str, ...] | None  # None: keep the channel's (every day for a new one)
    switches: dict[str, bool]  # weekly_board, team_report: those given; the others keep the channel's
    course_id: str | None = None  # None: keep the channel's (the default course for a new one)


def _course_option(catalogue: Catalogue, args: list[Argument]) -> tuple[str | None, list[Argument], str]:
    """The course a setup names (`course <id>`, or a course option), the other arguments, and a problem if any."""
    for i, arg in enumerate(args):
        if isinstance(arg, CourseRef):
            found = catalogue.find(arg.text)
            rest = args[:i] + args[i + 1:]
            return (found.id, rest, "") if found else (None, rest, arg.text)
    words = [str(a) for a in args]
    for i in range(3, len(words) - 1):
        if words[i].lower() == COURSE_OPTION:
            found = catalogue.find(words[i + 1])
            rest = args[:i] + args[i + 2:]
            return (found.id, rest, "") if found else (None, rest, words[i + 1])
    return None, args, ""


def parse_setup(args: list[Argument], catalogue: Catalogue) -> SetupRequest | Message:
    """The setup arguments, or one error that names every problem in them."""
    course_id, args, unknown = _course_option(catalogue, args)
    if len(args) < 3:
        return error("setup needs a channel, a time and a timezone", SETUP_USAGE)
    problems: list[tuple[str, str]] = []
    ref = parse_channel(args[0])
    if ref is None:
        problems.append((f"“{args[0]}” is not a channel", "Name it as #channel."))
    at = dt.time(0, 0)
    try:
        at = parse_time(str(args[1]))
    except ValueError as exc:
        problems.append(("That time doesn't work", f"{exc}."))
    tz = str(args[2])
    if not is_timezone(tz):
        problems.append((f"“{tz}” is not a timezone", TIMEZONE_HINT))
    if unknown:
        problems.append((f"There is no course “{unknown}”", f"The courses are {course_list(catalogue)}."))
    rest = [str(arg) for arg in args[3:]]
    switches: dict[str, bool] = {}
    while len(rest) >= 2 and rest[-2].lower() in SWITCHES:
        option, value = rest[-2].lower(), rest[-1].lower()
        if value in ("on", "off"):
            switches.setdefault(SWITCHES[option], value == "on")
        else:
            problems.append((f"{option} needs on or off", f"“{rest[-1]}” is neither."))
        rest = rest[:-2]
    days: tuple[str, ...] | None = None
    if rest:
        try:
            days = parse_weekdays(" ".join(rest))
        except ValueError as exc:
            problems.append(("Those weekdays don't work", f"{exc}."))
    if len(problems) == 1:
        title, detail = problems[0]
        return error(title, f"{detail}\n\n{SETUP_USAGE}")
    if problems or ref is None:  # a channel that is not one is always among the problems
        listing = "\n".join(f"- {title}: {detail}" for title, detail in problems)
        return error(f"That setup has {len(problems)} problems", f"{listing}\n\n{SETUP_USAGE}")
    return SetupRequest(ref, at, tz, days, switches, course_id)


def next_drop_text(channel: Channel, now: dt.datetime) -> str:
    """When the channel's next drop goes out, in the channel's own time."""
    if channel.drop_time is None or channel.timezone is None:
        return "not scheduled"
    if channel.paused:
        return "paused"
    moment = next_drop(
        now, parse_time(channel.drop_time), channel.timezone, tuple(channel.weekdays.split(","))
    )
    return f"{moment.astimezone(zone(channel.timezone)):%a %d %b %H:%M} {channel.timezone}"


async def setup(core: Core, actor: Actor, args: list[Argument]) -> Message:
    """Configure a channel's daily drop: time, timezone, weekdays, the weekly board and team report.

    Weekdays, the weekly board and the team report are kept from an earlier setup unless given
    again, and the reply says what changed.
    """
    request = parse_setup(args, core.catalogue)
    if isinstance(request, Message):
        return request
    ref, at, tz = request.channel, request.at, request.timezone
    identity = await core.identify(actor)
    async with core.unit_of_work() as uow:
        name = ref.name or (actor.channel_name if ref.id == actor.channel_id else "")
        channel = await uow.channels.ensure_channel(identity.workspace_pk, ref.id, name)
        existing = channel.drop_time is not None
        before = _settings(channel, core.catalogue)
        days = request.weekdays or (
            tuple(channel.weekdays.split(",")) if existing else parse_weekdays("daily")
        )
        schedule: dict[str, object] = {"drop_time": f"{at:%H:%M}", "timezone": tz, "weekdays": ",".join(days)}
        schedule.update(request.switches)
        new_course = request.course_id is not None and request.course_id != (
            channel.course_id or core.catalogue.default_id)
        if new_course:  # a new course starts from its first topic
            schedule.update(course_id=request.course_id, next_topic_index=0)
        await uow.channels.save_schedule(channel.id, schedule, core.clock())
        after = _settings(channel, core.catalogue)
        # The first schedule's timezone becomes the workspace's day, and its boards' weeks and months.
        if await uow.channels.adopt_timezone(identity.workspace_pk, tz) and tz != core.default_timezone:
            # Only the periods a board still shows: this month and last, and their weeks.
            this_month = first_day(Period.MONTH, local_day(core.clock(), tz))
            since = first_day(Period.MONTH, this_month - dt.timedelta(days=1))
            await uow.answers.rebuild_scores(identity.workspace_pk, tz, since)
        channel_pk, when = channel.id, next_drop_text(channel, core.clock())
        switched = {"weekly_board": channel.weekly_board, "team_report": channel.team_report}
        course = _course_of(channel, core.catalogue)
    core.forget_identities(identity.workspace_pk)
    core.channel_courses.forget()
    core.schedule_changed.publish(channel_pk)
    label = channel_mention(ref.id, name)
    body = f"A lesson will drop in {label} at **{at:%H:%M} {tz}**, {describe_weekdays(days)}."
    if existing:
        body += "\n\n" + _changes(before, after)
    elif request.weekdays is None:
        body += " Add weekdays such as `mon-fri` to drop on fewer days."
    kept = " (kept)" if existing else ""
    return Message(
        kind=Kind.SCHEDULE,
        title="Daily drop set up ✅",
        body=body,
        fields=(
            Field("Next drop", when),
            Field("Weekdays", describe_weekdays(days) + (kept if request.weekdays is None else "")),
            *(Field(label, ("on" if switched[key] else "off") + ("" if key in request.switches else kept))
              for label, key in (("Weekly board", "weekly_board"), ("Team report", "team_report"))),
            Field("Course", course + (", from its first topic" if new_course and existing else "")
                  + ("" if request.course_id else kept)),
        ),
    )


def _course_of(channel: Channel, catalogue: Catalogue) -> str:
    """The title of the course a channel drops (the default one when none is set, or it is no longer served)."""
    return catalogue.course_or_default(channel.course_id).title


def _settings(channel: Channel, catalogue: Catalogue) -> dict[str, str]:
    return {
        "course": _course_of(channel, catalogue),
        "time": channel.drop_time or "",
        "timezone": channel.timezone or "",
        "weekdays": describe_weekdays(tuple(channel.weekdays.split(","))),
        "weekly board": "on" if channel.weekly_board else "off",
        "team report": "on" if channel.team_report else "off",
        "state": "paused" if channel.paused else "running",
    }


def _changes(before: dict[str, str], after: dict[str, str]) -> str:
    """`Changed: time 09:00 → 10:00.` or `Nothing changed: ...`."""
    changed = [
        f"{key} {before[key]} → {after[key]}"
        for key in before
        if before[key] != after[key] and key != "state"
    ]
    if before["state"] == "paused":
        changed.append("drops resumed (they were paused)")
    if not changed:
        return "Nothing changed: this was already the schedule."
    return "Changed: " + "; ".join(changed) + "."


async def set_paused(core: Core, actor: Actor, args: list[Argument], paused: bool) -> Message:
    """Pause or resume a channel's drops (the given channel, else this one, else the only one)."""
    verb = "pause" if paused else "resume"
    ref = parse_channel(args[0]) if args else None
    if args and ref is None:
        return error(f"“{args[0]}” is not a channel", f"Name it as #channel: `/study {verb} #general`.")
    identity = await core.identify(actor)
    async with core.unit_of_work() as uow:
        channels = list(await uow.channels.scheduled_channels(identity.workspace_pk))
        if ref is not None:
            target = next((c for c in channels if _is(c, ref)), None)
        else:
            target = next((c for c in channels if c.external_id == actor.channel_id), None)
            if target is None and len(channels) == 1:
                target = channels[0]
        if not channels:
            return info("No daily drop is set up yet", "Set one up with `/study setup`.")
        if target is None:
            known = ", ".join(channel_mention(c.external_id, c.name) for c in channels)
            if ref is not None:
                return error(
                    "That channel has no daily drop",
                    f"{channel_mention(ref.id, ref.name)} is not set up for daily drops. "
                    f"Channels with one: {known}.",
                )
            return error(
                f"Which channel should I {verb}?",
                f"Run `/study {verb}` in the channel, or name it: `/study {verb} #channel`. "
                f"Channels with a daily drop: {known}.",
            )
        already = target.paused == paused
        await uow.channels.set_paused(target.id, paused, core.clock())
        channel_pk, label, when = (
            target.id,
            channel_mention(target.external_id, target.name),
            next_drop_text(target, core.clock()),
        )
    core.schedule_changed.publish(channel_pk)
    if paused:
        state = "were already paused" if already else "are paused"
        return info("Daily drops paused ⏸️", f"Drops in {label} {state}: nothing will be posted until `/study resume`.")
    state = "were already running" if already else "are running again"
    return info("Daily drops resumed ▶️", f"Drops in {label} {state}. Next drop: {when}.")


def _is(channel: Channel, ref: ChannelRef) -> bool:
    """Whether a channel named in a command (by id, or by `#name` in the console) is this one."""
    return channel.external_id == ref.id or bool(ref.name and channel.name == ref.name)


async def schedule(core: Core, actor: Actor) -> Message:
    """Every configured channel of the workspace with its settings and next drop."""
    identity = await core.identify(actor)
    async with core.unit_of_work() as uow:
        channels = list(await uow.channels.scheduled_channels(identity.workspace_pk))
        now = core.clock()
        lines = []
        for c in channels:
            days = describe_weekdays(tuple(c.weekdays.split(",")))
            state = "⏸️ paused" if c.paused else f"next {next_drop_text(c, now)}"
            course = core.catalogue.course_or_default(c.course_id)
            topic = course.topics[c.next_topic_index % len(course.topics)]
            name = channel_mention(c.external_id, c.name)
            line = f"- **{name}**: {c.drop_time} {c.timezone}, {days}; {state}; next topic: {topic.title}"
            if len(core.catalogue) > 1:
                line += f" ({course.title})"
            if c.weekly_board:
                line += "; weekly board on"
            if c.team_report:
                line += "; team report on"
            if c.last_error:
                line += f"\n  ⚠️ last problem: {c.last_error}"
            lines.append(line)
    if not lines:
        return info(
            "No daily drops yet",
            "An admin can set one up with `/study setup <#channel> <HH:MM> <timezone>`.",
        )
    return Message(kind=Kind.SCHEDULE, title="Daily drop schedule", body="\n".join(lines))

