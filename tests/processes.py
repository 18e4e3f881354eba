"""Watching processes the tests start: which are running, and whether one has ended."""

from __future__ import annotations

import multiprocessing
import os
import time


def children() -> set[int]:
    """The pids of this process's multiprocessing children now."""
    return {p.pid for p in multiprocessing.active_children() if p.pid is not None}


def ended(pid: int, within: float = 5.0) -> bool:
    """Whether process `pid` has ended, or ends within `within` seconds (gone, or a zombie waiting to be reaped)."""
    deadline = time.monotonic() + within
    while True:
        try:
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split(") ", 1)[1].startswith("Z"):
                    return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
