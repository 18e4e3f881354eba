"""Shared handling of interactions: who is asking, answering in time, and failing politely."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from adapters.discord.render import Rendered, render
from bot.app import UNEXPECTED
from bot.commands import BY_NAME
from bot.messages import Message
from bot.usecases.admin import refuse
from bot.usecases.context import Actor

if TYPE_CHECKING:
    from adapters.discord.client import StudyClient

log = logging.getLogger(__name__)

PLATFORM = "discord"


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
    )


def delivery_key(interaction: discord.Interaction[Any]) -> str:
    """The idempotency key of a click: Discord's interaction id (the same on a redelivery)."""
    return f"discord:{interaction.id}"


async def run_subcommand(interaction: discord.Interaction[Any], name: str, args: list[str],
                         check: Callable[[Actor], Message | None] | None = None) -> None:
    """Run `/study <name>` with pre-split arguments; admin subcommands are checked here first."""
    client = host(interaction)

    async def work() -> Message:
        actor = actor_for(interaction, client.runtime.settings.admin_ids)
        if BY_NAME[name].admin and not actor.is_admin:
            return refuse()
        problem = check(actor) if check else None
        if problem is not None:
            return problem
        return await client.runtime.bot.run(actor, name, args)

    await respond(interaction, work, what=f"/study {name}")


async def on_click(interaction: discord.Interaction[Any], action: str) -> None:
    """Record a button click through the core, keyed on the interaction id."""
    client = host(interaction)

    async def work() -> Message:
        actor = actor_for(interaction, client.runtime.settings.admin_ids)
        return await client.runtime.bot.click(actor, action, delivery_key(interaction))

    await respond(interaction, work, what=f"button {action.split(':')[1] if ':' in action else action}")


async def respond(interaction: discord.Interaction[Any], work: Callable[[], Awaitable[Message]], *,
                  what: str) -> None:
    """Answer with the core's message; defer first when it takes longer than the client allows.

    Any failure is logged with its traceback and the user gets a friendly private message.
    """
    client = host(interaction)
    try:
        task = asyncio.ensure_future(work())
        done, _pending = await asyncio.wait({task}, timeout=client.defer_after)
        if not done:
            await interaction.response.defer(ephemeral=True, thinking=True)
        message = await task
        await deliver(interaction, render(message))
    except Exception:
        log.exception("error while answering %s (interaction %s)", what, interaction.id)
        await apologise(interaction)


async def deliver(interaction: discord.Interaction[Any], rendered: Rendered) -> None:
    """Send every part of a rendered message: the first as the response, the rest as follow-ups."""
    for part in rendered.parts:
        view = part.make_view()
        send = interaction.followup.send if interaction.response.is_done() else interaction.response.send_message
        if view is None:
            await send(embeds=list(part.embeds), ephemeral=rendered.ephemeral)
        else:
            await send(embeds=list(part.embeds), view=view, ephemeral=rendered.ephemeral)
            # StudyButtons are dynamic items, answered by their custom_id after any restart; the view
            # discord.py keeps for a sent message (with a 15-minute timer on ephemeral ones) is not needed.
            view.stop()


async def apologise(interaction: discord.Interaction[Any]) -> None:
    """Tell the user something went wrong, privately; never raises."""
    embeds = list(render(UNEXPECTED).parts[0].embeds)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embeds=embeds, ephemeral=True)
        else:
            await interaction.response.send_message(embeds=embeds, ephemeral=True)
    except Exception:
        log.exception("could not tell the user about the error (interaction %s)", interaction.id)
