"""The one entry point adapters call: text commands and button clicks in, messages out."""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import Any

from sqlalchemy.exc import DBAPIError

from bot import actions
from bot.actions import BadAction, Verb
from bot.boundary import MAX_DELIVERY_KEY, admitted, button_parts_fit, is_token
from bot.commands import BY_NAME, help_message, parse
from bot.domain.numbers import small_number
from bot.messages import Message, error
from bot.outage import OutageLog, unreachable
from bot.usecases import admin, interview, lessons, progress, quiz, syllabus
from bot.usecases.context import Actor, Core

log = logging.getLogger(__name__)

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
UNSERVABLE = error(
    "StudyBot can't serve that request",
    "It carries ids longer than Slack or Discord ever send, so nothing was recorded.",
)
UNEXPECTED = error("Something went wrong on our side", "It has been logged. Please try again.")


class StudyBot:
    """Routes `/study` text and button ids to the use cases, turning failures into friendly messages."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.outage = OutageLog(log)

    @property
    def course_title(self) -> str:
        """The title of the course being served."""
        return self.core.course.title

    async def dispatch(self, actor: Actor, text: str) -> Message:
        """Handle `/study <subcommand> [args]` as typed on Slack or the console."""
        if len(text) > MAX_COMMAND_CHARS:  # nothing real is this long; parsing it would only cost time
            return TOO_LONG
        command = parse(text)
        return await self.run(actor, command.name, list(command.args))

    async def run(self, actor: Actor, name: str, args: list[str]) -> Message:
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
        except BadAction:
            return error("That button is not one of mine", "Try `/study help`.")
        if not button_parts_fit(action.args):
            return DAMAGED
        return await self._guard(self._click(who, action, delivery_key), CLICK_NOT_RECORDED)

    async def _route(self, actor: Actor, name: str, args: list[str]) -> Message:
        core, rest = self.core, " ".join(args) or None
        if name in ("", "help"):
            return help_message(self.course_title)
        if name not in BY_NAME:
            return help_message(self.course_title, unknown=name)
        if name == "lesson":
            return await lessons.lesson(core, actor, rest)
        if name == "today":
            return await lessons.today(core, actor)
        if name == "topics":
            return await syllabus.topics(core, actor)
        if name == "quiz":
            return await quiz.next_question(core, actor, rest)
        if name == "interview":
            return await interview.next_interview(core, actor, rest)
        if name == "streak":
            return await progress.streak(core, actor)
        if name == "stats":
            return await progress.stats(core, actor)
        if name == "leaderboard":
            return await progress.leaderboard(core, actor, rest)
        if name == "setup":
            return await admin.setup(core, actor, args)
        if name in ("pause", "resume"):
            return await admin.set_paused(core, actor, args, paused=name == "pause")
        return await admin.schedule(core, actor)

    async def _click(self, actor: Actor, action: actions.Action, delivery_key: str) -> Message:
        core, args = self.core, action.args
        choice = small_number(args[2], 1) if action.verb is Verb.ANSWER and len(args) in (3, 4) else None
        if choice is not None:
            scoped = len(args) == 4 and args[3] == actions.SCOPED
            return await quiz.answer(core, actor, args[0], args[1], choice, delivery_key, scoped)
        if action.verb in (Verb.NEXT, Verb.QUIZ_TOPIC) and len(args) <= 1:
            return await quiz.next_question(core, actor, args[0] if args else None)
        if action.verb is Verb.REVEAL and len(args) == 2:
            return await interview.reveal(core, args[0], args[1])
        if action.verb is Verb.GRADE and len(args) == 3:
            return await interview.grade(core, actor, args[0], args[1], args[2], delivery_key)
        if action.verb is Verb.INTERVIEW and len(args) <= 1:
            return await interview.next_interview(core, actor, args[0] if args else None)
        if action.verb is Verb.LESSON and len(args) == 1:
            return await lessons.lesson(core, actor, args[0])
        if action.verb is Verb.TOPICS and len(args) <= 1:
            return await syllabus.topics(core, actor, args[0] if args else None)
        return DAMAGED

    async def _guard(self, work: Coroutine[Any, Any, Message], down: Message) -> Message:
        """The work's message, or `down` when the database is unreachable (a friendly error)."""
        try:
            message = await work
        except Exception as exc:
            if unreachable(exc):
                self.outage.failed(exc)
                return down
            if isinstance(exc, DBAPIError):
                log.exception("database error")
                return down
            log.exception("unexpected error while handling a request")
            return UNEXPECTED
        self.outage.succeeded()
        return message
