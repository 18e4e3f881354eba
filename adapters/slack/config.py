"""The Slack adapter's configuration: bot settings plus `SLACK_API_URL` / `SLACK_HTTP_HOST`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp
from pydantic import SecretStr
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import StartupError
from bot.settings import Settings

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_HTTP_HOST = "0.0.0.0"
EVENTS_PATH = "/slack/events"
RATE_LIMIT_RETRIES = 3


@dataclass(frozen=True)
class SlackConfig:
    """Tokens, the connection mode and where Slack's Web API lives."""

    bot_token: str
    app_token: str | None = None
    signing_secret: str | None = None
    http_port: int | None = None
    http_host: str = DEFAULT_HTTP_HOST
    api_url: str = DEFAULT_API_URL
    admin_ids: frozenset[str] = frozenset()

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is set (no public URL needed)."""
        return bool(self.app_token)

    @classmethod
    def from_settings(cls, settings: Settings, environ: Mapping[str, str] | None = None) -> SlackConfig:
        """Read the settings; `SLACK_API_URL` and `SLACK_HTTP_HOST` come from the environment."""
        env = os.environ if environ is None else environ
        bot_token = _secret(settings.slack_bot_token)
        if not bot_token:
            raise StartupError("Slack needs SLACK_BOT_TOKEN (the xoxb- token of your Slack app)")
        app_token = _secret(settings.slack_app_token)
        secret = _secret(settings.slack_signing_secret)
        if not app_token and not (secret and settings.slack_http_port):
            raise StartupError("Slack needs SLACK_APP_TOKEN (Socket Mode), or SLACK_SIGNING_SECRET "
                               "and SLACK_HTTP_PORT (HTTP mode)")
        return cls(
            bot_token=bot_token,
            app_token=app_token,
            signing_secret=secret,
            http_port=settings.slack_http_port,
            http_host=env.get("SLACK_HTTP_HOST") or DEFAULT_HTTP_HOST,
            api_url=api_url(env.get("SLACK_API_URL")),
            admin_ids=settings.admin_ids,
        )


def api_url(value: str | None) -> str:
    """The Web API base URL, ending in `/` as slack_sdk expects."""
    url = (value or DEFAULT_API_URL).strip()
    return url if url.endswith("/") else url + "/"


def web_client(token: str, base_url: str = DEFAULT_API_URL,
               session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    """An async Web API client that retries a 429 after its `Retry-After`, and connection resets.

    Pass a shared `session` to reuse connections (without one, slack_sdk opens one per call).
    """
    client = AsyncWebClient(token=token, base_url=api_url(base_url), timeout=15, session=session)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value().strip() or None if value is not None else None
