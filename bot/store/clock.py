"""The database's own clock, for leases that several processes judge alike whatever their clocks say."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from bot.store.models import UTCDateTime


class DatabaseNow(FunctionElement[dt.datetime]):
    """The database server's current UTC time, shifted by `offset` (for "older than the lease")."""

    type = UTCDateTime()
    inherit_cache = False

    def __init__(self, offset: dt.timedelta = dt.timedelta(0)) -> None:
        super().__init__()
        self.offset_s = offset.total_seconds()


@compiles(DatabaseNow, "postgresql")
def _postgresql(element: DatabaseNow, compiler: Any, **kw: Any) -> str:
    return f"(now() + interval '{element.offset_s:.6f} seconds')"


@compiles(DatabaseNow, "sqlite")
def _sqlite(element: DatabaseNow, compiler: Any, **kw: Any) -> str:
    # The text form SQLAlchemy stores SQLite datetimes in (UTC, microseconds), so comparisons with
    # stored values are comparisons of times.
    return f"strftime('%Y-%m-%d %H:%M:%f000', 'now', '{element.offset_s:+.3f} seconds')"
