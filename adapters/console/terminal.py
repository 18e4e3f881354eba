"""Reading lines for the console: an editing prompt with history in a terminal, or lines from a pipe.

Reads happen in a daemon thread, so Ctrl-C never waits for a pending read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

try:  # GNU readline (or libedit) gives line editing and history; absent on Windows
    import readline as _readline
except ImportError:  # pragma: no cover - platform dependent
    _readline = None  # type: ignore[assignment]

try:
    import termios as _termios
except ImportError:  # pragma: no cover - platform dependent
    _termios = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

HISTORY_LENGTH = 1000
_BLOCKED = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class LineReader:
    """Lines typed at a terminal prompt (with history) or read from a pipe; None at end of input."""

    def __init__(self, stdin: TextIO, history: Path | None = None) -> None:
        self.stdin = stdin
        self.interactive = stdin.isatty() and stdin is sys.stdin
        self.history = history if self.interactive and _readline is not None else None
        self._saved_mode: list[Any] | None = None
        if self.interactive and _termios is not None:
            with contextlib.suppress(_termios.error, OSError, ValueError):
                self._saved_mode = _termios.tcgetattr(stdin.fileno())
        if self.interactive and _readline is not None:
            _readline.set_auto_history(False)  # only commands are remembered, not button presses
            _readline.set_history_length(HISTORY_LENGTH)
            if self.history is not None and self.history.is_file():
                with contextlib.suppress(OSError):
                    _readline.read_history_file(str(self.history))

    async def read(self, prompt: str) -> str | None:
        """The next line without its line ending, or None when input ended (Ctrl-D)."""
        if self.interactive:
            return await _in_daemon_thread(_prompt_line, prompt)
        return await _in_daemon_thread(_pipe_line, self.stdin)

    def remember(self, line: str) -> None:
        """Add a command to the history (up arrow) and keep it in the history file."""
        if self.history is None or _readline is None or not line:
            return
        length = _readline.get_current_history_length()
        if length and _readline.get_history_item(length) == line:
            return
        _readline.add_history(line)
        try:
            self.history.parent.mkdir(parents=True, exist_ok=True)
            _readline.write_history_file(str(self.history))
        except OSError as exc:
            log.warning("cannot keep the console history in %s: %s", self.history, exc)
            self.history = None

    def close(self) -> None:
        """Give the terminal back as it was, even when a read was cut short by Ctrl-C."""
        if self._saved_mode is not None and _termios is not None:
            with contextlib.suppress(_termios.error, OSError, ValueError):
                _termios.tcsetattr(self.stdin.fileno(), _termios.TCSADRAIN, self._saved_mode)


def _prompt_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None


def _pipe_line(stdin: TextIO) -> str | None:
    line = stdin.readline()
    return line.rstrip("\r\n") if line else None


async def _in_daemon_thread(read: Any, arg: Any) -> str | None:
    """Run a blocking read in a daemon thread: unlike asyncio.to_thread, leaving never waits for it."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str | None] = loop.create_future()

    def deliver(result: str | None, exc: BaseException | None) -> None:
        if future.done():
            return
        if exc is not None:
            future.set_exception(exc)
        else:
            future.set_result(result)

    def work() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, _BLOCKED)  # signals go to the event loop's thread
        result, error = None, None
        try:
            result = read(arg)
        except Exception as exc:  # handed to the awaiting task
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody is waiting
            loop.call_soon_threadsafe(deliver, result, error)

    threading.Thread(target=work, name="console-input", daemon=True).start()
    return await future
