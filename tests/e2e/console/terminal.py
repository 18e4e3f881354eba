"""`studybot console` in a pseudo-terminal, as a person at a keyboard runs it."""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tests.conftest import ROOT
from tests.e2e.process import RUN_STUDYBOT, SHELL_JOB, studybot_env

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b[=>]")
# The child becomes the terminal's session leader, as a login shell's job does, so Ctrl-C is a SIGINT.
TAKE_TERMINAL = SHELL_JOB + "import fcntl, termios\nfcntl.ioctl(0, termios.TIOCSCTTY, 0)\n" + RUN_STUDYBOT
UP = "\x1b[A"
CTRL_C = "\x03"
CTRL_D = "\x04"


class TerminalConsole:
    """A running `studybot console` on a pty of `rows` x `cols`; type keys, wait for text."""

    def __init__(self, tmp_path: Path, *args: str, rows: int = 24, cols: int = 80) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = studybot_env(
            tmp_path,
            TERM="xterm",
            PYTHONPATH=str(ROOT),
            HOME=str(tmp_path),  # no ~/.inputrc of whoever runs the tests
        )
        env.pop("COLUMNS", None)  # the size is the pty's
        env.pop("LINES", None)
        self.process = subprocess.Popen(
            [sys.executable, "-c", TAKE_TERMINAL, "console", *args],
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            cwd=tmp_path,
            env=env,
            start_new_session=True,
        )
        self.raw = b""
        self._seen = 0

    @property
    def text(self) -> str:
        """Everything shown so far, without terminal control sequences."""
        return ANSI.sub("", self.raw.decode("utf-8", "replace")).replace("\r", "")

    def type(self, keys: str) -> None:
        r"""Type `keys` as a person would (Enter is "\r")."""
        os.write(self.master, keys.encode())

    def expect(self, wanted: str, timeout: float = 30.0) -> str:
        """Wait until `wanted` appears after what earlier calls consumed; returns the text up to it."""
        return self.expect_first(wanted, timeout=timeout)[1]

    def expect_first(self, *wanted: str, timeout: float = 30.0) -> tuple[str, str]:
        """Wait until one of `wanted` appears; (the one that came first, the text up to it)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text
            hits = [(found, w) for w in wanted if (found := text.find(w, self._seen)) >= 0]
            if hits:
                found, which = min(hits)
                before, self._seen = text[self._seen : found], found + len(which)
                return which, before
            if not self._read_some(deadline):
                raise AssertionError(f"none of {wanted!r} appeared; the terminal shows:\n{text[-3000:]}")

    def wait_exit(self, timeout: float = 10.0) -> int:
        """The exit code, once the program has ended (reading what it prints meanwhile)."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"still running after {timeout} s; the terminal shows:\n{self.text[-3000:]}")
            self._read_some(min(deadline, time.monotonic() + 0.1))
        while self._read_some(time.monotonic() + 0.2):
            pass
        return self.process.returncode

    def mode(self) -> list[int | list[bytes | int]]:
        """The terminal's current settings (termios.tcgetattr of the pty)."""
        return termios.tcgetattr(self.slave)

    def close(self) -> None:
        """Stop the program if it still runs and release the pty."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self.master)
        os.close(self.slave)

    def _read_some(self, deadline: float) -> bool:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([self.master], [], [], remaining)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return False
        self.raw += chunk
        return bool(chunk)
