"""Generated requests (hypothesis) against the real Slack HTTP endpoint, 1,000 a run.

Never a 5xx, never a traceback, and the endpoint still serves a genuine command afterwards.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import threading
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.slack import runner
from bot.app import StudyBot
from bot.bootstrap import wire
from bot.content.catalogue import Catalogue
from bot.content.loader import require_course
from bot.store import migrate
from bot.store.db import create_engine, session_factory
from bot.usecases.context import Core
from tests.conftest import COURSE_DIR
from tests.e2e.records import Recorder
from tests.e2e.slack.slack_stand_ins import (
    LEARNER,
    SlackStandIn,
    block_actions,
    command_body,
    http_settings,
    signed,
    slack_user,
)

EXAMPLES = 1000


@dataclass
class Served:
    """The bot's Slack endpoint, running on its own event loop in a thread, and what it logged."""

    port: int
    api: SlackStandIn
    records: list[logging.LogRecord]

    def post(self, body: bytes, headers: dict[str, str]) -> int:
        """POST to /slack/events; the HTTP status."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", "/slack/events", body=body, headers=headers)
            return connection.getresponse().status
        finally:
            connection.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The real `runner.run` in HTTP mode on SQLite, with the Web API stand-in, for the whole module."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    ready: Future[Served] = Future()
    records: list[logging.LogRecord] = []
    patch = pytest.MonkeyPatch()
    handler = Recorder(records, logging.INFO)
    logging.getLogger().addHandler(handler)

    async def main(path: Path) -> None:
        api = SlackStandIn(users={LEARNER: slack_user(LEARNER)})
        await api.start()
        engine = create_engine(f"sqlite:///{path / 'fuzz.db'}")
        await migrate.upgrade(engine)
        bot = StudyBot(Core(catalogue=Catalogue.of(require_course(COURSE_DIR)), sessions=session_factory(engine)))
        patch.setenv("SLACK_API_URL", api.api_url)
        patch.setenv("SLACK_HTTP_HOST", "127.0.0.1")
        runtime = wire(http_settings(), engine, bot)
        task = asyncio.create_task(runner.run(runtime))
        for _ in range(3000):  # up to 30 s for the endpoint to listen
            if runtime.health.connected.get("slack") is True:
                break
            await asyncio.sleep(0.01)
        port = runtime.settings.slack.http_port
        assert port is not None
        ready.set_result(Served(port, api, records))
        await stop.wait()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await engine.dispose()
        await api.stop()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(tmp_path_factory.mktemp("fuzz")),))
    thread.start()
    try:
        yield ready.result(timeout=30)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=30)
        loop.close()
        logging.getLogger().removeHandler(handler)
        patch.undo()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
FIELD_NAMES = st.sampled_from(["payload", "command", "text", "user_id", "team_id", "channel_id", "ssl_check", "x"])


@st.composite
def request_bodies(draw: st.DrawFn) -> tuple[bytes, str]:
    """A body and its content type: Slack-shaped ones with random parts, and plain garbage."""
    kind = draw(st.sampled_from(["command", "press", "form", "json", "bytes"]))
    if kind == "command":
        fields = command_body(draw(st.text(max_size=300)), "http://127.0.0.1:9/r")
        for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=3)):
            fields[name] = draw(st.one_of(st.text(max_size=80), st.just("")))
        return urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
    if kind == "press":
        press: dict[str, Any] = block_actions(draw(st.text(max_size=120)), None, action_ts=draw(st.text(max_size=20)))
        for name in draw(st.lists(st.sampled_from(sorted(press)), max_size=3)):
            press[name] = draw(JSON)
        return urllib.parse.urlencode({"payload": json.dumps(press)}).encode(), "application/x-www-form-urlencoded"
    if kind == "form":
        pairs = draw(st.lists(st.tuples(FIELD_NAMES, st.text(max_size=50)), max_size=5))
        return urllib.parse.urlencode(pairs).encode(), "application/x-www-form-urlencoded"
    if kind == "json":
        return json.dumps(draw(JSON)).encode(), "application/json"
    content_types = ["application/json", "text/plain", "", "a/b; charset=x"]
    return draw(st.binary(max_size=300)), draw(st.sampled_from(content_types))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow], database=None)
@given(body=request_bodies(), sign=st.sampled_from(["signed", "unsigned", "bad timestamp"]),
       timestamp=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=15))
def test_no_generated_request_gets_a_5xx(served: Served, body: tuple[bytes, str], sign: str, timestamp: str) -> None:
    """Whatever arrives, the answer is below 500."""
    raw, content_type = body
    headers = {"Content-Type": content_type} if content_type else {}
    if sign != "unsigned":
        headers |= {k: v for k, v in signed(raw.decode("latin-1")).items() if k != "Content-Type"}
        if sign == "bad timestamp":
            headers["X-Slack-Request-Timestamp"] = timestamp
    assert served.post(raw, headers) < 500


def test_after_the_fuzz_nothing_logged_a_traceback_and_a_command_is_served(served: Served) -> None:
    """No log record carries a traceback, and a genuine /study help is still answered (runs after the fuzz)."""
    body = urllib.parse.urlencode(command_body("help", served.api.response_url("after")))
    assert served.post(body.encode(), signed(body)) == 200
    tracebacks = [f"{r.getMessage()}: {r.exc_info[1]!r}" for r in served.records if r.exc_info]
    assert tracebacks == []
