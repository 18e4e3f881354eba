"""Shared handling of interactions: who is asking, answering in time, and failing politely.

The answer is the interaction's response, so Discord hears nothing until the core has done the
work (and recorded a click). Work slower than the client's `defer_after` is kept in the database
(see `bot.unfinished`) before the interaction is deferred, and the next process finishes it with
the interaction's token if this one dies first.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from pydantic import BaseModel

from adapters.discord.render import Rendered, render
from bot.app import UNEXPECTED, StudyBot
from bot.commands import Subcommand
from bot.messages import Message
from bot.unfinished import Hold
from bot.usecases.context import Actor, Argument

if TYPE_CHECKING:
    from adapters.discord.client import StudyClient

log = logging.getLogger(__name__)

PLATFORM = "discord"
KEPT_FOR = dt.timedelta(minutes=15)
"""How long Discord lets an interaction token answer: a request kept longer cannot be finished."""
Send = Callable[..., Awaitable[Any]]
UNKNOWN_INTERACTION = 10062
"""Discord's error code for an interaction answered after its 3 s."""


def host(interaction: discord.Interaction[Any]) -> StudyClient:
    """The StudyBot client that received this interaction."""
    from adapters.discord.client import StudyClient

    client = interaction.client
    if not isinstance(client, StudyClient):
        raise TypeError("this interaction was not received by a StudyClient")
    return client


def is_admin(interaction: discord.Interaction[Any], admin_ids: frozenset[str]) -> bool:
    """Manage Server (or Administrator) in this channel, or an id listed in STUDYBOT_ADMINS."""
    permissions = interaction.permissions
    return bool(permissions.manage_guild or permissions.administrator or str(interaction.user.id) in admin_ids)


def actor_for(interaction: discord.Interaction[Any], admin_ids: frozenset[str]) -> Actor:
    """The core's view of the person who triggered this interaction, and where."""
    user = interaction.user
    guild = interaction.guild
    channel = interaction.channel
    return Actor(
        platform=PLATFORM,
        workspace_id=str(interaction.guild_id) if interaction.guild_id else f"dm-{user.id}",
        user_id=str(user.id),
        channel_id=str(interaction.channel_id or ""),
        user_name=user.display_name,
        workspace_name=guild.name if guild is not None else "",
        channel_name=str(getattr(channel, "name", "") or ""),
        is_admin=is_admin(interaction, admin_ids),
        direct=interaction.guild_id is None,  # a DM: a reminder's buttons, for the learner's own server
    )


def delivery_key(interaction: discord.Interaction[Any]) -> str:
    """The idempotency key of a click: Discord's interaction id (the same on a redelivery)."""
    return f"discord:{interaction.id}"


class Kept(BaseModel):
    """What a process keeps of an interaction it deferred: who asked for what, and where to answer."""

    application_id: int
    token: str
    actor: Actor
    command: str = ""
    args: list[Argument] = []
    action: str = ""
    delivery_key: str = ""

    def work(self, bot: StudyBot) -> Awaitable[Message]:
        """Ask the core: the click, or else the subcommand."""
        if self.action:
            return bot.click(self.actor, self.action, self.delivery_key)
        return bot.run(self.actor, self.command, self.args)


def kept_for(interaction: discord.Interaction[Any], actor: Actor, **request: Any) -> Kept:
    """The record of `request` (a command and args, or an action and delivery key) from `interaction`."""
    return Kept(application_id=interaction.application_id, token=interaction.token, actor=actor, **request)


async def run_subcommand(interaction: discord.Interaction[Any], command: Subcommand, args: list[Argument],
                         check: Callable[[Actor], Message | None] | None = None) -> None:
    """Run `/study <command>` with pre-split arguments; `check` first tells what Discord prevents.

    The check runs only when the core lets the actor run the command, so a refusal comes first.
    """
    actor = actor_for(interaction, host(interaction).runtime.settings.admin_ids)
    what = f"/study {command.name}"
    problem = check(actor) if check is not None and command.allows(actor) else None
    if problem is not None:
        await respond(interaction, problem, what=what)
        return
    await respond(interaction, kept_for(interaction, actor, command=command.name, args=args), what=what)


async def on_click(interaction: discord.Interaction[Any], action: str) -> None:
    """Record a button click through the core, keyed on the interaction id."""
    actor = actor_for(interaction, host(interaction).runtime.settings.admin_ids)
    kept = kept_for(interaction, actor, action=action, delivery_key=delivery_key(interaction))
    await respond(interaction, kept, what=f"button {action.split(':')[1] if ':' in action else action}")


async def respond(interaction: discord.Interaction[Any], request: Kept | Message, *, what: str) -> None:
    """Answer with the core's message for the request, or with the message given.

    When the core takes longer than the client waits, keep the request for a restart, defer, and
    follow up.

    Any failure is logged with its traceback and the user gets a friendly private message.
    """
    client = host(interaction)
    hold: Hold | None = None
    task: asyncio.Future[Message] | None = None
    current = asyncio.current_task()
    if current is not None:
        client.answering.add(current)
    try:
        if isinstance(request, Message):
            answer = request
        else:
            task = asyncio.ensure_future(request.work(client.runtime.bot))
            done, _pending = await asyncio.wait({task}, timeout=client.defer_after)
            if not done:
                hold = await client.runtime.unfinished.hold(PLATFORM, delivery_key(interaction),
                                                            request.model_dump_json(), KEPT_FOR)
                if hold.is_kept:  # else nothing would finish it after a crash: answer when done, if in time
                    await interaction.response.defer(ephemeral=True, thinking=True)
            answer = await task
        await deliver(interaction, render(answer))
    except Exception as exc:
        if isinstance(exc, discord.NotFound) and exc.code == UNKNOWN_INTERACTION:
            log.warning("answered %s too late for Discord (interaction %s); pressing again is safe",
                        what, interaction.id)
        else:
            log.exception("error while answering %s (interaction %s)", what, interaction.id)
            await apologise(interaction)
    finally:
        if hold is not None and task is not None and not task.cancelled():
            await client.runtime.unfinished.release(hold)
        client.answering.discard(current)


async def deliver(interaction: discord.Interaction[Any], rendered: Rendered) -> None:
    """Send every part of a rendered message: the first as the response, the rest as follow-ups."""
    first = interaction.followup.send if interaction.response.is_done() else interaction.response.send_message
    await send_parts(rendered, first, interaction.followup.send)


async def send_parts(rendered: Rendered, first: Send, rest: Send) -> None:
    """Send the first part of `rendered` with `first` and the others with `rest`."""
    for index, part in enumerate(rendered.parts):
        await part.send(rest if index else first, ephemeral=rendered.ephemeral)


async def apologise(interaction: discord.Interaction[Any]) -> None:
    """Tell the user something went wrong, privately; never raises."""
    try:
        await deliver(interaction, render(UNEXPECTED))
    except Exception:
        log.exception("could not tell the user about the error (interaction %s)", interaction.id)
