"""`/study remind`: a learner's daily reminder, its buttons, and the notice when it was switched off."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.domain.periods import local_day, zone
from bot.domain.schedule import local_drop_moment, parse_time
from bot.messages import Message, error, info
from bot.usecases.context import Actor, Core

# "Remind me later today" sends the reminder once more this long after the click, the same day only.
SNOOZE = dt.timedelta(hours=2)
USAGE = "Use `/study remind HH:MM` in 24-hour form, such as `/study remind 18:30`, or `/study remind off`."
OFF_WORDS = frozenset({"off", "stop", "none", "no"})
DMS_CLOSED = (
    "⏰ Your reminders are switched off: I could not send you a direct message (your direct messages "
    "are closed to me). Allow them, then set a reminder again with `/study remind HH:MM`."
)


def next_reminder(at: dt.time, tz: str, now: dt.datetime) -> dt.datetime:
    """When a reminder set now at local `at` first goes out: today if its time is still ahead, else tomorrow."""
    today = local_day(now, tz)
    moment = local_drop_moment(today, at, tz)
    return moment if moment >= now else local_drop_moment(today + dt.timedelta(days=1), at, tz)


async def remind(core: Core, actor: Actor, text: str | None) -> Message:
    """Show the learner's reminder, set it to a local time, or switch it off."""
    identity = await core.identify(actor)
    tz = identity.timezone
    if not text:
        async with core.unit_of_work() as uow:
            reminder = await uow.reminders.get(identity.user_pk)
        if reminder is None or not reminder.active:
            return info("⏰ No reminder set", f"{USAGE}\n\nReminders come as a direct message, on days you haven't "
                        "studied yet.")
        return info(f"⏰ Reminder at {reminder.remind_at} {tz}",
                    f"On days you haven't studied yet, I send you a direct message at {reminder.remind_at} "
                    f"{tz}. `/study remind off` stops it; `/study timezone` changes your timezone.")
    if text.strip().lower() in OFF_WORDS:
        async with core.unit_of_work() as uow:
            removed = await uow.reminders.remove(identity.user_pk)
        if not removed:
            return info("⏰ You have no reminder", "Nothing to stop. " + USAGE)
        return info("⏰ Reminders stopped", "No more reminders. Set one again any time with `/study remind HH:MM`.")
    try:
        at = parse_time(text)
    except ValueError:
        return error(f"“{text.strip()[:20]}” is not a time", USAGE)
    now = core.clock()
    async with core.unit_of_work() as uow:
        await uow.reminders.turn_on(identity.user_pk, f"{at:%H:%M}", now)
    first = next_reminder(at, tz, now).astimezone(zone(tz))
    return info(
        f"⏰ Reminder set for {at:%H:%M} {tz}",
        f"On days you haven't studied yet, I'll send you a direct message at {at:%H:%M} {tz}, first on "
        f"{first:%a %d %b}. `/study remind off` stops it; `/study timezone` changes your timezone.",
    )


async def stop(core: Core, actor: Actor) -> Message:
    """The **Stop reminders** button: no more reminders until the learner sets one again."""
    identity = await core.identify(actor)
    async with core.unit_of_work() as uow:
        removed = await uow.reminders.remove(identity.user_pk)
    if not removed:
        return info("⏰ Reminders are already off", "Set one again any time with `/study remind HH:MM`.")
    return info("⏰ Reminders stopped", "No more reminders. Set one again any time with `/study remind HH:MM`.")


async def later(core: Core, actor: Actor) -> Message:
    """The **Remind me later today** button: one more reminder SNOOZE from now, once a day, today only."""
    identity = await core.identify(actor)
    now = core.clock()
    until = now + SNOOZE
    today = local_day(now, identity.timezone)
    if local_day(until, identity.timezone) != today:
        return info("⏰ Too late for today", "The day ends before I could remind you again. See you tomorrow!")
    async with core.unit_of_work() as uow:
        snoozed = await uow.reminders.snooze(identity.user_pk, today, until)
    if not snoozed:
        return info("⏰ Not this time", "I remind you again once a day only, and only while reminders are on.")
    local = until.astimezone(zone(identity.timezone))
    return info("⏰ I'll remind you later", f"Once more today at {local:%H:%M} {identity.timezone}, unless you "
                "have studied by then.")


async def with_notice(core: Core, actor: Actor, message: Message) -> Message:
    """`message`, with the learner's waiting notice (reminders switched off) in front of it, told once."""
    identity = await core.identify(actor)
    if not identity.notice:
        return message
    async with core.unit_of_work() as uow:
        notice = await uow.reminders.take_notice(identity.user_pk)
    core.forget_identity(identity.user_pk)
    if notice is None:
        return message
    return replace(message, body=f"{notice}\n\n{message.body}" if message.body else notice)
