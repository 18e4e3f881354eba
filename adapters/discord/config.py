"""Connection settings of the Discord adapter that `bot.settings` does not hold (read from os.environ)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from discord.voice_client import VoiceClient

DEFAULT_API_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"

WHOLE_NUMBER = "a whole number"
T = TypeVar("T")


class ConfigError(ValueError):
    """A Discord setting that cannot be used; the message is one line for the operator."""


@dataclass(frozen=True)
class DiscordConfig:
    """Where to connect and which shards this process runs."""

    api_url: str = DEFAULT_API_URL
    gateway_url: str = DEFAULT_GATEWAY_URL
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    application_id: int | None = None

    @property
    def custom_gateway(self) -> bool:
        """Whether the gateway URL was overridden (a Discord-compatible server or a stand-in)."""
        return self.gateway_url != DEFAULT_GATEWAY_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DiscordConfig:
        """Read the settings from `env` (the process environment when None).

        DISCORD_API_URL, DISCORD_GATEWAY_URL, DISCORD_SHARD_COUNT, DISCORD_SHARD_IDS and
        DISCORD_APPLICATION_ID.
        """
        env = os.environ if env is None else env
        api = env.get("DISCORD_API_URL", "").strip().rstrip("/") or DEFAULT_API_URL
        if "/api" not in yarl.URL(api).path:
            api += "/api/v10"
        gateway = env.get("DISCORD_GATEWAY_URL", "").strip() or DEFAULT_GATEWAY_URL
        if not gateway.startswith(("ws://", "wss://")):
            raise ConfigError(f"DISCORD_GATEWAY_URL must start with ws:// or wss://, not {gateway!r}")
        if yarl.URL(api).user is not None:
            raise ConfigError("DISCORD_API_URL must not hold a user name or password (the bot token is the login)")
        if not api.startswith(("http://", "https://")):
            raise ConfigError(f"DISCORD_API_URL must start with http:// or https://, not {api!r}")
        count = _parsed(env, "DISCORD_SHARD_COUNT", int, WHOLE_NUMBER)
        ids = _parsed(env, "DISCORD_SHARD_IDS", _shard_numbers, "a comma-separated list of shard numbers")
        if ids is not None:
            if count is None:
                raise ConfigError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total across all processes)")
            bad = [i for i in ids if not 0 <= i < count]
            if bad:
                raise ConfigError(f"DISCORD_SHARD_IDS must lie in 0..{count - 1}; got {bad}")
        if count is not None and count < 1:
            raise ConfigError("DISCORD_SHARD_COUNT must be at least 1")
        return cls(api, gateway, count, ids, _parsed(env, "DISCORD_APPLICATION_ID", int, WHOLE_NUMBER))

    def apply(self) -> None:
        """Point discord.py's REST client and gateway at the configured URLs (process-wide).

        Also turns off its warnings about missing voice libraries: StudyBot never uses voice.
        """
        Route.BASE = self.api_url
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        for flag in ("warn_nacl", "warn_dave"):  # the flags discord.py checks once, in Client()
            if hasattr(VoiceClient, flag):
                setattr(VoiceClient, flag, False)


def _shard_numbers(raw: str) -> tuple[int, ...]:
    return tuple(sorted({int(part) for part in raw.replace(" ", ",").split(",") if part}))


def _parsed(env: Mapping[str, str], name: str, parse: Callable[[str], T], what: str) -> T | None:
    """The setting `name` read by `parse`, None when unset; a value `parse` refuses is a `ConfigError`."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {what}, not {raw!r}") from None


def intents() -> discord.Intents:
    """Only the `guilds` intent: no privileged intents, no message content."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    return chosen


REQUIRED_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
"""What the bot needs in a drop channel: see it, post in it, and show embeds."""

SCOPES = ("bot", "applications.commands")
