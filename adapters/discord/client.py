"""The discord.py client: `/study` registered, persistent buttons, errors answered politely."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from adapters.discord.buttons import StudyButton
from adapters.discord.commands import StudyGroup
from adapters.discord.config import intents
from adapters.discord.interactions import PLATFORM, Kept, apologise, deliver, send_parts
from adapters.discord.poster import DiscordPoster
from adapters.discord.render import render
from bot.bootstrap import Runtime
from bot.messages import error

log = logging.getLogger(__name__)

DEFER_AFTER = 1.5
"""Seconds to wait for the core before deferring (Discord wants an answer within 3 s)."""
FINISH_EVERY_S = 10.0
"""How often to look for interactions another replica deferred and did not live to answer."""


class StudyTree(app_commands.CommandTree[discord.Client]):
    """The command tree, with failures inside commands turned into a friendly private message."""

    async def on_error(self, interaction: discord.Interaction[discord.Client],
                       exc: app_commands.AppCommandError, /) -> None:
        """Log the traceback and answer the user; the bot keeps running."""
        if isinstance(exc, app_commands.TransformerError):
            reply = error("I couldn't read one of the options", f"{exc}. Please pick it from the list.")
        elif isinstance(exc, app_commands.CommandSignatureMismatch | app_commands.CommandNotFound):
            log.error("Discord's copy of /study is out of date (%s): run `studybot discord sync`", exc)
            reply = error("This command is out of date", "An admin needs to run `studybot discord sync`.")
        else:
            command = interaction.command.qualified_name if interaction.command else "a command"
            log.error("error in /%s (interaction %s)", command, interaction.id, exc_info=exc)
            await apologise(interaction)
            return
        try:
            await deliver(interaction, render(reply))
        except Exception:
            log.exception("could not answer interaction %s", interaction.id)


def skipping_malformed(parse: Callable[[Any], None]) -> Callable[[Any], None]:
    """`parse` for one gateway event, logging and skipping an event it cannot read (a missing field)."""

    def parse_or_skip(data: Any) -> None:
        try:
            parse(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            ident = str(data.get("id"))[:32] if isinstance(data, dict) else "?"
            log.warning("skipped a malformed interaction %s (%s: %s)", ident, exc.__class__.__name__, str(exc)[:100])

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
        if self.shard_count is None and self.runtime.settings.discord.custom_gateway:
            # discord.py would connect to the URL that GET /gateway/bot returns; keep ours instead.
            self.shard_count, _url, _limits = await self.http.get_bot_gateway()
        self._finishing = asyncio.create_task(self._keep_finishing())

    async def close(self) -> None:
        """Stop finishing kept interactions, let the ones being answered finish, then close the connection."""
        if self._finishing is not None:
            self._finishing.cancel()
            await asyncio.gather(self._finishing, return_exceptions=True)
        if self.answering:
            await asyncio.gather(*(self.answering - {asyncio.current_task()}), return_exceptions=True)
        await super().close()

    async def _keep_finishing(self) -> None:
        await self.wait_until_ready()
        while True:
            await self.finish_unfinished()
            await asyncio.sleep(FINISH_EVERY_S)

    async def finish_unfinished(self) -> None:
        """Answer the interactions a stopped process deferred, with their tokens (valid 15 minutes)."""
        for hold, body in await self.runtime.unfinished.take(PLATFORM):
            try:
                kept = Kept.model_validate_json(body)
            except ValueError:
                log.warning("dropped unfinished interaction %s: it could not be read", hold.key)
            else:
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
