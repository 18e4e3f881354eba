"""The `/study` subcommands: their help, and parsing the text form used on Slack and the console."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from bot.messages import Kind, Message


@dataclass(frozen=True)
class Subcommand:
    """One `/study` subcommand: its name, argument hint, description and whether admins only."""

    name: str
    args: str
    description: str
    admin: bool = False


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("lesson", "[topic]", "Read a lesson (today's when no topic is given)"),
    Subcommand("quiz", "[topic]", "Answer the question that's best for you now"),
    Subcommand("interview", "[topic]", "Practise an open interview question"),
    Subcommand("today", "", "Show today's topic for this channel"),
    Subcommand("topics", "", "List the syllabus with your progress in each topic"),
    Subcommand("streak", "", "Show your study streak"),
    Subcommand("stats", "", "Show your points, accuracy and progress"),
    Subcommand("leaderboard", "[week|month|all]", "Show the top learners of this workspace"),
    Subcommand("help", "", "Show this help"),
    Subcommand(
        "setup",
        "<channel> <HH:MM> <timezone> [weekdays] [weekly-board on|off]",
        "Set up the daily lesson drop",
        admin=True,
    ),
    Subcommand("pause", "[channel]", "Pause the daily drop", admin=True),
    Subcommand("resume", "[channel]", "Resume the daily drop", admin=True),
    Subcommand("schedule", "", "Show the daily drop schedule", admin=True),
)
BY_NAME = {c.name: c for c in SUBCOMMANDS}


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
        return f"- `/study {c.name}{' ' + c.args if c.args else ''}`: {c.description}"

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
