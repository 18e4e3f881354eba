"""Which course a request is in: the one it names, else its channel's, else the default one."""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.catalogue import Catalogue
from bot.content.models import Course
from bot.messages import Message, error
from bot.usecases.context import Actor, Argument, Core, CourseRef

OVERALL = "overall"
"""The word for every course together (the overall leaderboard)."""


@dataclass(frozen=True)
class Chosen:
    """The course of a command and the arguments left once the course is taken out of them."""

    course: Course
    rest: list[Argument]


def course_list(catalogue: Catalogue) -> str:
    """The served courses as a person would name them."""
    return ", ".join(f"`{c.id}` ({c.title})" for c in catalogue)


def unknown_course(catalogue: Catalogue, text: str) -> Message:
    """The answer to a course name that is not served."""
    return error(f"There is no course “{text}” here", f"The courses are {course_list(catalogue)}.")


def other_courses(catalogue: Catalogue, course: Course, command: str) -> str:
    """For a topic not found: the other courses served and how to name one (empty when there is one course)."""
    others = [c for c in catalogue if c.id != course.id]
    if not others:
        return ""
    listed = ", ".join(f"`{c.id}` ({c.title})" for c in others)
    example = f"`/study {command} {others[0].id}`"
    return f"This is {course.title}. Other courses here: {listed}; name one first, as in {example}."


def named_course(catalogue: Catalogue, args: list[Argument]) -> tuple[CourseRef | None, list[Argument]]:
    """The course the arguments name and the other arguments.

    A course option (`CourseRef`) anywhere, or a first word that is a served course's id.
    """
    for i, arg in enumerate(args):
        if isinstance(arg, CourseRef):
            return arg, args[:i] + args[i + 1:]
    if args and isinstance(args[0], str) and catalogue.get(args[0].lower()) is not None:
        return CourseRef(args[0].lower()), args[1:]
    return None, args


async def course_here(core: Core, actor: Actor) -> Course:
    """The course of the actor's channel (while it is served), else the default."""
    return core.catalogue.course_or_default(await core.channel_course(actor))


async def course_for(core: Core, actor: Actor, named: CourseRef | None = None) -> Course | Message:
    """The course named, else the actor's channel's, else the default; a friendly error for an unknown name."""
    if named is not None:
        return core.catalogue.find(named.text) or unknown_course(core.catalogue, named.text)
    return await course_here(core, actor)


async def choose(core: Core, actor: Actor, args: list[Argument]) -> Chosen | Message:
    """The course of a command with these arguments (see `course_for`), and the rest of them."""
    named, rest = named_course(core.catalogue, args)
    course = await course_for(core, actor, named)
    return course if isinstance(course, Message) else Chosen(course, rest)


NO_LONGER_SERVED = error(
    "That course is no longer served here",
    "Its buttons no longer work. `/study help` shows what you can study now.",
)


def clicked_course(core: Core, key: str) -> Course | Message:
    """The course of a button: the one its key names; the default course for a button without one.

    Every button within a course carries its key; one without is of the default course (made
    before several courses were served, or a reminder's **Quiz me**).
    """
    if not key:
        return core.catalogue.default
    return core.catalogue.by_key(key) or NO_LONGER_SERVED
