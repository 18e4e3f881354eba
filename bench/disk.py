"""How long the disk takes to make a small write durable, sampled while a benchmark phase runs.

Every commit of a database that waits for durability waits for one such flush, so a flush that
stalls for 80 ms delays every answer committed meanwhile by up to 80 ms, whatever the code above
it does. Printing the flush times seen during a phase tells a slow run of the code from a run
during which the disk stalled.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType

BLOCK = b"\0" * 8192
SLOW_S = 0.010


class DiskProbe:
    """Writes and `fdatasync`s one 8 KiB block every `interval` seconds in a thread, timing each flush."""

    def __init__(self, directory: Path, interval: float = 0.010) -> None:
        self.directory = directory
        self.interval = interval
        self.flushes: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="disk-probe", daemon=True)

    def __enter__(self) -> DiskProbe:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        fd, name = tempfile.mkstemp(prefix="studybot-disk-probe-", dir=self.directory)
        try:
            while not self._stop.wait(self.interval):
                os.pwrite(fd, BLOCK, 0)
                start = time.perf_counter()
                os.fdatasync(fd)
                self.flushes.append(time.perf_counter() - start)
        finally:
            os.close(fd)
            os.unlink(name)

    def summary(self) -> str:
        """One line: how many flushes, their median and worst time, and how many took over 10 ms."""
        if not self.flushes:
            return "no flush sampled"
        slow = sum(1 for f in self.flushes if f > SLOW_S)
        return (
            f"{len(self.flushes)} flushes of 8 KiB, median {statistics.median(self.flushes) * 1000:.2f} ms, "
            f"worst {max(self.flushes) * 1000:.1f} ms, {slow} over {SLOW_S * 1000:.0f} ms"
        )
