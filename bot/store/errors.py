"""The store's own errors: what a failed database call means to the core, whatever the driver said."""

from __future__ import annotations

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

BUSY_MARKERS = ("database is locked", "lock timeout", "lock_not_available")
"""How SQLite and PostgreSQL say a lock did not come in time."""


DATABASE_ERRORS = (SQLAlchemyError, OSError)
"""Whatever a failed call to the database raises, for start-up, where any of them stops the bot."""


class StoreError(Exception):
    """A database call failed; `cause` says why in one line."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class StoreUnavailableError(StoreError):
    """The database cannot be reached: down, restarting, out of connections."""


class StoreBusyError(StoreError):
    """A lock the call needed did not come in time."""


class RejectedValueError(StoreError):
    """The database refused a value (a constraint, a type, a length): the request, not the database."""


def translated(exc: BaseException) -> StoreError | None:
    """The store error `exc` means, or None when it is no database failure (a bug is left as it is)."""
    first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    cause = f"{exc.__class__.__name__}: {first[0][:200]}" if first else exc.__class__.__name__
    if isinstance(exc, DBAPIError | OperationalError) and any(m in cause.lower() for m in BUSY_MARKERS):
        return StoreBusyError(cause)
    if isinstance(exc, PoolTimeout | OperationalError | InterfaceError | OSError | ConnectionError) or getattr(
        exc, "connection_invalidated", False
    ):
        return StoreUnavailableError(cause)
    if isinstance(exc, IntegrityError | DataError):
        return RejectedValueError(cause)
    return None
