"""A symbol's bars with a warm-up, the indicators asked for, and its chart markers.

`bars` answers in rows (`BarsResponse`), `bar_columns` in column arrays (`BarColumns`). Both
read the bars of the range plus the indicators' warm-up before it, compute the indicators on
all of them and serve the range alone. A `period` preset (1M ... 5Y, YTD, ALL) is resolved
against the series' last bar, so "1Y" is the year before the newest bar, not before today.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any, Literal, TypedDict

import numpy as np
import pandas as pd

from tetra.api.queries.common import NotFound, Row, day_bounds, rows
from tetra.api.queries.geopolitics import spikes as geopolitical_spikes
from tetra.api.queries.indicators import IndicatorSpec, indicator_frame
from tetra.api.schemas.market import (
    BarColumns,
    BarOut,
    BarsResponse,
    CorporateActionMarker,
    EarningsMarker,
    GeopoliticalMarker,
)
from tetra.data.ports import Query, Scalar, Store

OHLCV = "market_data.ohlcv"

_UNIT = {"m": dt.timedelta(minutes=1), "h": dt.timedelta(hours=1), "d": dt.timedelta(days=1)}
_UNIT |= {"wk": dt.timedelta(weeks=1), "mo": dt.timedelta(days=31)}
INTERVAL_PATTERN = r"^[0-9]{1,3}(m|h|d|wk|mo)$"
PERIOD_MONTHS = {"1M": 1, "3M": 3, "6M": 6, "1Y": 12, "3Y": 36, "5Y": 60, "10Y": 120}
Period = Literal["1M", "3M", "6M", "YTD", "1Y", "3Y", "5Y", "10Y", "ALL"]
SIGNIFICANT_DIGITS = 7


def lookback(interval: str, bars: int) -> dt.timedelta:
    """Return a calendar span holding at least `bars` bars of `interval`, sessions considered."""
    match = re.fullmatch(r"([0-9]+)([a-z]+)", interval)
    if match is None or match[2] not in _UNIT:
        raise ValueError(f"{interval!r} is not an interval such as 1d, 1h or 5m")
    length = _UNIT[match[2]] * int(match[1])
    # Exchanges trade ~6.5 of 24 hours on 5 of 7 days, and close on holidays.
    factor = 6 if length < dt.timedelta(days=1) else 2
    return length * bars * factor + dt.timedelta(days=10)


def period_start(period: Period, last: dt.date) -> dt.date | None:
    """Return the first day of `period` ending on `last` (None for ALL): 1Y on 2025-12-31 is
    2025-01-01, YTD is the first of January of `last`'s year."""
    if period == "ALL":
        return None
    if period == "YTD":
        return dt.date(last.year, 1, 1)
    earlier = pd.Timestamp(last) - pd.DateOffset(months=PERIOD_MONTHS[period])
    return earlier.date() + dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class BarsRequest:
    symbol: str
    interval: str
    source: str | None
    start: dt.date | None
    end: dt.date | None
    specs: tuple[IndicatorSpec, ...]
    period: Period | None = None

    @property
    def warmup(self) -> int:
        return max((s.warmup for s in self.specs), default=0)


@dataclass(frozen=True, slots=True)
class _Loaded:
    request: BarsRequest
    frame: pd.DataFrame  # the bars of the range, warm-up removed
    columns: dict[str, np.ndarray]
    source: str
    days: tuple[dt.date, dt.date]


def bars(store: Store, request: BarsRequest) -> BarsResponse:
    """Return the bars of the request with its indicators, splits, dividends and earnings."""
    loaded = _load(store, request)
    return BarsResponse(
        symbol=request.symbol,
        interval=request.interval,
        source=loaded.source,
        indicators=list(loaded.columns),
        bars=_bar_models(loaded.frame, loaded.columns),
        **_markers_of(store, loaded),
    )


