"""Coverage and gaps: what a store holds per symbol against what the calendar expects.

A gap is a run of consecutive calendar sessions with no stored bar, between a symbol's first
stored bar and the end of the checked range. Equities follow the XNYS calendar (holidays
skipped, half days counted as sessions); crypto expects every calendar day.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tetra.data.calendars import ALWAYS_OPEN, EQUITY_CALENDAR, Days, sessions
from tetra.data.ports import Query, Scalar, Store

OHLCV = "market_data.ohlcv"


@dataclass(frozen=True, slots=True)
class SymbolCoverage:
    """One symbol's coverage of one dataset and source."""

    dataset: str
    symbol: str
    source: str
    calendar: str
    first: dt.date | None
    last: dt.date | None
    expected: int
    missing: int
    gaps: tuple[tuple[dt.date, dt.date], ...]
    quarantined: int = 0

    @property
    def stored_in_range(self) -> int:
        """Expected sessions that hold a bar."""
        return self.expected - self.missing


def missing_ranges(stored: Days, expected: Days) -> list[tuple[dt.date, dt.date]]:
    """Return the runs of `expected` sessions absent from `stored`, as (first, last) days."""
    absent = ~np.isin(expected, stored)
    if not absent.any():
        return []
    edges = np.diff(np.concatenate(([0], absent.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(_day(expected[a]), _day(expected[b])) for a, b in zip(starts, stops, strict=True)]


def symbol_coverage(
    dataset: str,
    symbol: str,
    source: str,
    stored_days: Days,
    *,
    calendar: str,
    end: dt.date,
    quarantined: int = 0,
) -> SymbolCoverage:
    """Compare `stored_days` with the calendar from the first stored day to `end`."""
    days = np.unique(stored_days.astype("datetime64[D]"))
    if days.size == 0:
        return SymbolCoverage(dataset, symbol, source, calendar, None, None, 0, 0, (), quarantined)
    first = _day(days[0])
    expected = sessions(first, max(end, first), calendar)
    gaps = tuple(missing_ranges(days, expected))
    missing = int((~np.isin(expected, days)).sum())
    last = _day(days[-1])
    found = (first, last, len(expected), missing, gaps, quarantined)
    return SymbolCoverage(dataset, symbol, source, calendar, *found)


def store_coverage(
    store: Store,
    calendars: Mapping[str, str],
    *,
    end: dt.date,
    source: str | None = None,
) -> list[SymbolCoverage]:
    """Compute daily-bar coverage for every symbol in `calendars` (symbol -> calendar name)."""
    where: dict[str, Scalar | Sequence[Scalar]] = {"interval": "1d", "symbol": sorted(calendars)}
    if source is not None:
        where["source"] = source
    stored = store.read(Query(OHLCV, where=where, columns=["symbol", "ts", "source"]))
    stored["day"] = stored["ts"].dt.tz_convert(None).to_numpy().astype("datetime64[D]")
    counts = quarantined_by_symbol(store, OHLCV)
    found = [
        symbol_coverage(
            OHLCV,
            str(symbol),
            str(src),
            group["day"].to_numpy(),
            calendar=calendars[str(symbol)],
            end=end,
            quarantined=counts.get(str(symbol), 0),
        )
        for (symbol, src), group in stored.groupby(["symbol", "source"], sort=True)
    ]
    return found


def quarantined_by_symbol(store: Store, dataset: str) -> dict[str, int]:
    """Count quarantined records of `dataset` per symbol (the first part of the natural key)."""
    rows = store.read(Query("ops.quarantine", where={"dataset": dataset}, columns=["natural_key"]))
    symbols = rows["natural_key"].dropna().str.split("/", n=1).str[0]
    return {str(k): int(v) for k, v in symbols.value_counts().items()}


def coverage_rows(found: Iterable[SymbolCoverage], now: dt.datetime) -> pd.DataFrame:
    """Return ``ops.coverage`` rows for computed coverage."""
    rows = [
        {
            "dataset": c.dataset,
            "symbol": c.symbol,
            "source": c.source,
            "calendar": c.calendar,
            "first": c.first,
            "last": c.last,
            "expected": c.expected,
            "stored": c.stored_in_range,
            "missing": c.missing,
            "gaps": json.dumps([[a.isoformat(), b.isoformat()] for a, b in c.gaps]),
            "quarantined": c.quarantined,
            "computed_at": now,
        }
        for c in found
    ]
    return pd.DataFrame(rows)


def calendar_for(asset_class: str) -> str:
    return ALWAYS_OPEN if asset_class == "crypto" else EQUITY_CALENDAR


def _day(value: np.datetime64) -> dt.date:
    return dt.date.fromisoformat(str(value.astype("datetime64[D]")))
