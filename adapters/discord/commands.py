"""The `/study` command group: typed options, autocomplete and choices, each calling the core."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from adapters.discord.config import REQUIRED_PERMISSIONS
from adapters.discord.interactions import host, run_subcommand
from bot.commands import BY_NAME, SUBCOMMANDS, Subcommand
from bot.domain.periods import timezone_names
from bot.messages import Message, error
from bot.text import shorten
from bot.usecases.context import Actor, Argument, ChannelRef, CourseRef
from bot.usecases.courses import OVERALL
from bot.usecases.topics import search_topics

AUTOCOMPLETE_LIMIT = 25
COURSE_HINT = "Which course (default: this channel's, else the default course)"
CHOICE_NAME_LIMIT = 100
DESCRIPTION_LIMIT = 100
DROP_CHANNEL_TYPES = (discord.ChannelType.text, discord.ChannelType.news)
PERMISSION_NAMES = {"read_messages": "View Channel"}  # as Discord's own settings call them


Built = app_commands.Command[Any, ..., None]
Build = Callable[[Subcommand], Built]
"""Makes the Discord command of a core subcommand: its typed options, calling the core with them."""


def describe(command: Subcommand) -> str:
    """The subcommand's description from the core (marked when for admins), within Discord's 100 characters."""
    return shorten(f"{command.description} (admins)" if command.admin else command.description, DESCRIPTION_LIMIT)


def built(command: Subcommand, callback: Callable[..., Coroutine[Any, Any, None]]) -> Built:
    """The Discord command for `command`: the core's name and description, and `callback` for its options."""
    return app_commands.Command(name=command.name, description=describe(command), callback=callback)


def without_options(command: Subcommand) -> Built:
    """A subcommand that takes no options."""

    async def callback(interaction: discord.Interaction[Any]) -> None:
        await run_subcommand(interaction, command, [])

    return built(command, callback)


Autocomplete = Callable[[discord.Interaction[Any], str], Coroutine[Any, Any, list[app_commands.Choice[str]]]]


