"""Settings: bad values stop start-up with one clear line, never echo secrets, and empty means unset."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import configured_adapters
from bot.settings import DISCORD_API_URL, DISCORD_GATEWAY_URL, SLACK_API_URL, SettingsError, load_settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No StudyBot, Discord or Slack variable from outside, and no `.env` from the checkout.

    The environment is restored afterwards, whatever a test set.
    """
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith(("STUDYBOT_", "DISCORD_", "SLACK_")) or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_bad_log_level_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown log level names the accepted ones."""
    monkeypatch.setenv("STUDYBOT_LOG_LEVEL", "verbose")
    with pytest.raises(SettingsError, match="STUDYBOT_LOG_LEVEL: 'verbose' is not one of DEBUG"):
        load_settings()


def test_malformed_database_url_does_not_echo_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """A malformed DATABASE_URL is reported without its content (it may hold a password)."""
    monkeypatch.setenv("DATABASE_URL", "postgresql//bob:S3cretPw@db/x")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "S3cretPw" not in str(caught.value)
    assert "DATABASE_URL" in str(caught.value)


def test_unsupported_database_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """A database StudyBot cannot use is named with the supported forms."""
    monkeypatch.setenv("DATABASE_URL", "mysql://u@h/db")
    with pytest.raises(SettingsError, match="supports sqlite:///path and postgresql://"):
        load_settings()


def test_log_level_is_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    """`debug` is accepted as DEBUG."""
    monkeypatch.setenv("STUDYBOT_LOG_LEVEL", "debug")
    assert load_settings().log_level == "DEBUG"


def test_empty_variables_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty value in the environment is the default, for numbers and text alike."""
    for name in ("STUDYBOT_HEALTH_PORT", "SLACK_HTTP_PORT", "STUDYBOT_TIMEZONE", "STUDYBOT_LOG_LEVEL", "DISCORD_TOKEN"):
        monkeypatch.setenv(name, "")
    settings = load_settings()
    assert (settings.health_port, settings.slack.http_port, settings.discord.token) == (None, None, None)
    assert (settings.timezone, settings.log_level) == ("UTC", "INFO")


