"""Time to the console's first prompt and its idle memory, next to Python's own floors.

    .venv/bin/python -m bench.startup [--runs 7] [--idle 1.0]

Each run spawns a process in a pseudo-terminal of 100x30, as a person's shell would, and times it
from the spawn until its first prompt appears on the terminal; then, after `--idle` seconds of
waiting at that prompt, it reads the process's resident memory (VmRSS in /proc) and sends `exit`.
The processes measured:

- `python -c pass`: the interpreter alone (it prints the prompt and waits for a line);
- the console's libraries: a bare import of the third-party packages the console uses, nothing run;
- every declared dependency: the same with those the console leaves alone until needed (rapidfuzz,
  Alembic, asyncpg, aiohttp, and the platform SDKs discord.py, slack-bolt and slack-sdk);
- `studybot console`: the real console on an existing SQLite database (a first run, not timed,
  creates it), from the entry point to `study> `;
- `studybot console`, first start: the same on a new database each time, which it creates and
  migrates (the only start that loads Alembic).
The platform settings are removed from the environment, so no platform is configured, and so is
`PYTHONDONTWRITEBYTECODE`: as from a person's shell, the untimed first run compiles the project's
modules and later starts load them compiled.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

PROMPT = b"study> "
TARGET_PROMPT_S = 0.8
TARGET_RSS_MB = 80.0
TIMEOUT_S = 30.0
FIRST = "studybot console, first start"
CONSOLE_LIBRARIES = (
    "pydantic", "pydantic_settings", "dotenv", "yaml", "sqlalchemy.ext.asyncio", "sqlalchemy.dialects.sqlite.aiosqlite",
    "aiosqlite", "fsrs", "rich.console", "rich.markdown", "apscheduler.schedulers.asyncio",
)
"""What `studybot console` imports from its dependencies before its first prompt."""
EVERY_DEPENDENCY = (*CONSOLE_LIBRARIES, "rapidfuzz", "alembic", "asyncpg", "aiohttp", "discord", "slack_bolt",
                    "slack_sdk")
"""Every runtime dependency in pyproject.toml."""


def _waiting(imports: tuple[str, ...]) -> list[str]:
    """A Python command that imports `imports`, then prompts and waits for a line, as the console does."""
    lines = [f"import {name}" for name in imports] + [f"input({PROMPT.decode()!r})"]
    return [sys.executable, "-c", "\n".join(lines)]


@dataclass(frozen=True)
class Run:
    """One start: seconds to the first prompt and resident memory at the idle prompt."""

    seconds: float
    rss_mb: float


def _rss_mb(pid: int) -> float:
    """The resident memory of process `pid`, in MB (MiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _read_until(fd: int, marker: bytes, deadline: float) -> bytes:
    """What the terminal shows until `marker` appears (everything read so far)."""
    seen = b""
    while marker not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {marker!r} within {TIMEOUT_S:g} s; the terminal showed: {seen[-500:]!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the process ended: the terminal is gone
                chunk = b""
            if not chunk:
                raise RuntimeError(f"the process ended before {marker!r}; the terminal showed: {seen[-500:]!r}")
            seen += chunk
    return seen


def start_once(command: list[str], env: dict[str, str], cwd: Path, idle: float) -> Run:
    """Spawn `command` in a fresh pseudo-terminal, time it to its first prompt, measure it idle, end it."""
    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    begin = time.perf_counter()
    process = subprocess.Popen(command, stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env, cwd=cwd,
                               start_new_session=True)
    os.close(child_fd)
    try:
        _read_until(main_fd, PROMPT, time.monotonic() + TIMEOUT_S)
        seconds = time.perf_counter() - begin
        time.sleep(idle)
        rss = _rss_mb(process.pid)
        os.write(main_fd, b"exit\r")
        process.wait(timeout=TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main_fd)
    return Run(seconds, rss)


def clean_env(data_dir: Path) -> dict[str, str]:
    """This environment without platform or StudyBot settings, with the data in `data_dir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYBOT_", "DISCORD_", "SLACK_"))}
    env.pop("DATABASE_URL", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a person's shell keeps the compiled modules of the first start
    return {**env, "STUDYBOT_DATA_DIR": str(data_dir), "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}


def studybot_command() -> list[str]:
    """The installed `studybot` entry point beside this interpreter (else `python -m bot.cli`)."""
    entry = Path(sys.executable).with_name("studybot")
    return [str(entry), "console", "--user", "bench"] if entry.is_file() else \
        [sys.executable, "-m", "bot.cli", "console", "--user", "bench"]


def _stats(values: list[float]) -> tuple[float, float, float]:
    return min(values), statistics.median(values), max(values)


def line(name: str, runs: list[Run]) -> str:
    """One row of the report: min / median / max of time to prompt and of idle RSS."""
    t = _stats([r.seconds * 1000 for r in runs])
    m = _stats([r.rss_mb for r in runs])
    return (f"{name:<36} to prompt ms  min {t[0]:6.0f}  median {t[1]:6.0f}  max {t[2]:6.0f}   "
            f"idle RSS MB  min {m[0]:5.1f}  median {m[1]:5.1f}  max {m[2]:5.1f}")


def main() -> int:
    """Run every process `--runs` times, interleaved, and print the table and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="starts of each process (default 7)")
    parser.add_argument("--idle", type=float, default=1.0, help="seconds at the prompt before reading RSS (default 1)")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="studybot-startup-"))
    try:
        env, cwd = clean_env(data_dir), data_dir
        console = studybot_command()
        start_once(console, env, cwd, 0.0)  # creates and migrates the database: a first start, not timed
        subjects = {
            "python -c pass (prompt only)": _waiting(()),
            "import the console's libraries": _waiting(CONSOLE_LIBRARIES),
            "import every declared dependency": _waiting(EVERY_DEPENDENCY),
            "studybot console": console,
        }
        runs: dict[str, list[Run]] = {name: [] for name in (*subjects, FIRST)}
        for n in range(args.runs):  # interleaved, so a busy moment of the machine hits every row alike
            for name, command in subjects.items():
                runs[name].append(start_once(command, env, cwd, args.idle))
            runs[FIRST].append(start_once(console, clean_env(data_dir / f"new-{n}"), cwd, args.idle))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"{args.runs} starts each in a 100x30 pseudo-terminal, RSS after {args.idle:g} s idle at the prompt; "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    for name, measured in runs.items():
        print(line(name, measured))
    ours = runs["studybot console"]
    prompt_s = statistics.median(r.seconds for r in ours)
    rss = statistics.median(r.rss_mb for r in ours)
    verdict = "PASS" if prompt_s <= TARGET_PROMPT_S and rss < TARGET_RSS_MB else "FAIL"
    print(f"studybot console: median {prompt_s * 1000:.0f} ms to the first prompt, {rss:.1f} MB idle "
          f"(target: <= {TARGET_PROMPT_S * 1000:.0f} ms and < {TARGET_RSS_MB:g} MB): {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
