"""Slack's Web API client, and where the Events API reaches the bot in HTTP mode."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

EVENTS_PATH = "/slack/events"
RATE_LIMIT_RETRIES = 3


def web_client(token: str, base_url: str, session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    """An async Web API client that retries a 429 after its `Retry-After`, and connection resets.

    `base_url` ends in `/` (as `SlackSettings.api_url` does). Pass a shared `session` to reuse
    connections (without one, slack_sdk opens one per call).
    """
    client = AsyncWebClient(token=token, base_url=base_url, timeout=15, session=session)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client
