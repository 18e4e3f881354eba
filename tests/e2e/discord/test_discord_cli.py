"""`studybot discord invite` and `studybot discord sync` against the stand-in."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import discord
import pytest
from pydantic import SecretStr

from adapters.discord import cli
from adapters.discord.sync import hash_key
from bot.settings import Settings
from bot.usecases.context import Core
from tests.conftest import free_port
from tests.e2e.discord.discord_standin import APP_ID, GUILD_ID, StandIn


def invite(url: str) -> dict[str, list[str]]:
    """The query of an invite URL."""
    return parse_qs(urlparse(url).query)


async def test_invite_fetches_the_application_id(standin: StandIn, discord_env: dict[str, str], settings: Settings,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Without DISCORD_APPLICATION_ID the invite asks the API for the application id."""
    code = await asyncio.to_thread(cli.main, argparse.Namespace(discord_command="invite"), settings)
    assert code == 0
    query = invite(capsys.readouterr().out.strip())
    assert query["client_id"] == [str(APP_ID)]
    assert query["scope"] == ["bot applications.commands"]
    expected = discord.Permissions(view_channel=True, send_messages=True, embed_links=True).value
    assert query["permissions"] == [str(expected)]


async def test_invite_uses_the_application_id_setting(settings: Settings,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """DISCORD_APPLICATION_ID is used as is, with no token needed."""
    settings.discord.application_id = 42
    settings.discord.token = None
    code = await asyncio.to_thread(cli.main, argparse.Namespace(discord_command="invite"), settings)
    assert code == 0
    assert invite(capsys.readouterr().out.strip())["client_id"] == ["42"]


async def test_sync_to_a_guild_registers_study_and_stores_the_hash(
        standin: StandIn, discord_env: dict[str, str], settings: Settings, core: Core,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`studybot discord sync --guild ID` syncs /study to that guild only and remembers it."""
    code = await asyncio.to_thread(cli.main, argparse.Namespace(discord_command="sync", guild=GUILD_ID), settings)
    assert code == 0
    assert "Synced 1 command(s)" in capsys.readouterr().out
    [synced] = standin.command_syncs
    assert synced["guild_id"] == GUILD_ID
    assert synced["payload"][0]["name"] == "study"
    async with core.unit_of_work() as uow:
        assert await uow.channels.get_value(hash_key(APP_ID, GUILD_ID)) is not None
        assert await uow.channels.get_value(hash_key(APP_ID)) is None


async def test_sync_with_a_rejected_token_fails_without_echoing_it(
        standin: StandIn, discord_env: dict[str, str], settings: Settings,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A wrong token exits 1 with a clear line that does not contain the token."""
    settings.discord.token = SecretStr("wrong-secret-token")
    code = await asyncio.to_thread(cli.main, argparse.Namespace(discord_command="sync", guild=None), settings)
    err = capsys.readouterr().err
    assert code == 1
    assert "DISCORD_TOKEN" in err
    assert "wrong-secret-token" not in err


async def test_sync_clear_removes_the_guild_copy(
        standin: StandIn, discord_env: dict[str, str], settings: Settings,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`sync --guild ID --clear` sends that guild an empty command list."""
    args = argparse.Namespace(discord_command="sync", guild=GUILD_ID, clear=True)
    code = await asyncio.to_thread(cli.main, args, settings)
    assert code == 0
    assert "Removed server" in capsys.readouterr().out
    [synced] = standin.command_syncs
    assert (synced["guild_id"], synced["payload"]) == (GUILD_ID, [])


async def studybot_discord(command: str, tmp_path: Path, **env: str) -> tuple[int, str]:
    """Run `studybot discord COMMAND` as an operator would; its exit code and everything it printed."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYBOT_", "DISCORD_", "SLACK_"))}
    environment.pop("DATABASE_URL", None)
    environment.update({"STUDYBOT_DATA_DIR": str(tmp_path / "data"), **env})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "discord", command, cwd=tmp_path, env=environment,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode()


@pytest.mark.parametrize("command", ["invite", "sync"])
async def test_unreachable_discord_is_one_line(command: str, tmp_path: Path) -> None:
    """Without a reachable Discord, invite and sync say so in one line and exit 1."""
    api = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    code, out = await studybot_discord(command, tmp_path, DISCORD_TOKEN="a-token", DISCORD_API_URL=api)
    assert code == 1
    [line] = out.strip().splitlines()
    assert line.startswith(f"studybot: cannot reach Discord at {api}/api/v10 (Cannot connect to host")
    assert line.endswith("); check the network connection and DISCORD_API_URL")


@pytest.mark.parametrize("command", ["invite", "sync"])
async def test_rejected_token_is_one_line_without_voice_warnings(command: str, tmp_path: Path,
                                                                 standin: StandIn) -> None:
    """A token Discord answers 401 to gives one line naming DISCORD_TOKEN: no traceback, no voice warnings."""
    code, out = await studybot_discord(command, tmp_path, DISCORD_TOKEN="wrong-secret-token",
                                       DISCORD_API_URL=standin.api_url, DISCORD_GATEWAY_URL=standin.gateway_url)
    assert code == 1
    assert out.strip().splitlines() == [
        "studybot: Discord rejected DISCORD_TOKEN; copy the bot token again from the Developer Portal"
    ]
