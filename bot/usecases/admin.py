"""Admin commands: set up a channel's daily drop, pause, resume, and show the schedule."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.domain.periods import is_timezone, zone
from bot.domain.schedule import describe_weekdays, next_drop, parse_time, parse_weekdays
from bot.messages import Field, Kind, Message, error, info
from bot.store.models import Channel
from bot.usecases.context import Actor, Core

WEEKLY_BOARD = "weekly-board"


@dataclass(frozen=True)
class ChannelRef:
    """A channel named in a command: its platform id and, when known, its name."""

    id: str
    name: str = ""


def parse_channel(token: str) -> ChannelRef | None:
    """Slack `<#C123|name>`, Discord `<#123>`, or a bare id / `#name` as the console uses."""
    token = token.strip()
    match = re.fullmatch(r"<#([A-Za-z0-9]+)(?:\|([^>]*))?>", token)
    if match:
        return ChannelRef(match.group(1), match.group(2) or "")
    match = re.fullmatch(r"#?([A-Za-z0-9][A-Za-z0-9_.-]{0,79})", token)
    if match:
        return ChannelRef(match.group(1), match.group(1) if token.startswith("#") else "")
    return None


def channel_label(actor: Actor, channel_id: str, name: str) -> str:
    """A channel as the platform shows it: a live mention on Discord and Slack, `#name` in the console."""
    return f"#{name or channel_id}" if actor.platform == "console" else f"<#{channel_id}>"


def refuse() -> Message:
    """The polite refusal for people who are not admins."""
    return error(
        "Only admins can do that",
        "The daily drop is managed by workspace admins (Manage Server on Discord). Nothing was changed.",
    )


SETUP_USAGE = (
    "Usage: `/study setup <#channel> <HH:MM> <timezone> [weekdays] [weekly-board on|off]`\n"
    "For example `/study setup #dotnet 09:00 Europe/Berlin mon-fri`."
)


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


async def setup(core: Core, actor: Actor, args: list[str]) -> Message:
    """Configure a channel's daily drop: time, timezone, weekdays and the weekly board."""
    if not actor.is_admin:
        return refuse()
    if len(args) < 3:
        return error("setup needs a channel, a time and a timezone", SETUP_USAGE)
    ref = parse_channel(args[0])
    if ref is None:
        return error(f"“{args[0]}” is not a channel", SETUP_USAGE)
    try:
        at = parse_time(args[1])
    except ValueError as exc:
        return error("That time doesn't work", f"{exc}.\n{SETUP_USAGE}")
    tz = args[2]
    if not is_timezone(tz):
        return error(
            f"“{tz}” is not a timezone",
            "Use an IANA name such as `Europe/London` or `America/New_York`.",
        )
    rest = args[3:]
    weekly: bool | None = None
    if len(rest) >= 2 and rest[-2].lower() == WEEKLY_BOARD:
        if rest[-1].lower() not in ("on", "off"):
            return error("weekly-board takes `on` or `off`", SETUP_USAGE)
        weekly = rest[-1].lower() == "on"
        rest = rest[:-2]
    try:
        days = parse_weekdays(" ".join(rest)) if rest else parse_weekdays("daily")
    except ValueError as exc:
        return error("Those weekdays don't work", f"{exc}.\n{SETUP_USAGE}")
    identity = await core.identify(actor)
    async with core.unit_of_work() as repo:
        name = ref.name or (actor.channel_name if ref.id == actor.channel_id else "")
        channel = await repo.ensure_channel(identity.workspace_pk, ref.id, name)
        channel.drop_time, channel.timezone, channel.weekdays = f"{at:%H:%M}", tz, ",".join(days)
        channel.paused, channel.last_error, channel.updated_at = False, None, core.clock()
        if weekly is not None:
            channel.weekly_board = weekly
        ws = await repo.workspace_by_id(identity.workspace_pk)
        if ws is not None and ws.timezone is None:
            ws.timezone = tz  # the first schedule's timezone becomes the workspace's day
        await repo.session.flush()
        channel_pk, when = channel.id, next_drop_text(channel, core.clock())
        weekly_on = channel.weekly_board
    core.forget_identities(identity.workspace_pk)
    _notify(core, channel_pk)
    label = channel_label(actor, ref.id, ref.name)
    return Message(
        kind=Kind.SCHEDULE,
        title="Daily drop set up ✅",
        body=f"A lesson will drop in {label} at **{at:%H:%M} {tz}**, {describe_weekdays(days)}.",
        fields=(Field("Next drop", when), Field("Weekly board", "on" if weekly_on else "off")),
    )


async def set_paused(core: Core, actor: Actor, args: list[str], paused: bool) -> Message:
    """Pause or resume a channel's drops (the given channel, else this one, else the only one)."""
    if not actor.is_admin:
        return refuse()
    identity = await core.identify(actor)
    verb = "pause" if paused else "resume"
    async with core.unit_of_work() as repo:
        channels = list(await repo.scheduled_channels(identity.workspace_pk))
        target: Channel | None = None
        if args:
            ref = parse_channel(args[0])
            target = next((c for c in channels if ref and c.external_id == ref.id), None)
        else:
            target = next((c for c in channels if c.external_id == actor.channel_id), None)
            if target is None and len(channels) == 1:
                target = channels[0]
        if target is None:
            if not channels:
                return info("No daily drop is set up yet", "Set one up with `/study setup`.")
            return error(
                f"Which channel should I {verb}?",
                f"Run `/study {verb}` in the channel, or name it: `/study {verb} #channel`.",
            )
        target.paused, target.updated_at = paused, core.clock()
        channel_pk, name, when = (
            target.id,
            target.name or target.external_id,
            next_drop_text(target, core.clock()),
        )
    _notify(core, channel_pk)
    if paused:
        return info(
            f"Daily drops paused in {name} ⏸️", "Nothing will be posted until `/study resume`."
        )
    return info(f"Daily drops resumed in {name} ▶️", f"Next drop: {when}.")


async def schedule(core: Core, actor: Actor) -> Message:
    """Every configured channel of the workspace with its settings and next drop (admins only)."""
    if not actor.is_admin:
        return refuse()
    identity = await core.identify(actor)
    async with core.unit_of_work() as repo:
        channels = list(await repo.scheduled_channels(identity.workspace_pk))
        now = core.clock()
        lines = []
        for c in channels:
            days = describe_weekdays(tuple(c.weekdays.split(",")))
            state = "⏸️ paused" if c.paused else f"next {next_drop_text(c, now)}"
            topic = core.course.topics[c.next_topic_index % len(core.course.topics)]
            name = channel_label(actor, c.external_id, c.name)
            line = f"- **{name}**: {c.drop_time} {c.timezone}, {days}; {state}; next topic: {topic.title}"
            if c.weekly_board:
                line += "; weekly board on"
            if c.last_error:
                line += f"\n  ⚠️ last problem: {c.last_error}"
            lines.append(line)
    if not lines:
        return info(
            "No daily drops yet",
            "An admin can set one up with `/study setup <#channel> <HH:MM> <timezone>`.",
        )
    return Message(kind=Kind.SCHEDULE, title="Daily drop schedule", body="\n".join(lines))


def _notify(core: Core, channel_pk: int) -> None:
    if core.schedule_changed is not None:
        core.schedule_changed(channel_pk)
