"""What Slack's HTTP mode lets through to bolt: signed, fresh, UTF-8 bodies that parse as Slack's.

Everything is checked here, on the raw bytes, before anything is parsed: the signature first (an
unsigned or stale request is refused with 401 and one short, rate-limited log line, never its
body), then the encoding and the shape (400). Only what passes reaches bolt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping
from urllib.parse import parse_qs

log = logging.getLogger(__name__)

MAX_TIMESTAMP_DIGITS = 12
MAX_AGE_S = 300  # Slack's own rule: older requests may be replays
MAX_FORM_FIELDS = 100
REFUSALS_LOGGED_EVERY_S = 10.0


class Refused(Exception):
    """A request that does not get to bolt: the HTTP status and a short reason (for the log)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Gate:
    """Admits Slack's requests by signature, freshness, encoding and shape."""

    def __init__(self, signing_secret: str | None, clock: Callable[[], float] = time.time) -> None:
        self._secret = signing_secret.encode() if signing_secret else None
        self._clock = clock
        self._log = RateLimitedLog(log, REFUSALS_LOGGED_EVERY_S)

    def admit(self, raw: bytes, headers: Mapping[str, str], content_type: str, charset: str | None) -> str:
        """The body as text, fit for bolt; raises Refused (and logs one line, rate-limited) otherwise."""
        try:
            self._verify(raw, headers)
            text = _decode(raw, charset)
            _check_shape(text, content_type)
        except Refused as refused:
            self._log.line(f"refused a Slack request with HTTP {refused.status}: {refused.reason}")
            raise
        return text

    def _verify(self, raw: bytes, headers: Mapping[str, str]) -> None:
        """Slack's scheme on the raw bytes: `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}`, at most 5 minutes old.

        (slack_sdk's SignatureVerifier decodes the body first, which fails on bytes that are not UTF-8.)
        """
        if self._secret is None:
            return
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        if not (0 < len(timestamp) <= MAX_TIMESTAMP_DIGITS and timestamp.isascii() and timestamp.isdigit()):
            raise Refused(401, "no valid X-Slack-Request-Timestamp")
        expected = "v0=" + hmac.new(self._secret, b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), headers.get("X-Slack-Signature", "").encode("utf-8", "replace")):
            raise Refused(401, "bad signature")
        if abs(self._clock() - int(timestamp)) > MAX_AGE_S:
            raise Refused(401, "stale timestamp")


def _decode(raw: bytes, charset: str | None) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise Refused(400, f"charset {charset[:20]!r} (Slack sends UTF-8)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None


def _check_shape(text: str, content_type: str) -> None:
    """A slash command or an interaction payload as a form, or an event as a JSON object."""
    if content_type == "application/json":
        event = _json_object(text, "event body")
        if event.get("type") == "event_callback" and not isinstance(event.get("event"), dict):
            raise Refused(400, "event_callback without an event")
        return
    if content_type != "application/x-www-form-urlencoded":
        raise Refused(400, f"content type {content_type[:40]!r}")
    try:
        form = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise Refused(400, "too many form fields") from None
    if "payload" in form:
        if len(form["payload"]) != 1:
            raise Refused(400, "payload given more than once")
        payload = _json_object(form["payload"][0], "payload")
        if payload.get("type") != "block_actions":
            raise Refused(400, "payload is not a button press (block_actions)")
        actions = payload.get("actions")
        if not (isinstance(actions, list) and actions and all(isinstance(a, dict) for a in actions)):
            raise Refused(400, "payload has no actions")
        if not all(isinstance(a.get("action_id"), str) for a in actions):
            raise Refused(400, "an action without an action_id")
    elif "command" not in form and "ssl_check" not in form:
        raise Refused(400, "neither a command nor a payload")


def _json_object(text: str, what: str) -> dict[str, object]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Refused(400, f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Refused(400, f"{what} is not a JSON object")
    return value


class RateLimitedLog:
    """At most one line every `every` seconds; the next says how many were left out meanwhile."""

    def __init__(self, logger: logging.Logger, every: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._logger = logger
        self._every = every
        self._clock = clock
        self._next = 0.0
        self._skipped = 0

    def line(self, text: str) -> None:
        """Log `text` at WARNING unless a line went out less than `every` seconds ago."""
        now = self._clock()
        if now < self._next:
            self._skipped += 1
            return
        more = f" ({self._skipped} more since the last such line)" if self._skipped else ""
        self._logger.warning("%s%s", text, more)
        self._next, self._skipped = now + self._every, 0
