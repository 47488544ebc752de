"""What every query shares: the 404 error, inclusive days to store ranges, plain rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tetra.data.ports import Query, Store

Row = dict[str, Any]


class NotFound(LookupError):
    """The symbol, series or record asked for is not in the store."""


def day_bounds(
    start: dt.date | None, end: dt.date | None, *, timestamps: bool
) -> tuple[dt.date | dt.datetime | None, dt.date | dt.datetime | None]:
    """Return the store range of the inclusive days `start`..`end` (end exclusive, next day)."""
    after = end + dt.timedelta(days=1) if end is not None else None
    if not timestamps:
        return start, after
    return midnight(start), midnight(after)


def midnight(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def rows(store: Store, query: Query) -> list[Row]:
    """Return the rows of `query` as plain Python values (None for nulls, UTC datetimes)."""
    found: list[Row] = store.read_arrow(query).to_pylist()
    return found
