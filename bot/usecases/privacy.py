"""A learner's control over their data: export it, delete it, and whether leaderboards name them.

Learners reach these through `/study export-me`, `/study forget-me` and `/study privacy`;
operators through `studybot export` and `studybot forget` (`bot.datatools`), over the same code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from bot import actions
from bot.messages import Attachment, Button, Kind, Message, Style, error, info
from bot.store.privacy import HIDDEN_NAME, LearnerRef
from bot.usecases.context import Actor, Core
from bot.usecases.format import plural

log = logging.getLogger(__name__)

CONFIRM_FOR = dt.timedelta(minutes=10)
"""How long the "Delete everything" button of `/study forget-me` works."""
EXPORT_FORMAT = "studybot-learner-export"
EXPORT_VERSION = 3  # 2: the courses served, and each answer, card and score with its course; 3: no pending_scores
TABLE_WORDS = {"answers": "answer", "review_states": "review card", "user_stats": "stats row", "reminders": "reminder",
               "reminder_sends": "sent reminder", "scores": "board score", "users": "user row"}
"""How a table's rows are counted in words; a table not listed is named as it is."""


def owner_digest(actor: Actor) -> str:
    """A short digest of who asked, for a confirmation button: only they can press it, and no id is in it."""
    who = "\x00".join((actor.platform, actor.workspace_id, actor.user_id))
    return hashlib.sha256(who.encode()).hexdigest()[:16]


def counted(deleted: dict[str, int]) -> str:
    """`12 answers, 4 review cards, 1 stats row and 1 user row`: what a deletion removed, with no one's ids."""
    kept = {table: n for table, n in deleted.items() if n} or deleted  # tables with nothing to delete go unsaid
    parts = [plural(n, TABLE_WORDS[table]) if table in TABLE_WORDS else f"{n} {table}" for table, n in kept.items()]
    return ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else "".join(parts)


# forget-me -------------------------------------------------------------------------------------

async def forget_me(core: Core, actor: Actor) -> Message:
    """Ask the learner to confirm deleting everything StudyBot keeps about them in this workspace."""
    until = int((core.clock() + CONFIRM_FOR).timestamp())
    minutes = int(CONFIRM_FOR.total_seconds() // 60)
    return Message(
        kind=Kind.INFO,
        title="Delete everything StudyBot keeps about you here?",
        body=(
            "This deletes, in this workspace: your answers, your review cards (spaced repetition), "
            "your points and streaks, your reminders and your settings (timezone, leaderboard privacy). "
            "Leaderboards will no longer show you. **This can't be undone.**\n\n"
            f"Want a copy first? `/study export-me`. The button below works for {minutes} minutes."
        ),
        buttons=(  # keeping comes first: it is what a bare Enter presses in the console
            Button("Keep my data", actions.KeepData().encode()),
            Button("Delete everything", actions.Forget(until, owner_digest(actor)).encode(), Style.DANGER),
        ),
    )


async def confirmed_forget(core: Core, actor: Actor, until: int, owner: str) -> Message:
    """Delete the learner's data once they confirmed it, with their own button, in time."""
    if owner != owner_digest(actor):
        return error("This button isn't yours",
                     "Only the person who asked can confirm deleting their data. Nothing was deleted. "
                     "To delete yours, use `/study forget-me`.")
    if core.clock().timestamp() > until:
        return error("That confirmation has expired",
                     "Nothing was deleted. Use `/study forget-me` again if you still want to.")
    deleted = await forget(core, actor.platform, actor.user_id, actor.workspace_id)
    total = sum(row.deleted.get("answers", 0) for row in deleted)
    return info(
        "Your data is deleted",
        f"StudyBot deleted {plural(total, 'answer')} and everything else it kept about you in this workspace. "
        "Leaderboards no longer show you. If you use StudyBot again, you start afresh.",
    )


async def keep_data(_core: Core, _actor: Actor) -> Message:
    """The learner chose to keep their data."""
    return info("Nothing was deleted", "Your answers, streak and points are as they were.")


@dataclass(frozen=True)
class Forgotten:
    """What deleting one learner in one workspace removed, rows per table."""

    learner: LearnerRef
    deleted: dict[str, int]


async def forget(core: Core, platform: str, user: str, workspace: str | None = None) -> list[Forgotten]:
    """Delete a learner's rows, table by table: in one workspace, or in all of theirs on `platform`.

    Each deletion is logged as an event with the counts only, never an id or a name.
    """
    async with core.unit_of_work() as uow:
        learners = await uow.privacy.learners(platform, user, workspace)
    done: list[Forgotten] = []
    for learner in learners:
        async with core.unit_of_work() as uow:
            await uow.answers.fold_every_score()  # their latest points on the boards, so deleted as board scores
            deleted = await uow.privacy.forget(learner.user_pk)
        core.forget_identities(learner.workspace_pk)
        log.info("a learner's data was deleted on %s: %s", platform, counted(deleted))
        done.append(Forgotten(learner, deleted))
    return done


# export-me -------------------------------------------------------------------------------------

async def export_me(core: Core, actor: Actor) -> Message:
    """Everything StudyBot keeps about the learner in this workspace, as a JSON file."""
    identity = await core.identify(actor)
    async with core.unit_of_work() as uow:
        await uow.answers.fold_every_score()  # the latest answers' points on the boards, not on their way
        tables = await uow.privacy.export(identity.user_pk)
    now = core.clock()
    document: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": now.isoformat(),
        "courses": [course.id for course in core.catalogue],
        "platform": actor.platform,
        "workspace": actor.workspace_id,
        **tables,
    }
    answers = len(tables.get("answers", []))
    cards = len(tables.get("review_states", []))
    summary = f"{plural(answers, 'answer')}, {plural(cards, 'review card')}, your totals and your settings"
    data = json.dumps(document, indent=2, ensure_ascii=False).encode()
    return Message(
        kind=Kind.INFO,
        title="Your StudyBot data",
        body=f"Everything StudyBot keeps about you in this workspace, as a JSON file: {summary}. "
        "To delete it all, use `/study forget-me`.",
        attachments=(Attachment(f"studybot-my-data-{now:%Y-%m-%d}.json", data, "application/json",
                                f"Your StudyBot data as JSON: {summary}."),),
    )


