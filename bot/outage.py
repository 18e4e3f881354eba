"""Logging a database outage as a story of three lines, not one traceback per request."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.store.errors import StoreBusyError, StoreError, StoreUnavailableError, translated

REPORT_EVERY_S = 30.0


def unreachable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached rather than that the code is wrong.

    Down, refusing connections, out of pooled connections, a connection lost mid-way, a lock that
    will not come: the difference between an outage and a bug.
    """
    down = StoreUnavailableError | StoreBusyError
    return isinstance(exc, down | OSError) or isinstance(translated(exc), down)


class OutageLog:
    """Tells the log when the database went away (once, with its cause) and when it is back.

    In between, every REPORT_EVERY_S, it tells how many requests failed since.
    """

    def __init__(self, log: logging.Logger, clock: Callable[[], float] = time.monotonic, what: str = "request") -> None:
        self._log = log
        self._clock = clock
        self._what = what  # what fails meanwhile, for the lines: requests, drop jobs
        self._since: float | None = None  # when the outage began, while there is one
        self._failed = 0  # requests failed since the last report
        self._total = 0
        self._reported_at = 0.0

    def failed(self, exc: BaseException) -> None:
        """A request failed because the database could not be reached (see `unreachable`)."""
        now = self._clock()
        self._total += 1
        if self._since is None:
            self._since, self._reported_at, self._failed = now, now, 0
            self._log.error("database unavailable (%s); %ss fail until it answers again", cause(exc), self._what)
            return
        self._failed += 1
        if now - self._reported_at >= REPORT_EVERY_S:
            self._log.warning("database still unavailable after %.0f s: %d more %s(s) failed (%s)",
                              now - self._since, self._failed, self._what, cause(exc))
            self._reported_at, self._failed = now, 0

    def succeeded(self) -> None:
        """A request reached the database (or needed none): ends an outage if there was one."""
        if self._since is None:
            return
        self._log.warning("database back after %.0f s; %d %s(s) failed meanwhile",
                          self._clock() - self._since, self._total, self._what)
        self._since, self._total, self._failed = None, 0, 0


def cause(exc: BaseException) -> str:
    """The error's class and the first line of its message, which is all an operator needs."""
    if isinstance(exc, StoreError):
        return exc.cause
    first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{exc.__class__.__name__}: {first[0][:200]}" if first else exc.__class__.__name__
