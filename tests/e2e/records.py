"""A log handler that keeps records, for suites whose bot runs on an event loop of its own (in a thread)."""

from __future__ import annotations

import logging


class Recorder(logging.Handler):
    """Keeps every record it is given, in order, in `records`."""

    def __init__(self, records: list[logging.LogRecord], level: int = logging.DEBUG) -> None:
        super().__init__(level)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)
