"""Who a Slack user is (name, admin or owner, timezone), from users.info, cached for minutes."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

TTL_SECONDS = 300.0
FAILURE_TTL_SECONDS = 30.0
MAX_ENTRIES = 5000


@dataclass(frozen=True)
class SlackUser:
    """What users.info says about someone."""

    user_id: str
    name: str
    is_admin: bool
    timezone: str | None


class UserDirectory:
    """users.info per user, cached for `ttl` seconds (a failed lookup briefly too)."""

    def __init__(self, client: AsyncWebClient, ttl: float = TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[str, tuple[float, SlackUser | None]] = {}
        self._pending: dict[str, asyncio.Future[SlackUser | None]] = {}

    async def lookup(self, user_id: str) -> SlackUser | None:
        """The user, or None when Slack could not say (the caller then falls back to defaults)."""
        cached = self._cache.get(user_id)
        if cached is not None and cached[0] > self.clock():
            return cached[1]
        pending = self._pending.get(user_id)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[SlackUser | None] = asyncio.get_running_loop().create_future()
        self._pending[user_id] = future
        try:
            user = await self._fetch(user_id)
            future.set_result(user)
        finally:
            del self._pending[user_id]
            if not future.done():
                future.set_result(None)
        ttl = self.ttl if user is not None else FAILURE_TTL_SECONDS
        if len(self._cache) >= MAX_ENTRIES:
            self._cache.clear()
        self._cache[user_id] = (self.clock() + ttl, user)
        return user

    async def _fetch(self, user_id: str) -> SlackUser | None:
        try:
            response = await self.client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
            return None
        except (ClientError, TimeoutError) as exc:
            log.warning("users.info unreachable for %s: %s", user_id, exc.__class__.__name__)
            return None
        data = response.get("user") or {}
        profile = data.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or data.get("real_name") \
            or data.get("name") or ""
        admin = bool(data.get("is_admin") or data.get("is_owner") or data.get("is_primary_owner"))
        return SlackUser(user_id=user_id, name=str(name), is_admin=admin, timezone=data.get("tz") or None)
