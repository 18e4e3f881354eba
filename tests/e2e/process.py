"""`studybot` as a separate process: a clean environment with its data in a temporary directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SHELL_JOB = "import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
"""Code that starts a program as a shell starts its jobs: with Ctrl-C's signal at its default.

A script's background job ignores SIGINT, and its children inherit that: tests run that way would
otherwise start a `studybot` that Ctrl-C cannot stop.
"""
RUN_STUDYBOT = "import sys\nfrom bot.cli import main\nsys.argv[0] = 'studybot'\nsys.exit(main())\n"
"""Code that runs `studybot` with the arguments given after `-c`."""


def studybot_env(tmp_path: Path, **env: str) -> dict[str, str]:
    """This environment without StudyBot, Discord or Slack settings, data in `tmp_path`, plus `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYBOT_", "DISCORD_", "SLACK_"))}
    clean.pop("DATABASE_URL", None)
    return {**clean, "STUDYBOT_DATA_DIR": str(tmp_path / "data"), **env}


def studybot(args: list[str], tmp_path: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot.cli ARGS` with `stdin` piped in, in `tmp_path` with a clean environment."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=studybot_env(tmp_path, **{"COLUMNS": "100", **env}),
        timeout=120,
        check=False,
    )
