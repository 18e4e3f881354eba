"""Sending learners' reminders: who is due, claiming each exactly once a day, and the message.

The same claim machinery as daily drops (`bot.store.claims`): one `reminder_sends` row per
learner, kind and local date, leases judged by the database's clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot import actions
from bot.domain.periods import local_day
from bot.domain.schedule import local_drop_moment, parse_time
from bot.domain.streaks import Streak, current_as_of
from bot.messages import Button, Field, Kind, Message, Style
from bot.posting import DirectFinder, DirectMessagesClosedError, DirectPoster, PermanentPostError, Poster
from bot.store.claims import FAILED, SENT, Claim
from bot.store.reminders import ScheduledReminder
from bot.usecases.context import Core
from bot.usecases.drops import LEASE
from bot.usecases.format import plural
from bot.usecases.reminders import DMS_CLOSED

REMIND = "remind"  # the reminder at the learner's time
LATER = "later"  # the one "Remind me later today" asked for


@dataclass(frozen=True)
class DueReminder:
    """A reminder that should be out by now: whose, which kind, for which of their local dates."""

    reminder: ScheduledReminder
    kind: str
    local_date: dt.date
    due_at: dt.datetime

    @property
    def platform(self) -> str:
        """The learner's platform."""
        return self.reminder.platform

    @property
    def key(self) -> str:
        """A readable id for logs."""
        return f"{self.platform}:{self.reminder.external_id}:{self.kind}:{self.local_date}"

    @property
    def target(self) -> str:
        """Who it goes to, for the log line."""
        return f"user={self.reminder.external_id}"


def due_now(reminder: ScheduledReminder, tz: str, now: dt.datetime) -> list[DueReminder]:
    """The reminders of one learner due by `now` in their timezone `tz`.

    None on a day they have already studied. Only today's: one missed while the bot was down goes
    out when it is back that same local day, never a backlog. A time already passed when the
    reminder was set (or the timezone changed) waits for the next day. The snoozed one is due at
    its time on the day it was asked for.
    """
    today = local_day(now, tz)
    if reminder.streak.last_day is not None and reminder.streak.last_day >= today:
        return []
    due = []
    moment = local_drop_moment(today, parse_time(reminder.remind_at), tz)
    if moment <= now and moment >= reminder.updated_at:
        due.append(DueReminder(reminder, REMIND, today, moment))
    if reminder.snooze_on == today and reminder.snooze_until is not None and reminder.snooze_until <= now:
        due.append(DueReminder(reminder, LATER, today, reminder.snooze_until))
    return due


