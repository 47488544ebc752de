"""Fakes of the source ports: scripted answers, recorded calls, injectable failures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from tetra.data.sources import Fetched, RawRecord, Window

__all__ = ["FakeBarSource"]


class FakeBarSource:
    """A `BarSource` (and `CorporateActionSource`) answering from frames it was given.

    `bars` maps a symbol to its ``market_data.ohlcv`` rows; a request returns the rows whose
    day falls in the window. `failures` maps a symbol to the exception its requests raise;
    `unparsed` to raw records returned beside its rows. `calls` records every request.
    """

    def __init__(
        self,
        bars: Mapping[str, pd.DataFrame],
        *,
        name: str = "fake",
        failures: Mapping[str, Exception] | None = None,
        unparsed: Mapping[str, Sequence[RawRecord]] | None = None,
        actions: Mapping[str, pd.DataFrame] | None = None,
    ) -> None:
        self.name = name
        self._bars = dict(bars)
        self._failures = dict(failures or {})
        self._unparsed = dict(unparsed or {})
        self._actions = dict(actions or {})
        self.calls: list[tuple[str, Window]] = []

    async def bars(self, symbol: str, window: Window, interval: str = "1d") -> Fetched:
        self.calls.append((symbol, window))
        if symbol in self._failures:
            raise self._failures[symbol]
        rows = _within(self._bars.get(symbol, pd.DataFrame()), "ts", window)
        return Fetched("market_data.ohlcv", rows, tuple(self._unparsed.get(symbol, ())))

    async def corporate_actions(self, symbol: str, window: Window) -> Fetched:
        rows = _within(self._actions.get(symbol, pd.DataFrame()), "ex_date", window)
        return Fetched("market_data.corporate_actions", rows)


def _within(frame: pd.DataFrame, column: str, window: Window) -> pd.DataFrame:
    if frame.empty:
        return frame
    stamps = pd.to_datetime(frame[column])
    days = (stamps.dt.tz_convert(None) if stamps.dt.tz is not None else stamps).dt.normalize()
    keep = (days >= pd.Timestamp(window.start)) & (days <= pd.Timestamp(window.end))
    return frame[keep].reset_index(drop=True)
