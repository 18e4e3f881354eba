"""The `/study` subcommands, each declared once: its help, who may run it, and the use case it runs.

Help, routing (`bot.app`) and Discord's command descriptions all come from `SUBCOMMANDS`; this
module also parses the text form used on Slack and the console.
"""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.content.catalogue import Catalogue
from bot.content.models import Course
from bot.messages import Kind, Message
from bot.usecases import (
    admin,
    courses,
    interview,
    lessons,
    privacy,
    progress,
    quiz,
    reminders,
    review,
    syllabus,
    team,
    timezones,
)
from bot.usecases.context import Actor, Argument, Core

Handler = Callable[[Core, Actor, list[Argument]], Awaitable[Message]]
"""What a subcommand runs: the core, who asks, and the arguments as typed or as the platform split them."""


@dataclass(frozen=True)
class Subcommand:
    """One `/study` subcommand: its name, argument hint and description, whether admins only, and its handler."""

    name: str
    usage: str
    description: str
    handler: Handler
    admin: bool = False

    def __post_init__(self) -> None:
        """A subcommand that runs nothing is a mistake in the table, found when it is declared."""
        if not callable(self.handler):
            raise TypeError(f"/study {self.name} is declared without a handler")

    def allows(self, actor: Actor) -> bool:
        """Whether `actor` may run this subcommand: anyone, or only admins for an admin one."""
        return actor.is_admin or not self.admin


def by_name(subcommands: tuple[Subcommand, ...]) -> dict[str, Subcommand]:
    """The subcommands by name; two with the same name are a mistake, found when the table is built."""
    table = {command.name: command for command in subcommands}
    if len(table) != len(subcommands):
        raise ValueError(f"two /study subcommands share a name: {[c.name for c in subcommands]}")
    return table


def _text(use_case: Callable[[Core, Actor, str | None], Awaitable[Message]]) -> Handler:
    """A handler passing the arguments as one text, or None when there are none."""
    return lambda core, actor, args: use_case(core, actor, " ".join(map(str, args)) or None)


def _plain(use_case: Callable[[Core, Actor], Awaitable[Message]]) -> Handler:
    """A handler for a use case that takes no arguments (any given are ignored)."""
    return lambda core, actor, _args: use_case(core, actor)


def _in_course(use_case: Callable[[Core, Actor, Course, str | None], Awaitable[Message]]) -> Handler:
    """A handler for a use case within one course, and the other arguments as one text.

    The course is the one named first, else the channel's, else the default.
    """

    async def handler(core: Core, actor: Actor, args: list[Argument]) -> Message:
        chosen = await courses.choose(core, actor, args)
        if isinstance(chosen, Message):
            return chosen
        return await use_case(core, actor, chosen.course, " ".join(map(str, chosen.rest)) or None)

    return handler


async def _help(core: Core, _actor: Actor, _args: list[Argument]) -> Message:
    """Every subcommand, as `/study help` shows them."""
    return help_message(core.catalogue)


async def _topics(core: Core, actor: Actor, course: Course, rest: str | None) -> Message:
    """The syllabus of the course; a word that names no course is answered as one (sections open by button)."""
    if rest:
        return courses.unknown_course(core.catalogue, rest)
    return await syllabus.topics(core, actor, course)


