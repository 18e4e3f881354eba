"""Settings: bad values stop start-up with one clear line, never echo secrets, and empty means unset."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import configured_adapters
from bot.settings import SettingsError, load_settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No StudyBot, Discord or Slack variable from outside, and no `.env` from the checkout.

    Variables that `load_settings` copies from a `.env` into the process are gone again afterwards.
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
    assert (settings.health_port, settings.slack_http_port, settings.discord_token) == (None, None, None)
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
