"""`studybot` as an operator runs it: serving a platform, reporting health, stopping cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp

from tests.conftest import free_port
from tests.e2e.slack.slack_stand_ins import BOT_TOKEN, SIGNING_SECRET, SlackStandIn


async def test_serves_reports_health_and_stops_on_sigterm(tmp_path: Path, slack_api: SlackStandIn) -> None:
    """With Slack in HTTP mode, /healthz turns 200 once serving, and SIGTERM ends the process cleanly."""
    health_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYBOT_", "DISCORD_", "SLACK_"))}
    env.pop("DATABASE_URL", None)
    env.update({
        "STUDYBOT_DATA_DIR": str(tmp_path / "data"),
        "STUDYBOT_HEALTH_PORT": str(health_port),
        "STUDYBOT_HEALTH_HOST": "127.0.0.1",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_HTTP_PORT": str(free_port()),
        "SLACK_HTTP_HOST": "127.0.0.1",
        "SLACK_API_URL": slack_api.api_url,
    })
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        report = None
        async with aiohttp.ClientSession() as session:
            for _ in range(600):  # up to 30 s: start-up is slow on a busy machine
                try:
                    async with session.get(f"http://127.0.0.1:{health_port}/healthz") as response:
                        if response.status == 200:
                            report = await response.json()
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.05)
        assert report == {"status": "ok", "database": "ok", "adapters": {"slack": "connected"}}
        process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=15)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == 0, err.decode()[-2000:]
    assert "stopped" in err.decode()
    assert "Traceback" not in err.decode()


async def test_run_without_a_platform_names_the_settings_and_exits_cleanly(tmp_path: Path) -> None:
    """`studybot run` with no platform configured says what to set and exits 0 at once, with no console.

    It is the container's command, so a container with `restart: on-failure` stays down.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYBOT_", "DISCORD_", "SLACK_"))}
    env.pop("DATABASE_URL", None)
    env["STUDYBOT_DATA_DIR"] = str(tmp_path / "data")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    assert out.decode() == ""
    assert err.decode().splitlines() == [
        "No chat platform is configured, so there is nothing to run. Set one of these in .env or the environment, "
        "then start StudyBot again:",
        "  Discord: set DISCORD_TOKEN",
        "  Slack: set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET and SLACK_HTTP_PORT "
        "(HTTP mode)",
        "To study without a platform, run `studybot console`.",
    ]
