"""The one entry point adapters call: text commands and button clicks in, messages out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from bot import actions
from bot.boundary import MAX_DELIVERY_KEY, admitted, is_token
from bot.commands import BY_NAME, help_message, parse
from bot.content.models import Course
from bot.messages import Message, error
from bot.outage import OutageLog
from bot.store.errors import RejectedValueError, StoreBusyError, StoreUnavailableError
from bot.usecases import courses, interview, lessons, privacy, quiz, reminders, review, syllabus
from bot.usecases.context import Actor, Argument, ChannelRef, Core

log = logging.getLogger(__name__)

ChannelReader = Callable[[str], ChannelRef | None]
"""An adapter's reader of its platform's channel mentions (`<#C1|general>` on Slack)."""

DATABASE_DOWN = error(
    "StudyBot can't reach its database right now",
    "Please try again in a minute.",
)
CLICK_NOT_RECORDED = error(
    "StudyBot can't reach its database right now",
    "Your click was not recorded. Please press the button again in a minute.",
)
MAX_COMMAND_CHARS = 2_000
TOO_LONG = error("That command is too long", f"A `/study` command can be at most {MAX_COMMAND_CHARS:,} characters.")
DAMAGED = error("That button is damaged", "Try `/study help`.")
NOT_MINE = error("That button is not one of mine", "Try `/study help`.")
UNSERVABLE = error(
    "StudyBot can't serve that request",
    "It carries ids longer than Slack or Discord ever send, so nothing was recorded.",
)
ADMINS_ONLY = error(
    "Only admins can do that",
    "The daily drop is managed by workspace admins (Manage Server on Discord). Nothing was changed.",
)
UNEXPECTED = error("Something went wrong on our side", "It has been logged. Please try again.")


class StudyBot:
    """Routes `/study` text and button ids to the use cases, turning failures into friendly messages."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.outage = OutageLog(log)

    @property
    def course_title(self) -> str:
        """The title of the course being served (every course's, when several are)."""
        return self.core.catalogue.title

    async def dispatch(self, actor: Actor, text: str, channels: ChannelReader | None = None) -> Message:
        """Handle `/study <subcommand> [args]` as typed on Slack or the console.

        `channels` is the adapter's reader of its platform's channel mentions: each word it
        recognises reaches the use case as that channel.
        """
        if len(text) > MAX_COMMAND_CHARS:  # nothing real is this long; parsing it would only cost time
            return TOO_LONG
        command = parse(text)
        read = channels or (lambda _word: None)
        args: list[Argument] = [read(word) or word for word in command.args]
        return await self.run(actor, command.name, args)

    async def run(self, actor: Actor, name: str, args: list[Argument]) -> Message:
        """Handle a subcommand whose arguments the platform already split (Discord options)."""
        who = admitted(actor)
        if who is None:
            return UNSERVABLE
        return await self._guard(self._route(who, name, args), DATABASE_DOWN)

    async def click(self, actor: Actor, action_id: str, delivery_key: str) -> Message:
        """Handle a button click; `delivery_key` is the platform's id for this click."""
        who = admitted(actor)
        if who is None or not is_token(delivery_key, MAX_DELIVERY_KEY):
            return UNSERVABLE
        try:
            action = actions.decode(action_id)
        except actions.DamagedActionError:
            return DAMAGED
        except actions.BadActionError:
            return NOT_MINE
        return await self._guard(self._click(who, action, delivery_key), CLICK_NOT_RECORDED)

    async def _route(self, actor: Actor, name: str, args: list[Argument]) -> Message:
        command = BY_NAME.get(name or "help")
        if command is None:
            return help_message(self.core.catalogue, unknown=name)
        if not command.allows(actor):
            return ADMINS_ONLY
        return await reminders.with_notice(self.core, actor, await command.handler(self.core, actor, args))

    async def _click(self, actor: Actor, action: actions.Action, delivery_key: str) -> Message:
        core = self.core
        match action:
            case actions.Forget(until, owner):
                return await privacy.confirmed_forget(core, actor, until, owner)
            case actions.KeepData():
                return await privacy.keep_data(core, actor)
            case actions.StopReminders():
                return await reminders.stop(core, actor)
            case actions.RemindLater():
                return await reminders.later(core, actor)
        course = courses.clicked_course(core, action.course)
        if isinstance(course, Message):
            return course
        return await self._click_in(actor, course, action, delivery_key)

    async def _click_in(self, actor: Actor, course: Course, action: actions.Action, delivery_key: str) -> Message:
        """The buttons within one course: practice, lessons, the syllabus, mistakes and reviews."""
        core = self.core
        match action:
            case actions.Answer(question_id, instance, choice, scoped):
                return await quiz.answer(core, actor, course, question_id, instance, choice, delivery_key, scoped)
            case actions.NextQuiz(topic) | actions.QuizTopic(topic):
                return await quiz.next_question(core, actor, course, topic)
            case actions.Reveal(question_id, instance):
                return await interview.reveal(course, question_id, instance)
            case actions.Grade(question_id, instance, grade):
                return await interview.grade(core, actor, course, question_id, instance, grade, delivery_key)
            case actions.Interview(topic):
                return await interview.next_interview(core, actor, course, topic)
            case actions.Lesson(topic):
                return await lessons.lesson(core, actor, course, topic)
            case actions.Topics(section):
                return await syllabus.topics(core, actor, course, section)
            case actions.Mistakes(page):
                return await review.mistakes(core, actor, course, page)
            case actions.Retry(question_id):
                return await quiz.ask_again(course, question_id)
            case actions.Reviews():
                return await review.due_queue(core, actor, course)
        raise TypeError(f"no handler for the button {action!r}")

    async def _guard(self, work: Coroutine[Any, Any, Message], down: Message) -> Message:
        """The work's message, or `down` when the database is unreachable (a friendly error)."""
        try:
            message = await work
        except (StoreUnavailableError, StoreBusyError, OSError, ConnectionError) as exc:
            self.outage.failed(exc)
            return down
        except RejectedValueError:
            log.exception("the database refused a value that passed the checks at the boundary")
            return down
        except Exception:
            log.exception("unexpected error while handling a request")
            return UNEXPECTED
        self.outage.succeeded()
        return message
