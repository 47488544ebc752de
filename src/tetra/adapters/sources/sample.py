"""The offline sample source: synthetic history served like any vendor's.

`SampleSource` implements `BarSource` and `CorporateActionSource` over the seeded history of
`tetra.sample.history`, generated once (for the whole universe, since which
symbols split depends on all of them) and sliced per request; `history` hands the same
history to the sample's news (`sample_extras`). Every row says ``source = 'sample'``, so a
sample store takes it and a live store refuses it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from tetra.core.errors import SourceError
from tetra.data.calendars import sessions
from tetra.data.migrations import table
from tetra.data.sources import Fetched, Window
from tetra.model.instruments import Instrument
from tetra.model.sources import SAMPLE_SOURCE
from tetra.sample.history import SampleHistory, SampleSpec, generate_sample_history


class SampleSource:
    """Bars and corporate actions of the sample universe for any window inside its history."""

    name = SAMPLE_SOURCE

    def __init__(self, instruments: Sequence[Instrument], spec: SampleSpec | None = None) -> None:
        self.instruments = tuple(instruments)
        self.spec = spec or SampleSpec()
        self._history: SampleHistory | None = None
        self._by_part: dict[str, dict[str, pd.DataFrame]] = {}
        self._lock = asyncio.Lock()

    @property
    def first_day(self) -> pd.Timestamp:
        return pd.Timestamp(first_day(self.spec))

    async def history(self) -> SampleHistory:
        """Return the whole sample history (raw bars and corporate actions), generated once."""
        async with self._lock:
            if self._history is None:
                history = await asyncio.to_thread(self._generate)
                self._by_part = {
                    "bars": _split(history.bars),
                    "actions": _split(history.corporate_actions),
                }
                self._history = history
        return self._history

    async def bars(self, symbol: str, window: Window, interval: str = "1d") -> Fetched:
        if interval != "1d":
            raise SourceError(self.name, f"the sample universe has daily bars only, not {interval}")
        frame = (await self._by_symbol("bars")).get(symbol)
        return Fetched("market_data.ohlcv", slice_days(self._known(symbol, frame), "ts", window))

    async def corporate_actions(self, symbol: str, window: Window) -> Fetched:
        actions = await self._by_symbol("actions")
        self._known(symbol, (await self._by_symbol("bars")).get(symbol))
        frame = actions.get(symbol, _EMPTY_ACTIONS)
        return Fetched("market_data.corporate_actions", slice_days(frame, "ex_date", window))

    def _known(self, symbol: str, frame: pd.DataFrame | None) -> pd.DataFrame:
        if frame is None:
            raise SourceError(self.name, f"{symbol} is not in the sample universe")
        return frame

    async def _by_symbol(self, part: str) -> dict[str, pd.DataFrame]:
        await self.history()
        return self._by_part[part]

    def _generate(self) -> SampleHistory:
        return generate_sample_history(self.instruments, sample_sessions(self.spec), self.spec)


def first_day(spec: SampleSpec) -> dt.date:
    """Return the first day of the sample history `spec` describes."""
    return spec.end.replace(year=spec.end.year - spec.years)


# The sample's sources generate in worker threads, and building the exchange calendar the
# first time is not thread-safe: it silences its dependency's warnings with process-wide
# filters, which a second thread would restore mid-way.
_CALENDAR_LOCK = threading.Lock()


def sample_sessions(spec: SampleSpec) -> npt.NDArray[np.datetime64]:
    """Return the exchange sessions of the sample history, one thread at a time."""
    with _CALENDAR_LOCK:
        return sessions(first_day(spec), spec.end)


_EMPTY_ACTIONS = pd.DataFrame(columns=list(table("market_data.corporate_actions").column_names))


def _split(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {
        str(symbol): rows.reset_index(drop=True)
        for symbol, rows in frame.groupby("symbol", sort=False)
    }


def slice_days(frame: pd.DataFrame, column: str, window: Window) -> pd.DataFrame:
    """Keep the rows whose day (in UTC) falls inside the window."""
    if frame.empty:
        return frame
    stamps = pd.to_datetime(frame[column])
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_convert(None)
    days = stamps.dt.normalize()
    keep = (days >= pd.Timestamp(window.start)) & (days <= pd.Timestamp(window.end))
    return frame[keep].reset_index(drop=True)