def bar_columns(store: Store, request: BarsRequest) -> BarColumns:
    """Return the request's bars as column arrays, resolving a `period` on the last bar."""
    first, last, source = _available(store, request)
    request = replace(request, source=source)
    if request.period is not None:
        request = replace(request, start=period_start(request.period, last), end=None)
    loaded = _load(store, request)
    frame = loaded.frame
    t = (frame["ts"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
    fields: dict[str, Any] = dict(
        symbol=request.symbol,
        interval=request.interval,
        source=loaded.source,
        period=request.period,
        first_available=first,
        last_available=last,
        start=loaded.days[0],
        end=loaded.days[1],
        t=t.tolist(),
        **{k: frame[k].to_numpy(np.float64).tolist() for k in _PRICE_COLUMNS},
        indicators=list(loaded.columns),
        values={k: _rounded(v).tolist() for k, v in loaded.columns.items()},
        **_markers_of(store, loaded),
    )
    return BarColumns.model_construct(**fields)


_PRICE_COLUMNS = ("open", "high", "low", "close", "volume")


def _rounded(values: np.ndarray) -> np.ndarray:
    """Round to SIGNIFICANT_DIGITS of the largest magnitude (NaN, later null, stays NaN)."""
    finite = np.abs(values[np.isfinite(values)])
    if finite.size == 0 or finite.max() == 0:
        return values
    decimals = SIGNIFICANT_DIGITS - int(np.floor(np.log10(finite.max()))) - 1
    return np.round(values, max(0, min(decimals, 12)))


def _load(store: Store, request: BarsRequest) -> _Loaded:
    frame, source = _bars_with_warmup(store, request)
    arrays = {k: frame[k].to_numpy(np.float64) for k in _PRICE_COLUMNS}
    columns = indicator_frame(arrays, request.specs)
    shown = ~frame["warmup"].to_numpy()
    first, last = frame["ts"][shown].iloc[[0, -1]].dt.date
    return _Loaded(
        request=request,
        frame=frame[shown].reset_index(drop=True),
        columns={k: v[shown] for k, v in columns.items()},
        source=source,
        days=(request.start or first, request.end or last),
    )


class _Markers(TypedDict):
    corporate_actions: list[CorporateActionMarker]
    earnings: list[EarningsMarker]
    geopolitical: list[GeopoliticalMarker]


def _markers_of(store: Store, loaded: _Loaded) -> _Markers:
    symbol, days = loaded.request.symbol, loaded.days
    return {
        "corporate_actions": [
            CorporateActionMarker.model_validate(r)
            for r in _markers(store, "market_data.corporate_actions", symbol, days)
        ],
        "earnings": [
            EarningsMarker.model_validate(r)
            for r in _markers(store, "events.earnings", symbol, days)
        ],
        "geopolitical": geopolitical_spikes(store, (days[0], days[1])),
    }


def _where(request: BarsRequest) -> dict[str, Scalar]:
    where: dict[str, Scalar] = {"symbol": request.symbol, "interval": request.interval}
    if request.source is not None:
        where["source"] = request.source
    return where


def _available(store: Store, request: BarsRequest) -> tuple[dt.date, dt.date, str]:
    """Return the first and last day of the series and its source (the one with most bars)."""
    stamps = store.read(Query(OHLCV, where=_where(request), columns=["ts", "source"]))
    stamps = _one_source(stamps)
    if stamps.empty:
        raise NotFound(_no_bars_message(store, request))
    first, last = stamps["ts"].iloc[[0, -1]].dt.date
    return first, last, str(stamps["source"].iloc[0])


def _bars_with_warmup(store: Store, request: BarsRequest) -> tuple[pd.DataFrame, str]:
    lower, upper = day_bounds(request.start, request.end, timestamps=True)
    if lower is not None and request.warmup:
        lower -= lookback(request.interval, request.warmup)
    frame = store.read(Query(OHLCV, where=_where(request), start=lower, end=upper))
    frame = _one_source(frame)
    frame["warmup"] = False
    if request.start is not None:
        frame["warmup"] = frame["ts"] < pd.Timestamp(request.start, tz="UTC")
        extra = int(frame["warmup"].sum()) - request.warmup
        frame = frame.iloc[max(extra, 0) :].reset_index(drop=True)
    if not (~frame["warmup"]).any():
        raise NotFound(_no_bars_message(store, request))
    return frame, str(frame["source"].iloc[0])


def _one_source(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the source with the most bars (ties: the first by name), so `ts` is unique."""
    if frame.empty:
        return frame
    counts = frame.groupby("source").size()
    best = counts[counts == counts.max()].index.min()
    kept: pd.DataFrame = frame[frame["source"] == best].reset_index(drop=True)
    return kept


def _no_bars_message(store: Store, request: BarsRequest) -> str:
    if store.read(Query(OHLCV, where={"symbol": request.symbol}, limit=1)).empty:
        return f"unknown symbol {request.symbol!r}: no bars stored"
    return f"no {request.interval} bars of {request.symbol!r} in the range asked for"


def _bar_models(frame: pd.DataFrame, columns: dict[str, np.ndarray]) -> list[BarOut]:
    values = {k: [None if np.isnan(x) else float(x) for x in v] for k, v in columns.items()}
    records = frame[["ts", "open", "high", "low", "close", "volume", "vwap", "trades"]]
    found = []
    for i, record in enumerate(records.astype(object).to_dict(orient="records")):
        cleaned = {str(k): None if pd.isna(v) else v for k, v in record.items()}
        indicators = {k: v[i] for k, v in values.items()}
        found.append(BarOut.model_validate({**cleaned, "indicators": indicators}))
    return found


def _markers(store: Store, table: str, symbol: str, days: tuple[dt.date, dt.date]) -> list[Row]:
    lower, upper = day_bounds(*days, timestamps=False)
    return rows(store, Query(table, where={"symbol": symbol}, start=lower, end=upper))
