"""`/study timezone`: the timezone a learner's days, streak and reminders are counted in."""

from __future__ import annotations

from bot.domain.periods import is_timezone
from bot.messages import Message, error, info
from bot.usecases.admin import TIMEZONE_HINT
from bot.usecases.context import Actor, Core

CHANGE_HINT = "Change it with `/study timezone <name>`, e.g. `/study timezone Europe/Berlin`."


async def timezone(core: Core, actor: Actor, name: str | None) -> Message:
    """Show the learner's timezone, or set it to the IANA `name` they chose.

    A chosen timezone wins over the one the platform reports (Slack's profile setting): it is
    kept until the learner chooses another. Their reminder counts from the change, so a reminder
    time that has already passed in the new timezone waits for the next day.
    """
    identity = await core.identify(actor)
    if not name:
        source = "You chose it." if identity.timezone_chosen else (
            "It comes from your platform's settings or your workspace's daily drop."
        )
        return info(f"🕒 Your timezone: {identity.timezone}",
                    f"Your days, streak and reminders end at midnight {identity.timezone}. {source}\n\n{CHANGE_HINT}")
    name = name.strip()
    if not is_timezone(name):
        return error(f"“{name}” is not a timezone", TIMEZONE_HINT)
    now = core.clock()
    async with core.unit_of_work() as uow:
        await uow.learners.choose_timezone(identity.user_pk, name)
        await uow.reminders.restart(identity.user_pk, now)
    core.forget_identity(identity.user_pk)
    return info(
        f"🕒 Your timezone is now {name}",
        f"Your days, streak and reminders now end at midnight {name}; your platform's setting no longer "
        "changes it. " + CHANGE_HINT,
    )