# privacy hide|show -----------------------------------------------------------------------------

async def privacy(core: Core, actor: Actor, choice: str | None) -> Message:
    """`hide`: appear on leaderboards as "a learner"; `show`: by name again; nothing: the current setting."""
    identity = await core.identify(actor)
    wanted = (choice or "").strip().lower()
    if wanted not in ("", "hide", "show"):
        return error(f"“{choice}” is not a privacy setting", "Use `/study privacy hide` or `/study privacy show`.")
    async with core.unit_of_work() as uow:
        if wanted:
            await uow.privacy.set_hidden(identity.user_pk, wanted == "hide")
        hidden = await uow.privacy.is_hidden(identity.user_pk)
    if hidden:
        title = "You're hidden on leaderboards" if wanted else "Leaderboards show you as “a learner”"
        body = (f"Leaderboards and the weekly board post show you as “{HIDDEN_NAME}”; your points still count. "
                "`/study privacy show` puts your name back.")
    else:
        title = "Leaderboards show your name" if wanted != "show" else "You're back on leaderboards by name"
        body = f"`/study privacy hide` shows you as “{HIDDEN_NAME}” instead; your points still count."
    return info(title, body)


# operators -------------------------------------------------------------------------------------

async def find_learner(core: Core, platform: str, user: str, workspace: str | None = None) -> list[LearnerRef]:
    """Where a learner has data on `platform`: in one workspace, or in every one of theirs."""
    async with core.unit_of_work() as uow:
        return await uow.privacy.learners(platform, user, workspace)


@dataclass(frozen=True)
class WorkspaceData:
    """A workspace's answers and per-learner totals, for a lead's own analysis."""

    platform: str
    workspace: str
    learners: list[dict[str, Any]]
    answers: list[dict[str, Any]]


async def workspace_data(core: Core, workspace: str, platform: str | None = None) -> list[WorkspaceData]:
    """The answers and per-learner totals of the workspaces with this platform id (on one platform, or any)."""
    found = []
    async with core.unit_of_work() as uow:
        for row in await uow.privacy.workspace(platform, workspace):
            learners = await uow.privacy.workspace_learners(row.id)
            answers = await uow.privacy.workspace_answers(row.id)
            found.append(WorkspaceData(row.platform, row.external_id, learners, answers))
    return found