def test_a_verbatim_copy_of_env_example_configures_no_platform(tmp_path: Path) -> None:
    """`cp .env.example .env` loads without an error and configures no platform."""
    (tmp_path / ".env").write_text(ENV_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert configured_adapters(load_settings()) == []


def test_env_example_with_only_the_discord_token_filled_runs_discord_only(tmp_path: Path) -> None:
    """Filling in DISCORD_TOKEN alone in a copy of .env.example starts Discord and nothing else."""
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    assert "DISCORD_TOKEN=" in lines
    filled = ["DISCORD_TOKEN=a-discord-token" if line == "DISCORD_TOKEN=" else line for line in lines]
    (tmp_path / ".env").write_text("\n".join(filled) + "\n", encoding="utf-8")
    assert configured_adapters(load_settings()) == ["discord"]


def test_env_example_leaves_the_data_dir_to_the_image() -> None:
    """.env.example does not set STUDYBOT_DATA_DIR, which would override the Docker image's /data."""
    active = [line for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert not any(line.startswith("STUDYBOT_DATA_DIR") for line in active)


def test_discord_defaults_are_discord_itself() -> None:
    """With nothing set the adapter talks to Discord itself, with an automatic shard count."""
    discord = load_settings().discord
    assert (discord.api_url, discord.gateway_url) == (DISCORD_API_URL, DISCORD_GATEWAY_URL)
    assert (discord.shard_count, discord.shard_ids) == (None, None)
    assert not discord.custom_gateway


def test_discord_api_url_without_a_version_gets_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """DISCORD_API_URL may be a bare host; the v10 API path is added."""
    monkeypatch.setenv("DISCORD_API_URL", "https://chat.example/")
    assert load_settings().discord.api_url == "https://chat.example/api/v10"


def test_discord_shard_ids_are_parsed_and_sorted(monkeypatch: pytest.MonkeyPatch) -> None:
    """DISCORD_SHARD_IDS takes a comma-separated list within DISCORD_SHARD_COUNT."""
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "4")
    monkeypatch.setenv("DISCORD_SHARD_IDS", "3, 1")
    discord = load_settings().discord
    assert (discord.shard_count, discord.shard_ids) == (4, (1, 3))


@pytest.mark.parametrize(("env", "message"), [
    ({"DISCORD_SHARD_IDS": "1"}, "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total across all processes)"),
    ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "2"}, "DISCORD_SHARD_IDS must lie in 0..1; got [2]"),
    ({"DISCORD_SHARD_COUNT": "0"}, "DISCORD_SHARD_COUNT must be at least 1"),
    ({"DISCORD_GATEWAY_URL": "http://not-a-websocket"},
     "DISCORD_GATEWAY_URL must start with ws:// or wss://, not 'http://not-a-websocket'"),
    ({"DISCORD_API_URL": "ftp://chat.example"}, "DISCORD_API_URL must start with http:// or https://, not 'ftp://chat.example'"),
    ({"DISCORD_SHARD_COUNT": "two"}, "DISCORD_SHARD_COUNT must be a whole number, not 'two'"),
    ({"DISCORD_APPLICATION_ID": "app"}, "DISCORD_APPLICATION_ID must be a whole number, not 'app'"),
    ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "0,x"},
     "DISCORD_SHARD_IDS must be a comma-separated list of shard numbers, not '0,x'"),
])
def test_a_bad_discord_setting_is_one_line_naming_it(
        monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str) -> None:
    """An inconsistent or malformed Discord setting says which one, what it wants and what it got."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value) == message


def test_discord_api_url_with_credentials_is_refused_without_echoing_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user name or password in DISCORD_API_URL is refused, and the message does not repeat it."""
    monkeypatch.setenv("DISCORD_API_URL", "https://ann:S3cretPw@chat.example/api/v10")
    with pytest.raises(SettingsError, match="DISCORD_API_URL must not hold a user name or password") as caught:
        load_settings()
    assert "S3cretPw" not in str(caught.value)


def test_slack_settings_come_from_their_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """SLACK_* variables fill the Slack settings; the Web API URL gets the `/` slack_sdk needs."""
    for name, value in {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_HTTP_PORT": "3000",
                        "SLACK_HTTP_HOST": "127.0.0.1", "SLACK_API_URL": "https://slack-gov.com/api"}.items():
        monkeypatch.setenv(name, value)
    slack = load_settings().slack
    assert slack.bot_token is not None
    assert slack.bot_token.get_secret_value() == "xoxb-1"
    assert (slack.http_port, slack.http_host, slack.api_url) == (3000, "127.0.0.1", "https://slack-gov.com/api/")
    assert (slack.socket_mode, slack.problem) == (False, None)


def test_slack_defaults_are_slack_itself() -> None:
    """Without SLACK_API_URL and SLACK_HTTP_HOST, Slack's own Web API and every address."""
    slack = load_settings().slack
    assert (slack.api_url, slack.http_host, slack.wanted) == (SLACK_API_URL, "0.0.0.0", False)


def test_a_bad_slack_port_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """SLACK_HTTP_PORT that is not a number stops start-up with the line the docs show."""
    monkeypatch.setenv("SLACK_HTTP_PORT", "http")
    with pytest.raises(SettingsError, match=r"^invalid setting SLACK_HTTP_PORT: Input should be a valid integer"):
        load_settings()


def test_a_group_variable_that_is_not_json_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A variable named like a whole group (DISCORD) that is not JSON is refused in one line."""
    monkeypatch.setenv("DISCORD", "on")
    with pytest.raises(SettingsError, match=r"^invalid setting: .*discord"):
        load_settings()
