"""Date helpers shared by every layer."""

from __future__ import annotations

import datetime as dt


def as_date(value: dt.date | dt.datetime) -> dt.date:
    """Return the calendar day of a date or a datetime (a datetime keeps its own day)."""
    return value.date() if isinstance(value, dt.datetime) else value
