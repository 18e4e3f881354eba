"""The `/study` subcommands, each declared once: its help, who may run it, and the use case it runs.

Help, routing (`bot.app`) and Discord's command descriptions all come from `SUBCOMMANDS`; this
module also parses the text form used on Slack and the console.
"""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.messages import Kind, Message
from bot.usecases import (
    admin,
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


async def _help(core: Core, _actor: Actor, _args: list[Argument]) -> Message:
    """Every subcommand, as `/study help` shows them."""
    return help_message(core.course.title)


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("lesson", "[topic]", "Read a lesson (today's when no topic is given)", _text(lessons.lesson)),
    Subcommand("quiz", "[topic]", "Answer the question that's best for you now", _text(quiz.next_question)),
    Subcommand("interview", "[topic]", "Practise an interview question or a card", _text(interview.next_interview)),
    Subcommand("today", "", "Show today's topic for this channel", _plain(lessons.today)),
    Subcommand("topics", "", "List the syllabus with your progress in each topic", _plain(syllabus.topics)),
    Subcommand("streak", "", "Show your study streak", _plain(progress.streak)),
    Subcommand("stats", "", "Show your points, accuracy and progress", _plain(progress.stats)),
    Subcommand("leaderboard", "[week|month|all]", "Show the top learners of this workspace",
               _text(progress.leaderboard)),
    Subcommand("review", "[page]", "Look again at the questions you got wrong", _text(review.review)),
    Subcommand("privacy", "[hide|show]", "Appear on leaderboards as “a learner”, or by name",
               _text(privacy.privacy)),
    Subcommand("export-me", "", "Get everything StudyBot keeps about you, as a file", _plain(privacy.export_me)),
    Subcommand("forget-me", "", "Delete everything StudyBot keeps about you here", _plain(privacy.forget_me)),
    Subcommand("remind", "[HH:MM|off]", "Get a direct message at that time on days you haven't studied",
               _text(reminders.remind)),
    Subcommand("timezone", "[name]", "Show or set your own timezone (e.g. Europe/Berlin)", _text(timezones.timezone)),
    Subcommand("help", "", "Show this help", _help),
    Subcommand("setup", "<channel> <HH:MM> <timezone> [weekdays] [weekly-board on|off] [team-report on|off]",
               "Set up the daily lesson drop", admin.setup, admin=True),
    Subcommand("pause", "[channel]", "Pause the daily drop",
               lambda core, actor, args: admin.set_paused(core, actor, args, paused=True), admin=True),
    Subcommand("resume", "[channel]", "Resume the daily drop",
               lambda core, actor, args: admin.set_paused(core, actor, args, paused=False), admin=True),
    Subcommand("schedule", "", "Show the daily drop schedule", _plain(admin.schedule), admin=True),
    Subcommand("team", "", "See how the team is doing and what it is forgetting", _plain(team.team), admin=True),
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


def help_message(course_title: str, unknown: str = "") -> Message:
    """Every subcommand with a one-line description, admin ones apart."""

    def line(c: Subcommand) -> str:
        return f"- `/study {c.name}{' ' + c.usage if c.usage else ''}`: {c.description}"

    body = "\n".join(line(c) for c in SUBCOMMANDS if not c.admin)
    body += "\n\n**Admins**\n" + "\n".join(line(c) for c in SUBCOMMANDS if c.admin)
    body += (
        "\n\nName a topic by its number (`/study lesson 6`), words of its title "
        "(`/study quiz valuetask vs task`) or its id. `/study topics` lists them all."
    )
    title = f"StudyBot · {course_title}"
    if unknown:
        title = f"“{unknown}” is not a StudyBot command"
        body = "Here is what I can do:\n\n" + body
    return Message(kind=Kind.HELP, title=title, body=body)
