"""The run command's wiring: which platforms run, and how a failing one is kept alive."""

from __future__ import annotations

import argparse
import asyncio
import io
from collections.abc import Iterator
from importlib import metadata
from typing import Any

import pytest
from pydantic import SecretStr
from rich.console import Console
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.console.poster import ConsolePoster
from bot import cli
from bot.bootstrap import Runtime, StartupError
from bot.health import Health
from bot.posting import Posters
from bot.settings import DiscordSettings, Settings, SlackSettings


def settings(discord: DiscordSettings | None = None, **slack: Any) -> Settings:
    """Settings with only the given platform credentials, whatever the environment holds."""
    return Settings.model_construct(discord=discord or DiscordSettings(), slack=SlackSettings(**slack))


def supervised() -> Runtime:
    """A runtime with only what `supervise` touches: the posters and the health (on a database never opened)."""
    runtime = Runtime.__new__(Runtime)
    runtime.posters, runtime.health = Posters(), Health(create_async_engine("sqlite+aiosqlite://"))
    return runtime


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every subcommand of `parser`, as the words that name it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from command_paths(sub, (*prefix, name))


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    """`studybot --version` prints the installed version and exits 0."""
    with pytest.raises(SystemExit) as caught:
        cli.main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"studybot {metadata.version('studybot')}\n"


@pytest.mark.parametrize("path", [" ".join(p) for p in command_paths(cli._parser())])
def test_every_subcommand_help_ends_with_an_example(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`studybot SUBCOMMAND --help` shows at least one example of that very subcommand."""
    with pytest.raises(SystemExit):
        cli._parser().parse_args([*path.split(), "--help"])
    out = capsys.readouterr().out
    examples = out.split("example")[-1]
    assert f"\n  studybot {path}" in examples, out


def test_no_tokens_means_no_platform() -> None:
    """Without tokens nothing runs but the console."""
    assert cli.configured_adapters(settings()) == []


def test_discord_and_socket_mode_slack() -> None:
    """A Discord token and a Slack bot + app token run both."""
    chosen = settings(DiscordSettings(token=SecretStr("d")), bot_token=SecretStr("b"), app_token=SecretStr("a"))
    assert cli.configured_adapters(chosen) == ["discord", "slack"]


def test_half_configured_slack_names_what_is_missing() -> None:
    """A Slack bot token without a connection mode stops start-up, naming both ways to finish it."""
    with pytest.raises(StartupError, match="SLACK_APP_TOKEN for Socket Mode, or both SLACK_SIGNING_SECRET"):
        cli.configured_adapters(settings(bot_token=SecretStr("b"), signing_secret=SecretStr("s")))


def test_slack_without_bot_token_is_refused() -> None:
    """An app token alone is not enough."""
    with pytest.raises(StartupError, match="SLACK_BOT_TOKEN"):
        cli.configured_adapters(settings(app_token=SecretStr("a")))


async def test_supervise_restarts_a_crashed_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    """A platform that fails (say, unreachable at login) is restarted instead of stopping the bot."""
    monkeypatch.setattr(cli, "RESTART_FIRST_S", 0.01)
    runtime = supervised()
    calls = 0

    async def flaky(_runtime: Runtime) -> None:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise ConnectionError("Discord is unreachable")

    await asyncio.wait_for(cli.supervise("discord", flaky, runtime), timeout=5)
    assert calls == 3


async def test_a_crashed_platform_posts_no_drops_until_it_is_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """While a platform restarts, its poster is withdrawn, so due drops wait instead of failing."""
    monkeypatch.setattr(cli, "RESTART_FIRST_S", 0.01)
    runtime = supervised()
    seen: list[bool] = []

    async def crashes_once(rt: Runtime) -> None:
        seen.append("discord" in rt.posters)
        if len(seen) == 1:
            rt.posters.register("discord", ConsolePoster(Console(file=io.StringIO())))
            raise ConnectionError("gateway closed")

    await asyncio.wait_for(cli.supervise("discord", crashes_once, runtime), timeout=5)
    assert seen == [False, False]


async def test_supervise_lets_configuration_errors_stop_the_bot() -> None:
    """A StartupError (a rejected token) is not retried."""
    runtime = supervised()

    async def rejected(_runtime: Runtime) -> None:
        raise StartupError("Discord rejected DISCORD_TOKEN")

    with pytest.raises(StartupError):
        await cli.supervise("discord", rejected, runtime)
