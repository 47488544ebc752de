"""Trading calendars: which days a market is open, from `exchange_calendars`.

Equities and ETFs follow XNYS (holidays and half days included); crypto trades every day.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import exchange_calendars as xcals
import numpy as np
import numpy.typing as npt
import pandas as pd

EQUITY_CALENDAR = "XNYS"
ALWAYS_OPEN = "24/7"

Days = npt.NDArray[np.datetime64]


@cache
def _calendar(name: str) -> xcals.ExchangeCalendar:
    with _theirs():
        return xcals.get_calendar(name)


@contextmanager
def _theirs() -> Iterator[None]:
    # exchange_calendars still calls pandas APIs that pandas 3 deprecates; the warning is
    # theirs to fix and says nothing about our data, so it stays inside their calls.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        yield


def sessions(start: dt.date, end: dt.date, calendar: str = EQUITY_CALENDAR) -> Days:
    """Return the sessions from `start` to `end` inclusive as a sorted ``datetime64[D]`` array."""
    if calendar == ALWAYS_OPEN:
        return np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    found = _calendar(calendar).sessions_in_range(pd.Timestamp(start), pd.Timestamp(end))
    return np.asarray(found.values.astype("datetime64[D]"))


def early_closes(start: dt.date, end: dt.date, calendar: str = EQUITY_CALENDAR) -> Days:
    """Return the half days (early closes) between `start` and `end` inclusive."""
    closes = _calendar(calendar).early_closes
    window = closes[(closes >= pd.Timestamp(start)) & (closes <= pd.Timestamp(end))]
    return np.asarray(window.values.astype("datetime64[D]"))


EXCHANGES: dict[str, tuple[str, str | None, str, str]] = {
    # code: (name, MIC, time zone, calendar)
    "NYSE": ("New York Stock Exchange", "XNYS", "America/New_York", EQUITY_CALENDAR),
    "NASDAQ": ("Nasdaq Stock Market", "XNAS", "America/New_York", EQUITY_CALENDAR),
    "NYSE Arca": ("NYSE Arca", "ARCX", "America/New_York", EQUITY_CALENDAR),
    "NYSE American": ("NYSE American", "XASE", "America/New_York", EQUITY_CALENDAR),
    "Cboe BZX": ("Cboe BZX Exchange", "BATS", "America/New_York", EQUITY_CALENDAR),
    "CRYPTO": ("Crypto markets (24/7)", None, "UTC", ALWAYS_OPEN),
}


def is_open_at(at: dt.datetime, calendar: str = EQUITY_CALENDAR) -> bool:
    """Return whether `calendar`'s market trades at the instant `at` (timezone-aware).

    The open minute counts as open and the close minute as closed, so on a half day XNYS
    is open at 12:59 New York time and closed at 13:00. Raise `ValueError` outside the years
    the calendar covers (about a year ahead of the installed `exchange_calendars`; its
    `MinuteOutOfBounds` is a `ValueError`).
    """
    if calendar == ALWAYS_OPEN:
        return True
    with _theirs():
        return bool(_calendar(calendar).is_open_on_minute(_minute(at)))


def next_open_after(at: dt.datetime, calendar: str = EQUITY_CALENDAR) -> dt.datetime:
    """Return the UTC instant of `calendar`'s first open after `at` (`at` itself if 24/7)."""
    if calendar == ALWAYS_OPEN:
        return at.astimezone(dt.UTC)
    with _theirs():
        opened = _calendar(calendar).next_open(_minute(at))
    return dt.datetime.fromtimestamp(opened.timestamp(), dt.UTC)


def _minute(at: dt.datetime) -> pd.Timestamp:
    if at.tzinfo is None:
        raise ValueError(f"{at} has no time zone; market hours need an instant")
    return pd.Timestamp(at).tz_convert("UTC").floor("min")
