"""Injected time: core code asks a `Clock`, never the wall clock, so reruns are repeatable."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    """Tell the current instant, timezone-aware in UTC."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock stopped at one instant (advance it by hand); for tests and replays."""

    def __init__(self, instant: dt.datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self._instant = instant.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._instant

    def advance(self, delta: dt.timedelta) -> None:
        self._instant += delta
