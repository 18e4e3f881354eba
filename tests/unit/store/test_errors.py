"""What a failed database call means to the core, whatever the driver raised."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.store.errors import (
    RejectedValueError,
    StoreBusyError,
    StoreError,
    StoreUnavailableError,
    translated,
)


@pytest.mark.parametrize(
    ("error", "meaning"),
    [
        (OperationalError("INSERT", {}, Exception("database is locked")), StoreBusyError),
        (DBAPIError("UPDATE", {}, Exception("canceling statement due to lock timeout")), StoreBusyError),
        (OperationalError("SELECT 1", {}, Exception("connection refused")), StoreUnavailableError),
        (PoolTimeout("QueuePool limit of size 10 overflow 10 reached"), StoreUnavailableError),
        (ConnectionRefusedError(111, "Connection refused"), StoreUnavailableError),
        (IntegrityError("INSERT", {}, Exception("null value in column")), RejectedValueError),
        (DataError("INSERT", {}, Exception("value too long for type character varying(32)")), RejectedValueError),
    ],
    ids=["sqlite-busy", "postgres-lock-timeout", "refused", "pool-exhausted", "os-refused", "integrity", "data"],
)
def test_database_failures_become_store_errors(error: Exception, meaning: type[StoreError]) -> None:
    """Each failure maps to the store error the core answers for."""
    assert type(translated(error)) is meaning


def test_a_bug_is_not_translated() -> None:
    """A statement the database cannot parse is a bug, left as it is."""
    assert translated(ProgrammingError("SELEC 1", {}, Exception("syntax error"))) is None
    assert translated(ValueError("not the database")) is None


def test_the_cause_is_one_line_naming_the_driver_error() -> None:
    """The store error says what the driver said, first line only."""
    error = translated(OperationalError("SELECT 1", {}, Exception("connection refused\nDETAIL: more")))
    assert error is not None
    assert error.cause == "OperationalError: connection refused"
