"""discord.py set up from the Discord settings: its URLs, the intents, what the bot asks for."""

from __future__ import annotations

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from discord.voice_client import VoiceClient

from bot.settings import DiscordSettings


def apply(settings: DiscordSettings) -> None:
    """Point discord.py's REST client and gateway at the configured URLs (process-wide).

    Also turns off its warnings about missing voice libraries: StudyBot never uses voice.
    """
    Route.BASE = settings.api_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
    for flag in ("warn_nacl", "warn_dave"):  # the flags discord.py checks once, in Client()
        if hasattr(VoiceClient, flag):
            setattr(VoiceClient, flag, False)


def intents() -> discord.Intents:
    """Only the `guilds` intent: no privileged intents, no message content."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    return chosen


REQUIRED_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)
"""What the bot needs in a drop channel: see it, post in it, and show embeds."""

SCOPES = ("bot", "applications.commands")
