"""Connection settings read from the environment: URLs and shards."""

from __future__ import annotations

import pytest

from adapters.discord.config import DEFAULT_API_URL, DEFAULT_GATEWAY_URL, ConfigError, DiscordConfig


def test_defaults_are_discord() -> None:
    """With nothing set the adapter talks to Discord itself, with an automatic shard count."""
    config = DiscordConfig.from_env({})
    assert (config.api_url, config.gateway_url) == (DEFAULT_API_URL, DEFAULT_GATEWAY_URL)
    assert config.shard_count is None
    assert config.shard_ids is None
    assert not config.custom_gateway


def test_api_url_without_a_version_gets_one() -> None:
    """DISCORD_API_URL may be a bare host; the v10 API path is added."""
    assert DiscordConfig.from_env({"DISCORD_API_URL": "https://chat.example/"}).api_url == \
        "https://chat.example/api/v10"


def test_shard_ids_are_parsed_and_sorted() -> None:
    """DISCORD_SHARD_IDS takes a comma-separated list within DISCORD_SHARD_COUNT."""
    config = DiscordConfig.from_env({"DISCORD_SHARD_COUNT": "4", "DISCORD_SHARD_IDS": "3, 1"})
    assert config.shard_count == 4
    assert config.shard_ids == (1, 3)


@pytest.mark.parametrize("env", [
    {"DISCORD_SHARD_IDS": "1"},
    {"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "2"},
    {"DISCORD_SHARD_COUNT": "two"},
    {"DISCORD_SHARD_COUNT": "0"},
    {"DISCORD_GATEWAY_URL": "http://not-a-websocket"},
])
def test_bad_settings_are_refused_with_a_reason(env: dict[str, str]) -> None:
    """Inconsistent or malformed settings raise ConfigError naming the setting."""
    with pytest.raises(ConfigError, match="DISCORD_"):
        DiscordConfig.from_env(env)


def test_api_url_with_credentials_is_refused_without_echoing_them() -> None:
    """A user name or password in DISCORD_API_URL is refused, and the message does not repeat it."""
    with pytest.raises(ConfigError, match="DISCORD_API_URL must not hold a user name or password") as caught:
        DiscordConfig.from_env({"DISCORD_API_URL": "https://ann:S3cretPw@chat.example/api/v10"})
    assert "S3cretPw" not in str(caught.value)


@pytest.mark.parametrize(("env", "message"), [
    ({"DISCORD_SHARD_COUNT": "two"}, "DISCORD_SHARD_COUNT must be a whole number, not 'two'"),
    ({"DISCORD_APPLICATION_ID": "app"}, "DISCORD_APPLICATION_ID must be a whole number, not 'app'"),
    ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "0,x"},
     "DISCORD_SHARD_IDS must be a comma-separated list of shard numbers, not '0,x'"),
])
def test_a_number_that_is_not_one_is_named_with_what_was_expected(env: dict[str, str], message: str) -> None:
    """A setting that should hold numbers says which numbers it wants and repeats what it got."""
    with pytest.raises(ConfigError) as caught:
        DiscordConfig.from_env(env)
    assert str(caught.value) == message
