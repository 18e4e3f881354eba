"""SIGHUP makes a running `studybot` re-read its course packs: a valid change is served, a broken one is not."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.e2e.slack.slack_stand_ins import BOT_TOKEN, SIGNING_SECRET, SlackStandIn
from tests.e2e.test_stopping import Process, environment, started
from tests.packs import card_pack


async def read_log_until(process: Process, text: str, within: float = 30.0) -> str:
    """The process's log (stderr) up to and including the first line that contains `text`."""
    assert process.stderr is not None
    seen: list[str] = []
    deadline = time.monotonic() + within
    while not any(text in line for line in seen):
        line = await asyncio.wait_for(process.stderr.readline(), timeout=max(deadline - time.monotonic(), 0.01))
        assert line, f"the log ended before {text!r}: {''.join(seen)[-1500:]}"
        seen.append(line.decode())
    return "".join(seen)


@pytest.fixture
async def bot(tmp_path: Path, slack_api: SlackStandIn) -> AsyncIterator[Process]:
    """`studybot` serving Slack (HTTP mode) the course `alpha` of a content dir of its own, started."""
    content = tmp_path / "content"
    card_pack(content, name="alpha")
    env = environment(tmp_path / "data", SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                      SLACK_HTTP_PORT=str(free_port()), SLACK_HTTP_HOST="127.0.0.1", SLACK_API_URL=slack_api.api_url,
                      STUDYBOT_CONTENT_DIR=str(content), STUDYBOT_COURSE="alpha", STUDYBOT_LOG_LEVEL="INFO")
    async with started([], env, tmp_path) as process:
        await read_log_until(process, "Slack adapter in HTTP mode")
        yield process


async def stop(process: Process) -> str:
    """SIGTERM, then the rest of the log once the process has left."""
    assert process.stderr is not None
    process.send_signal(signal.SIGTERM)
    rest = (await asyncio.wait_for(process.stderr.read(), timeout=30)).decode()
    await asyncio.wait_for(process.wait(), timeout=30)
    return rest


async def test_sighup_serves_a_pack_added_meanwhile(bot: Process, tmp_path: Path) -> None:
    """A pack folder added after start is served after SIGHUP, and the process keeps running."""
    card_pack(tmp_path / "content", name="beta")
    bot.send_signal(signal.SIGHUP)
    log = await read_log_until(bot, "content reloaded")
    assert "serving alpha: 2 topics, beta: 2 topics (default alpha); added: beta" in log
    assert bot.returncode is None
    rest = await stop(bot)
    assert bot.returncode == 0, rest
    assert "Traceback" not in log + rest


async def test_sighup_with_a_broken_pack_keeps_the_old_content(bot: Process, tmp_path: Path) -> None:
    """A broken file: one warning line naming it, no traceback, and the bot goes on serving."""
    (tmp_path / "content" / "alpha" / "topics" / "gc.yaml").write_text("id: gc\ntitle: [unclosed\n")
    bot.send_signal(signal.SIGHUP)
    log = await read_log_until(bot, "content not reloaded")
    warning = log.splitlines()[-1]
    assert "WARNING" in warning
    assert "the first: alpha/topics/gc.yaml" in warning
    assert "still serving alpha: 2 topics" in warning
    assert bot.returncode is None
    rest = await stop(bot)
    assert bot.returncode == 0, rest
    assert "Traceback" not in log + rest
