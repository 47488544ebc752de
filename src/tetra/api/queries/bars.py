"""A symbol's bars with a warm-up, the indicators asked for, and its chart markers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tetra.api.queries.common import NotFound, Row, day_bounds, rows
from tetra.api.queries.geopolitics import spikes as geopolitical_spikes
from tetra.api.queries.indicators import IndicatorSpec, indicator_frame
from tetra.api.schemas.market import BarOut, BarsResponse, CorporateActionMarker, EarningsMarker
from tetra.data.ports import Query, Scalar, Store

OHLCV = "market_data.ohlcv"

_UNIT = {"m": dt.timedelta(minutes=1), "h": dt.timedelta(hours=1), "d": dt.timedelta(days=1)}
_UNIT |= {"wk": dt.timedelta(weeks=1), "mo": dt.timedelta(days=31)}
INTERVAL_PATTERN = r"^[0-9]{1,3}(m|h|d|wk|mo)$"


def lookback(interval: str, bars: int) -> dt.timedelta:
    """Return a calendar span holding at least `bars` bars of `interval`, sessions considered."""
    match = re.fullmatch(r"([0-9]+)([a-z]+)", interval)
    if match is None or match[2] not in _UNIT:
        raise ValueError(f"{interval!r} is not an interval such as 1d, 1h or 5m")
    length = _UNIT[match[2]] * int(match[1])
    # Exchanges trade ~6.5 of 24 hours on 5 of 7 days, and close on holidays.
    factor = 6 if length < dt.timedelta(days=1) else 2
    return length * bars * factor + dt.timedelta(days=10)


@dataclass(frozen=True, slots=True)
class BarsRequest:
    symbol: str
    interval: str
    source: str | None
    start: dt.date | None
    end: dt.date | None
    specs: tuple[IndicatorSpec, ...]

    @property
    def warmup(self) -> int:
        return max((s.warmup for s in self.specs), default=0)


def bars(store: Store, request: BarsRequest) -> BarsResponse:
    """Return the bars of the request with its indicators, splits, dividends and earnings."""
    frame, source = _bars_with_warmup(store, request)
    columns = indicator_frame(frame["close"].to_numpy(np.float64), request.specs)
    shown = ~frame["warmup"].to_numpy()
    first, last = frame["ts"][shown].iloc[[0, -1]].dt.date
    days = (request.start or first, request.end or last)
    return BarsResponse(
        symbol=request.symbol,
        interval=request.interval,
        source=source,
        indicators=[c for s in request.specs for c in s.columns()],
        bars=_bar_models(frame[shown], {k: v[shown] for k, v in columns.items()}),
        corporate_actions=[
            CorporateActionMarker.model_validate(r)
            for r in _markers(store, "market_data.corporate_actions", request.symbol, days)
        ],
        earnings=[
            EarningsMarker.model_validate(r)
            for r in _markers(store, "events.earnings", request.symbol, days)
        ],
        geopolitical=geopolitical_spikes(store, (days[0], days[1])),
    )


def _bars_with_warmup(store: Store, request: BarsRequest) -> tuple[pd.DataFrame, str]:
    lower, upper = day_bounds(request.start, request.end, timestamps=True)
    if lower is not None and request.warmup:
        lower -= lookback(request.interval, request.warmup)
    where: dict[str, Scalar] = {"symbol": request.symbol, "interval": request.interval}
    if request.source is not None:
        where["source"] = request.source
    frame = store.read(Query(OHLCV, where=where, start=lower, end=upper))
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
