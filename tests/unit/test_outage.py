"""An outage in the log: one line when it starts, a count every 30 s, one line when it ends; and what counts as one."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.outage import OutageLog, unreachable

LOGGER = "tests.outage"


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        """The time now, in seconds."""
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    """A fresh clock at 100 s."""
    return Ticks()


@pytest.fixture
def outage(ticks: Ticks) -> OutageLog:
    """An outage log writing to LOGGER."""
    return OutageLog(logging.getLogger(LOGGER), clock=ticks)


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What LOGGER wrote."""
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_the_first_failure_is_one_line_with_its_cause_and_no_traceback(
    outage: OutageLog, caplog: pytest.LogCaptureFixture
) -> None:
    """The outage starts with one ERROR line naming the cause; repeats within 30 s add nothing."""
    for _ in range(50):
        outage.failed(ConnectionRefusedError("Connect call failed ('127.0.0.1', 5432)\nmore detail"))
    assert lines(caplog) == [
        "database unavailable (ConnectionRefusedError: Connect call failed ('127.0.0.1', 5432)); "
        "requests fail until it answers again"
    ]
    assert all(r.exc_info is None for r in caplog.records)


def test_a_long_outage_is_counted_every_30_seconds(
    outage: OutageLog, ticks: Ticks, caplog: pytest.LogCaptureFixture
) -> None:
    """After 30 s one line says how many more requests failed."""
    outage.failed(OSError("gone"))
    for _ in range(7):
        ticks.now += 5
        outage.failed(OSError("gone"))
    assert lines(caplog)[1:] == ["database still unavailable after 30 s: 6 more request(s) failed (OSError: gone)"]


def test_the_end_of_an_outage_is_one_line(outage: OutageLog, ticks: Ticks, caplog: pytest.LogCaptureFixture) -> None:
    """The first success after failures says the database is back, once."""
    outage.failed(OSError("gone"))
    outage.failed(OSError("gone"))
    ticks.now += 12
    outage.succeeded()
    outage.succeeded()
    assert lines(caplog)[1:] == ["database back after 12 s; 2 request(s) failed meanwhile"]


def test_successes_without_an_outage_log_nothing(outage: OutageLog, caplog: pytest.LogCaptureFixture) -> None:
    """Normal traffic writes no line."""
    for _ in range(10):
        outage.succeeded()
    assert lines(caplog) == []


@pytest.mark.parametrize("exc", [
    ConnectionRefusedError(111, "Connect call failed"),
    TimeoutError(),
    OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly")),
    PoolTimeout("QueuePool limit of size 10 overflow 10 reached"),
    InterfaceError("SELECT 1", {}, Exception("connection is closed"), connection_invalidated=True),
], ids=["refused", "timeout", "operational", "pool exhausted", "connection lost"])
def test_an_unreachable_database_is_told_from_a_bug(exc: Exception) -> None:
    """Refused, timed out, lost and out-of-connections errors are an outage."""
    assert unreachable(exc)


@pytest.mark.parametrize("exc", [
    ProgrammingError("SELEC 1", {}, Exception("syntax error")),
    IntegrityError("INSERT", {}, Exception("duplicate key")),
    KeyError("Mars/Olympus_Mons"),
], ids=["bad statement", "constraint", "bug"])
def test_a_wrong_statement_or_a_bug_is_not_an_outage(exc: Exception) -> None:
    """What retrying later would not fix is not an outage."""
    assert not unreachable(exc)
