"""The discord.py client: `/study` registered, persistent buttons, errors answered politely."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from adapters.discord.buttons import StudyButton
from adapters.discord.commands import StudyGroup
from adapters.discord.config import intents
from adapters.discord.interactions import PLATFORM, Kept, apologise, deliver, send_parts
from adapters.discord.payloads import check_interaction, describe, focused_option
from adapters.discord.poster import DiscordPoster
from adapters.discord.render import render
from bot.bootstrap import Runtime
from bot.messages import error

log = logging.getLogger(__name__)

DEFER_AFTER = 1.5
"""Seconds to wait for the core before deferring (Discord wants an answer within 3 s)."""


class StudyTree(app_commands.CommandTree[discord.Client]):
    """The command tree, with failures inside commands turned into a friendly private message."""

    async def _call(self, interaction: discord.Interaction[discord.Client]) -> None:
        """Run the command, skipping one whose options discord.py cannot read.

        discord.py reads the command's options and resolved objects only here, in a task of its own;
        what it cannot read is skipped as at arrival. Errors of the command itself come wrapped in
        AppCommandError and reach `on_error`.
        """
        try:
            command = interaction.command
            if (interaction.type is discord.InteractionType.autocomplete and isinstance(command, app_commands.Command)
                    and not completes(command, interaction.data)):
                # discord.py would log this mismatch with a traceback of its own, so it is caught first.
                await self.on_error(interaction, app_commands.CommandSignatureMismatch(command))
                return
            await super()._call(interaction)
        except MALFORMED as exc:
            skip_malformed(interaction.id, exc)

    async def on_error(self, interaction: discord.Interaction[discord.Client],
                       exc: app_commands.AppCommandError, /) -> None:
        """Log the traceback and answer the user; the bot keeps running."""
        if isinstance(exc, app_commands.TransformerError):
            reply = error("I couldn't read one of the options", f"{exc}. Please pick it from the list.")
        elif isinstance(exc, app_commands.CommandSignatureMismatch | app_commands.CommandNotFound):
            log.error("Discord's copy of /study is out of date (%s): run `studybot discord sync`", exc)
            reply = error("This command is out of date", "An admin needs to run `studybot discord sync`.")
            if interaction.type is discord.InteractionType.autocomplete:  # it can only be answered with choices
                await interaction.response.autocomplete([])
                return
        else:
            command = interaction.command.qualified_name if interaction.command else "a command"
            log.error("error in /%s (interaction %s)", command, interaction.id, exc_info=exc)
            await apologise(interaction)
            return
        try:
            await deliver(interaction, render(reply))
        except Exception:
            log.exception("could not answer interaction %s", interaction.id)


def completes(command: app_commands.Command[Any, ..., Any], data: Any) -> bool:
    """Whether the option being typed in an autocomplete request is one `command` completes."""
    name = focused_option(data)
    return any(p.display_name == name and p.autocomplete for p in command.parameters)


MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError)
"""What discord.py raises on an interaction that lacks a field or holds one of the wrong type."""


def skip_malformed(ident: object, exc: Exception) -> None:
    """Log, in one line and without a traceback, that an interaction was skipped and why."""
    log.warning("skipped a malformed interaction %s (%s)", str(ident)[:32], describe(exc))


def skipping_malformed(parse: Callable[[Any], None]) -> Callable[[Any], None]:
    """`parse` for INTERACTION_CREATE, skipping an event that is malformed.

    Malformed: it does not fit Discord's documented shapes (checked first), or discord.py cannot read it.
    """

    def parse_or_skip(data: Any) -> None:
        try:
            check_interaction(data)
            parse(data)
        except MALFORMED as exc:
            skip_malformed(data.get("id") if isinstance(data, dict) else "?", exc)

    return parse_or_skip


class StudyClient(discord.AutoShardedClient):
    """A sharded client serving `/study`; `shard_ids` lets several processes split the guilds."""

    def __init__(self, runtime: Runtime, *, defer_after: float = DEFER_AFTER, **options: Any) -> None:
        config = runtime.settings.discord
        if config.shard_ids is not None:
            options["shard_ids"] = list(config.shard_ids)
        if config.application_id is not None:
            options["application_id"] = config.application_id
        super().__init__(intents=intents(), shard_count=config.shard_count, chunk_guilds_at_startup=False,
                         member_cache_flags=discord.MemberCacheFlags.none(),
                         allowed_mentions=discord.AllowedMentions.none(), **options)
        self.runtime = runtime
        self.defer_after = defer_after
        self.tree = StudyTree(self)
        self.tree.add_command(StudyGroup())
        self._finishing: asyncio.Task[None] | None = None
        self.answering: set[asyncio.Task[Any]] = set()
        """Interactions being answered, waited for on close so that what was acknowledged gets its answer."""

    async def setup_hook(self) -> None:
        """Register the persistent buttons; pick a shard count when a custom gateway is used."""
        self.add_dynamic_items(StudyButton)
        # discord.py parses each gateway event in the websocket's own loop, so one malformed
        # interaction would raise there and drop the connection; skip it with one line instead.
        parsers = self._connection.parsers
        parsers["INTERACTION_CREATE"] = skipping_malformed(parsers["INTERACTION_CREATE"])
        # A button press is read further (the message it is on, its components) in a task of its own.
        views = self._connection._view_store
        run_item = views.schedule_dynamic_item_call

        async def run_item_or_skip(component_type: int, factory: Any, interaction: discord.Interaction[Any],
                                   custom_id: str, match: re.Match[str]) -> None:
            try:
                await run_item(component_type, factory, interaction, custom_id, match)
            except MALFORMED as exc:
                skip_malformed(interaction.id, exc)

        views.schedule_dynamic_item_call = run_item_or_skip  # type: ignore[method-assign]
        if self.shard_count is None and self.runtime.settings.discord.custom_gateway:
            # discord.py would connect to the URL that GET /gateway/bot returns; keep ours instead.
            self.shard_count, _url, _limits = await self.http.get_bot_gateway()
        self._finishing = asyncio.create_task(self._finish_when_ready())

    async def close(self) -> None:
        """Stop finishing kept interactions, let the ones being answered finish, then close the connection."""
        if self._finishing is not None:
            self._finishing.cancel()
            await asyncio.gather(self._finishing, return_exceptions=True)
        if self.answering:
            await asyncio.gather(*(self.answering - {asyncio.current_task()}), return_exceptions=True)
        await super().close()

    async def _finish_when_ready(self) -> None:
        await self.wait_until_ready()
        await self.runtime.unfinished.keep_finishing(self.finish_unfinished)

    async def finish_unfinished(self) -> None:
        """Answer the interactions a stopped process deferred, with their tokens (valid 15 minutes)."""
        for hold, kept in await self.runtime.unfinished.take(PLATFORM, Kept):
            log.info("finishing interaction %s, deferred by a process that stopped", hold.key)
            try:
                webhook = discord.Webhook.from_state(
                    {"id": kept.application_id, "type": 3, "token": kept.token}, self._connection)
                await send_parts(render(await kept.work(self.runtime.bot)), webhook.send, webhook.send)
            except discord.HTTPException as exc:
                log.warning("could not finish interaction %s (%s)", hold.key, exc.__class__.__name__)
            await self.runtime.unfinished.release(hold)

    def poster(self) -> DiscordPoster:
        """A poster for the scheduler that shares this client's HTTP session and rate limits."""
        return DiscordPoster(self)

    async def on_ready(self) -> None:
        """Log which guilds and shards this process serves, and report the connection for /healthz."""
        self.runtime.health.connected["discord"] = True
        log.info("Discord: logged in as %s, %d guild(s), shards %s of %s", self.user, len(self.guilds),
                 list(self.shards), self.shard_count)

    async def on_resumed(self) -> None:
        """The gateway session came back."""
        self.runtime.health.connected["discord"] = True

    async def on_disconnect(self) -> None:
        """The gateway connection dropped; discord.py reconnects by itself."""
        self.runtime.health.connected["discord"] = False