class Reminders:
    """The scheduler's reminder use cases, shared by every process running against one database."""

    name = "reminder"

    def __init__(self, core: Core, worker: str, lease: dt.timedelta = LEASE) -> None:
        self.core = core
        self.worker = worker
        self.lease = lease

    def timezone(self, reminder: ScheduledReminder) -> str:
        """The timezone a learner's day is counted in: theirs, else the workspace's, else the default."""
        return reminder.user_timezone or reminder.workspace_timezone or self.core.default_timezone

    async def due(self, now: dt.datetime, _only: int | None = None) -> list[DueReminder]:
        """Reminders due now that nobody has sent, failed, or is still working on."""
        async with self.core.unit_of_work() as uow:
            scheduled = await uow.reminders.scheduled()
        candidates = [d for r in scheduled for d in due_now(r, self.timezone(r), now)]
        if not candidates:
            return []
        async with self.core.unit_of_work() as uow:
            settled = await uow.reminders.settled(sorted({d.local_date for d in candidates}), self.lease)
        return [d for d in candidates if (d.reminder.user_id, d.kind, d.local_date) not in settled]

    async def claim(self, due: DueReminder) -> Claim | None:
        """Claim a due reminder for this process, or take over a stale claim; None if another has it."""
        user_id = due.reminder.user_id
        async with self.core.unit_of_work() as uow:
            row_id = await uow.reminders.claim(user_id, due.kind, due.local_date, self.worker)
            if row_id is not None:
                return Claim(row_id, "", wrapped=False, takeover=False)
            existing = await uow.reminders.existing(user_id, due.kind, due.local_date)
            if existing is None:
                return None
            attempt = await uow.reminders.leases().take_over(existing.id, existing.attempts, self.lease, self.worker)
            return None if attempt is None else Claim(existing.id, "", wrapped=False, takeover=True, attempt=attempt)

    async def renew(self, claim: Claim) -> bool:
        """Tell other processes this claim is still being worked on; False once it was taken over."""
        async with self.core.unit_of_work() as uow:
            return await uow.reminders.leases().renew(claim.id, claim.attempt)

    async def finish(self, due: DueReminder, claim: Claim, now: dt.datetime, message_id: str | None,
                     error: str | None) -> bool:
        """Record the outcome: sent with its message id, or failed; False if the claim was taken over."""
        async with self.core.unit_of_work() as uow:
            return await uow.reminders.leases().finish(claim.id, claim.attempt, FAILED if error else SENT, now,
                                                       message_id)

    async def claim_many(self, due: Sequence[DueReminder]) -> list[tuple[DueReminder, Claim, Message]]:
        """Claim many due reminders in one transaction (taking over stale claims), each with its message.

        What this process did not get (another has it) is left out. The messages are read in the
        same transaction, right after the claims, as `message` reads one.
        """
        if not due:
            return []
        async with self.core.unit_of_work() as uow:
            keys = await uow.reminders.claim_many([(d.reminder.user_id, d.kind, d.local_date) for d in due],
                                                  self.worker, self.lease)
            users = sorted({key[0] for key in keys})
            streaks = await uow.reminders.streaks(users) if users else {}
            cards = await uow.reminders.due_cards_of(users, self.core.clock()) if users else {}
        claimed = []
        for d in due:
            found = keys.get((d.reminder.user_id, d.kind, d.local_date))
            if found is not None:
                row_id, attempt, takeover = found
                claim = Claim(row_id, "", wrapped=False, takeover=takeover, attempt=attempt)
                user = d.reminder.user_id
                claimed.append((d, claim, self.compose(d, streaks.get(user, Streak()), cards.get(user, 0))))
        return claimed

    async def finish_many(self, finished: Sequence[tuple[Claim, str | None, str | None]], now: dt.datetime) -> set[int]:
        """Record many outcomes (claim, message id, error) in one transaction; the claim ids recorded."""
        async with self.core.unit_of_work() as uow:
            return await uow.reminders.leases().finish_many(
                [(c.id, c.attempt, FAILED if error else SENT, message_id) for c, message_id, error in finished], now
            )

    async def message(self, due: DueReminder, claim: Claim) -> Message:
        """The reminder: the learner's streak, what is due for review, and the buttons."""
        async with self.core.unit_of_work() as uow:
            stored = await uow.reminders.streak(due.reminder.user_id)
            cards = await uow.reminders.due_cards(due.reminder.user_id, self.core.clock())
        return self.compose(due, stored, cards)

    def compose(self, due: DueReminder, stored: Streak, cards: int) -> Message:
        """The reminder from the learner's stored streak and their count of review cards due."""
        streak = current_as_of(stored, due.local_date)
        if streak:
            title = f"⏰ Keep your {plural(streak, 'day')} streak alive"
            body = "You haven't studied today yet. One question keeps your streak going."
        else:
            title = "⏰ Time for today's study"
            body = "You haven't studied today yet. One question starts a new streak."
        due_text = f"{plural(cards, 'question')} due for review" if cards else "A fresh question is waiting"
        buttons = [Button("Quiz me", actions.NextQuiz().encode(), Style.PRIMARY)]
        if due.kind == REMIND:
            buttons.append(Button("Remind me later today", actions.RemindLater().encode()))
        buttons.append(Button("Stop reminders", actions.StopReminders().encode(), Style.DANGER))
        return Message(
            kind=Kind.STREAK,
            title=title,
            body=body,
            fields=(Field("Streak", plural(streak, "day")), Field("Due now", due_text)),
            buttons=tuple(buttons),
            footer=f"Reminder at {due.reminder.remind_at} {self.timezone(due.reminder)} · /study remind off stops it",
        )

    async def send(self, poster: Poster, due: DueReminder, message: Message, key: str) -> str:
        """Send the reminder as a direct message; closed direct messages switch the learner's reminders off."""
        if not isinstance(poster, DirectPoster):
            raise PermanentPostError(f"{due.platform} cannot send direct messages")
        try:
            return await poster.post_direct(due.reminder.external_id, message, key)
        except DirectMessagesClosedError:
            async with self.core.unit_of_work() as uow:
                await uow.reminders.switch_off(due.reminder.user_id, DMS_CLOSED)
            self.core.forget_identity(due.reminder.user_id)
            raise

    async def find(self, poster: Poster, due: DueReminder, key: str) -> str | None:
        """The reminder as an earlier claimant sent it, where the platform can tell (Slack's DM history)."""
        return await poster.find_direct(due.reminder.external_id, key) if isinstance(poster, DirectFinder) else None