def typed_text(autocomplete: Autocomplete) -> Autocomplete:
    """`autocomplete`, given what was typed only as text: any other value counts as nothing typed.

    discord.py passes the focused option's raw value, which a malformed interaction can make a
    number, a list or null; this is where that value enters.
    """

    @functools.wraps(autocomplete)
    async def checked(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        return await autocomplete(interaction, current if isinstance(current, str) else "")

    return checked


@typed_text
async def topic_autocomplete(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    """Topics matching what was typed so far (by title and id, fuzzy), in syllabus order when empty.

    They are the topics of the course chosen in the same command, else of the default course.
    """
    catalogue = host(interaction).runtime.core.catalogue
    named = getattr(interaction.namespace, "course", None)
    course = (catalogue.find(named) if isinstance(named, str) and named else None) or catalogue.default
    choices = []
    for topic in search_topics(course, current, limit=AUTOCOMPLETE_LIMIT):
        label = shorten(f"{course.topic_number(topic.id)}. {topic.title} ({topic.id})", CHOICE_NAME_LIMIT)
        choices.append(app_commands.Choice(name=label, value=topic.id))
    return choices


@typed_text
async def course_autocomplete(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    """The served courses whose id or title contains what was typed."""
    catalogue = host(interaction).runtime.core.catalogue
    return [app_commands.Choice(name=shorten(f"{c.title} ({c.id})", CHOICE_NAME_LIMIT), value=c.id)
            for c in catalogue.matching(current, AUTOCOMPLETE_LIMIT)]


@typed_text
async def board_course_autocomplete(interaction: discord.Interaction[Any],
                                    current: str) -> list[app_commands.Choice[str]]:
    """The courses, and every course together (the overall board)."""
    overall = app_commands.Choice(name="All courses (overall)", value=OVERALL)
    wanted = current.strip().casefold()
    found = await course_autocomplete(interaction, current)
    return ([overall] if not wanted or wanted in overall.name.casefold() else []) + found[:AUTOCOMPLETE_LIMIT - 1]


def in_course(course: str | None) -> list[Argument]:
    """The course option as the core takes it: a named course, or nothing (the channel's)."""
    return [CourseRef(course)] if course else []


@typed_text
async def timezone_autocomplete(interaction: discord.Interaction[Any],
                                current: str) -> list[app_commands.Choice[str]]:
    """IANA timezones containing what was typed; names that start with it come first."""
    return [app_commands.Choice(name=name, value=name) for name in matching_timezones(current)]


def matching_timezones(current: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[str]:
    """Up to `limit` IANA names for a partial entry such as `berl` or `America/`."""
    query = current.strip().lower().replace(" ", "_")
    names = timezone_names()
    if not query:
        popular = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
                   "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"]
        return [n for n in popular if n in names][:limit]
    starts = [n for n in names if n.lower().startswith(query) or n.lower().split("/")[-1].startswith(query)]
    contains = [n for n in names if query in n.lower() and n not in starts]
    return (starts + contains)[:limit]


class TextChannelOption(app_commands.Transformer[discord.Client]):
    """A channel option that Discord restricts to text and announcement channels."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        """Discord's channel option type."""
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        """Only channels a lesson can be posted in."""
        return list(DROP_CHANNEL_TYPES)

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> Any:
        """The resolved channel as Discord sent it."""
        return value


def check_drop_channel(interaction: discord.Interaction[Any], channel: Any) -> Message | None:
    """Why the bot cannot drop lessons in `channel`, or None when it can."""
    mention = f"<#{channel.id}>"
    if getattr(channel, "type", None) not in DROP_CHANNEL_TYPES:
        return error(f"{mention} is not a text channel", "Pick a text or announcement channel for the daily drop.")
    guild_id = getattr(channel, "guild_id", None) or getattr(getattr(channel, "guild", None), "id", None)
    if interaction.guild_id is not None and guild_id not in (None, interaction.guild_id):
        return error(f"{mention} is not in this server", "Pick a channel of this server.")
    guild = interaction.guild
    cached = guild.get_channel(channel.id) if guild is not None else None
    me = guild.me if guild is not None else None
    if cached is not None and me is not None and isinstance(cached, discord.abc.GuildChannel):
        have = cached.permissions_for(me)
        missing = [PERMISSION_NAMES.get(name, name.replace("_", " ").title())
                   for name, needed in REQUIRED_PERMISSIONS if needed and not getattr(have, name)]
        if missing:
            return error(f"I can't post in {mention}",
                         f"I need {', '.join(missing)} there. Give my role these permissions and try again.")
    return None


def with_topic(hint: str) -> Build:
    """A subcommand with one optional topic, autocompleted; `hint` describes the option."""

    def build(command: Subcommand) -> Built:
        @app_commands.describe(topic=hint, course=COURSE_HINT)
        @app_commands.autocomplete(topic=topic_autocomplete, course=course_autocomplete)
        async def callback(interaction: discord.Interaction[Any], topic: str | None = None,
                           course: str | None = None) -> None:
            await run_subcommand(interaction, command, [*in_course(course), *([topic] if topic else [])])

        return built(command, callback)

    return build


def with_period(command: Subcommand) -> Built:
    """The leaderboard: a period to choose from."""

    @app_commands.describe(period="Which period to rank (default: this week)",
                           course="Which course's board, or all courses (default: this channel's course)")
    @app_commands.choices(period=[
        app_commands.Choice(name="This week", value="week"),
        app_commands.Choice(name="This month", value="month"),
        app_commands.Choice(name="All time", value="all"),
    ])
    @app_commands.autocomplete(course=board_course_autocomplete)
    async def callback(interaction: discord.Interaction[Any], period: app_commands.Choice[str] | None = None,
                       course: str | None = None) -> None:
        await run_subcommand(interaction, command, [*in_course(course), *([period.value] if period else [])])

    return built(command, callback)


def with_page(command: Subcommand) -> Built:
    """Review: which page of mistakes, the first when none is given."""

    @app_commands.describe(page="Which page of your mistakes (default: the newest)", course=COURSE_HINT)
    @app_commands.autocomplete(course=course_autocomplete)
    async def callback(interaction: discord.Interaction[Any],
                       page: app_commands.Range[int, 1, 999] | None = None, course: str | None = None) -> None:
        await run_subcommand(interaction, command, [*in_course(course), *([str(page)] if page else [])])

    return built(command, callback)


def with_course(command: Subcommand) -> Built:
    """A subcommand within one course: the syllabus, stats, the team view."""

    @app_commands.describe(course=COURSE_HINT)
    @app_commands.autocomplete(course=course_autocomplete)
    async def callback(interaction: discord.Interaction[Any], course: str | None = None) -> None:
        await run_subcommand(interaction, command, in_course(course))

    return built(command, callback)


def with_visibility(command: Subcommand) -> Built:
    """Privacy: hide or show the learner's name on leaderboards; blank shows the current setting."""

    @app_commands.describe(setting="How leaderboards name you (blank: show the current setting)")
    @app_commands.choices(setting=[
        app_commands.Choice(name="Hide my name (show “a learner”)", value="hide"),
        app_commands.Choice(name="Show my name", value="show"),
    ])
    async def callback(interaction: discord.Interaction[Any],
                       setting: app_commands.Choice[str] | None = None) -> None:
        await run_subcommand(interaction, command, [setting.value] if setting else [])

    return built(command, callback)


def with_schedule(command: Subcommand) -> Built:
    """Setup: a text channel Discord checks, the time, an autocompleted timezone, weekdays, the weekly board."""

    @app_commands.describe(
        channel="The channel lessons drop in",
        time="Drop time as HH:MM, 24-hour (e.g. 09:00)",
        timezone="IANA timezone of that time (e.g. Europe/Berlin)",
        weekdays="Days to drop on (default daily): e.g. mon-fri or mon,wed,fri",
        weekly_board="Post the weekly leaderboard in the channel too",
        team_report="Post the team's week (no names) with it on Mondays",
        course="The course the channel studies (default: kept, or the default course)",
    )
    @app_commands.autocomplete(timezone=timezone_autocomplete, course=course_autocomplete)
    async def callback(interaction: discord.Interaction[Any], channel: app_commands.Transform[Any, TextChannelOption],
                       time: app_commands.Range[str, 3, 5], timezone: str, weekdays: str | None = None,
                       weekly_board: bool | None = None, team_report: bool | None = None,
                       course: str | None = None) -> None:
        args: list[Argument] = [ChannelRef(str(channel.id), str(getattr(channel, "name", "") or "")), time, timezone,
                                *(weekdays.split() if weekdays else []), *in_course(course)]
        for option, value in (("weekly-board", weekly_board), ("team-report", team_report)):
            if value is not None:
                args += [option, "on" if value else "off"]

        def check(_actor: Actor) -> Message | None:
            return check_drop_channel(interaction, channel)

        await run_subcommand(interaction, command, args, check)

    return built(command, callback)


def with_channel(command: Subcommand) -> Built:
    """Pause and resume: a text channel, this one when none is given."""

    @app_commands.describe(channel="Which channel (default: this one)")
    async def callback(interaction: discord.Interaction[Any],
                       channel: app_commands.Transform[Any, TextChannelOption] | None = None) -> None:
        await run_subcommand(interaction, command, [ChannelRef(str(channel.id))] if channel else [])

    return built(command, callback)


def with_reminder(command: Subcommand) -> Built:
    """Remind: a time, or off; blank shows the reminder."""

    @app_commands.describe(time="HH:MM in your timezone (24-hour), or off (blank: show your reminder)")
    async def callback(interaction: discord.Interaction[Any],
                       time: app_commands.Range[str, 1, 5] | None = None) -> None:
        await run_subcommand(interaction, command, [time] if time else [])

    return built(command, callback)


def with_timezone(command: Subcommand) -> Built:
    """Timezone: an autocompleted IANA name; blank shows the learner's."""

    @app_commands.describe(name="IANA timezone, e.g. Europe/Berlin (blank: show yours)")
    @app_commands.autocomplete(name=timezone_autocomplete)
    async def callback(interaction: discord.Interaction[Any], name: str | None = None) -> None:
        await run_subcommand(interaction, command, [name] if name else [])

    return built(command, callback)


OPTIONS: dict[str, Build] = {
    "lesson": with_topic("Topic title, id or number (blank: today's)"),
    "quiz": with_topic("Keep to one topic (blank: the best question for you)"),
    "interview": with_topic("Keep to one topic (blank: any)"),
    "leaderboard": with_period,
    "review": with_page,
    "topics": with_course,
    "stats": with_course,
    "team": with_course,
    "privacy": with_visibility,
    "remind": with_reminder,
    "timezone": with_timezone,
    "setup": with_schedule,
    "pause": with_channel,
    "resume": with_channel,
}
"""The typed options of the core's subcommands, by name; the others take none."""
if not OPTIONS.keys() <= BY_NAME.keys():
    raise LookupError(f"options for subcommands the core does not declare: {sorted(OPTIONS.keys() - BY_NAME)}")


@app_commands.guild_only()
class StudyGroup(app_commands.Group, name="study", description="StudyBot: lessons, quizzes and interview practice"):
    """`/study` and its subcommands, in the order of the core's help; every one calls the core."""

    def __init__(self) -> None:
        super().__init__()
        for command in SUBCOMMANDS:
            self.add_command(OPTIONS.get(command.name, without_options)(command))