async def _today(core: Core, actor: Actor, course: Course, _rest: str | None) -> Message:
    """Today's topic of the course (the channel's when none is named)."""
    return await lessons.today(core, actor, course)


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("lesson", "[course] [topic]", "Read a lesson (today's when no topic is given)",
               _in_course(lessons.lesson)),
    Subcommand("quiz", "[course] [topic]", "Answer the question that's best for you now",
               _in_course(quiz.next_question)),
    Subcommand("interview", "[course] [topic]", "Practise an interview question or a card",
               _in_course(interview.next_interview)),
    Subcommand("today", "", "Show today's topic for this channel", _in_course(_today)),
    Subcommand("topics", "[course]", "List the syllabus with your progress in each topic",
               _in_course(_topics)),
    Subcommand("streak", "", "Show your study streak", _plain(progress.streak)),
    Subcommand("stats", "[course]", "Show your points, accuracy and progress", _in_course(progress.stats)),
    Subcommand("leaderboard", "[week|month|all] [course|overall]", "Show the top learners of this workspace",
               progress.leaderboard),
    Subcommand("review", "[course] [page]", "Look again at the questions you got wrong", _in_course(review.review)),
    Subcommand("privacy", "[hide|show]", "Appear on leaderboards as “a learner”, or by name",
               _text(privacy.privacy)),
    Subcommand("export-me", "", "Get everything StudyBot keeps about you, as a file", _plain(privacy.export_me)),
    Subcommand("forget-me", "", "Delete everything StudyBot keeps about you here", _plain(privacy.forget_me)),
    Subcommand("remind", "[HH:MM|off]", "Get a direct message at that time on days you haven't studied",
               _text(reminders.remind)),
    Subcommand("timezone", "[name]", "Show or set your own timezone (e.g. Europe/Berlin)", _text(timezones.timezone)),
    Subcommand("help", "", "Show this help", _help),
    Subcommand("setup", "<channel> <HH:MM> <timezone> [weekdays] [weekly-board on|off] [team-report on|off] "
               "[course <id>]",
               "Set up the daily lesson drop", admin.setup, admin=True),
    Subcommand("pause", "[channel]", "Pause the daily drop",
               lambda core, actor, args: admin.set_paused(core, actor, args, paused=True), admin=True),
    Subcommand("resume", "[channel]", "Resume the daily drop",
               lambda core, actor, args: admin.set_paused(core, actor, args, paused=False), admin=True),
    Subcommand("schedule", "", "Show the daily drop schedule", _plain(admin.schedule), admin=True),
    Subcommand("team", "[course]", "See how the team is doing and what it is forgetting", _in_course(team.team),
               admin=True),
)
BY_NAME = by_name(SUBCOMMANDS)


@dataclass(frozen=True)
class ParsedCommand:
    """A subcommand name (lower-case) and its arguments; name is empty for a blank command."""

    name: str
    args: tuple[str, ...]


def parse(text: str) -> ParsedCommand:
    """Split `/study quiz span` (or just `quiz span`) into the subcommand and its arguments."""
    try:
        words = shlex.split(text.strip())
    except ValueError:  # a lone apostrophe ("what's") is not a quote: fall back to plain words
        words = text.split()
    if words and words[0].lower() in ("/study", "study"):
        words = words[1:]
    if not words:
        return ParsedCommand("", ())
    return ParsedCommand(words[0].lower(), tuple(words[1:]))


def _example(catalogue: Catalogue) -> str:
    """A course to name in an example: one that is not the default, when there is one."""
    return next((c.id for c in catalogue if c.id != catalogue.default_id), catalogue.default_id)


def help_message(catalogue: Catalogue, unknown: str = "") -> Message:
    """Every subcommand with a one-line description, admin ones apart, and the courses when there are several."""

    def line(c: Subcommand) -> str:
        return f"- `/study {c.name}{' ' + c.usage if c.usage else ''}`: {c.description}"

    body = "\n".join(line(c) for c in SUBCOMMANDS if not c.admin)
    body += "\n\n**Admins**\n" + "\n".join(line(c) for c in SUBCOMMANDS if c.admin)
    body += (
        "\n\nName a topic by its number (`/study lesson 6`), words of its title "
        "(`/study quiz valuetask vs task`) or its id. `/study topics` lists them all."
    )
    if len(catalogue) > 1:
        body += (
            f"\n\n**Courses:** {courses.course_list(catalogue)}. "
            f"Name one first (`/study quiz {_example(catalogue)}`); "
            f"without one, a command uses this channel's course, else `{catalogue.default_id}`."
        )
    title = f"StudyBot · {catalogue.title}"
    if unknown:
        title = f"“{unknown}” is not a StudyBot command"
        body = "Here is what I can do:\n\n" + body
    return Message(kind=Kind.HELP, title=title, body=body)
