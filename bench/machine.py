"""The machine's CPU time, read from Linux's /proc/stat: every process's, the database server's too."""

from __future__ import annotations

import os

TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def busy_jiffies() -> tuple[int, int]:
    """The machine's busy and total CPU time so far, in clock ticks of all cores (/proc/stat)."""
    with open("/proc/stat") as stat:
        ticks = [int(t) for t in stat.readline().split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)  # idle and iowait are not busy
