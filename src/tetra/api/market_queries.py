"""Blocking reads behind the market routes; run each in the thread pool (`deps.blocking`).

Map: `day_bounds` turns inclusive API dates into a store range; `bars` reads a symbol's bars
with a warm-up, computes the indicators of `IndicatorSpec` and cuts the warm-up off;
`macro_page` and `observations` answer the economic series (vintages: `latest_vintages`);
`news_page` and `events` the articles and calendars. `NotFound` becomes a 404.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tetra import indicators as ta
from tetra.api.schemas import Page
from tetra.api.schemas_market import (
    Bar,
    BarsResponse,
    CorporateActionMarker,
    EarningsMarker,
    MacroObservation,
    MacroSeries,
    MarketEvent,
    NewsArticle,
    SentimentScore,
)
from tetra.core.dates import as_date
from tetra.data.ports import Query, Scalar, Store

OHLCV = "market_data.ohlcv"
INDICATORS = "economic_data.indicators"
MAX_PERIOD = 500

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
    return _midnight(start), _midnight(after)


def _midnight(day: dt.date | None) -> dt.datetime | None:
    return None if day is None else dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def rows(store: Store, query: Query) -> list[Row]:
    """Return the rows of `query` as plain Python values (None for nulls, UTC datetimes)."""
    found: list[Row] = store.read_arrow(query).to_pylist()
    return found


# --- indicators ---------------------------------------------------------------------------

_DEFAULTS: dict[str, tuple[int, ...]] = {
    "sma": (20,),
    "ema": (20,),
    "rsi": (14,),
    "bollinger": (20,),
    "macd": (12, 26, 9),
}
SPEC_PATTERN = r"^[a-z]+(:[0-9]{1,3}(,[0-9]{1,3}){0,2})?$"


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """An indicator asked for as ``name`` or ``name:period[,period...]``, e.g. ``sma:20``."""

    name: str
    periods: tuple[int, ...]

    @classmethod
    def parse(cls, text: str) -> IndicatorSpec:
        """Parse `text`, raising ValueError naming what is wrong."""
        if not re.fullmatch(SPEC_PATTERN, text):
            raise ValueError(f"{text!r} is not name[:period[,period...]], e.g. sma:20")
        name, _, params = text.partition(":")
        if name not in _DEFAULTS:
            raise ValueError(f"unknown indicator {name!r}; known: {', '.join(_DEFAULTS)}")
        periods = tuple(int(p) for p in params.split(",")) if params else _DEFAULTS[name]
        if len(periods) != len(_DEFAULTS[name]):
            raise ValueError(f"{name} takes {len(_DEFAULTS[name])} period(s), got {text!r}")
        if not all(2 <= p <= MAX_PERIOD for p in periods):
            raise ValueError(f"periods of {text!r} must be between 2 and {MAX_PERIOD}")
        if name == "macd" and periods[0] >= periods[1]:
            raise ValueError(f"the fast period of {text!r} must be below the slow one")
        return cls(name, periods)

    @property
    def key(self) -> str:
        return "_".join((self.name, *map(str, self.periods)))

    @property
    def warmup(self) -> int:
        """Bars needed before a range for the first value in it to be defined."""
        return sum(self.periods[1:]) if self.name == "macd" else self.periods[0]

    def columns(self) -> list[str]:
        suffixes = {"bollinger": ("upper", "middle", "lower"), "macd": ("", "signal", "histogram")}
        return [f"{self.key}_{s}" if s else self.key for s in suffixes.get(self.name, ("",))]

    def compute(self, close: np.ndarray) -> list[np.ndarray]:
        """Return the values of `columns()` over `close`, by `tetra.indicators`."""
        if self.name == "bollinger":
            return list(ta.bollinger_bands(close, self.periods[0]))
        if self.name == "macd":
            return list(ta.macd(close, *self.periods))
        kernel: Callable[[np.ndarray, int], np.ndarray] = getattr(ta, self.name)
        return [kernel(close, self.periods[0])]


def indicator_frame(close: np.ndarray, specs: Sequence[IndicatorSpec]) -> dict[str, np.ndarray]:
    """Return every column of `specs` computed on `close`."""
    frame: dict[str, np.ndarray] = {}
    for spec in specs:
        frame.update(zip(spec.columns(), spec.compute(close), strict=True))
    return frame


# --- bars ---------------------------------------------------------------------------------

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


def _bar_models(frame: pd.DataFrame, columns: dict[str, np.ndarray]) -> list[Bar]:
    values = {k: [None if np.isnan(x) else float(x) for x in v] for k, v in columns.items()}
    records = frame[["ts", "open", "high", "low", "close", "volume", "vwap", "trades"]]
    found = []
    for i, record in enumerate(records.astype(object).to_dict(orient="records")):
        cleaned = {str(k): None if pd.isna(v) else v for k, v in record.items()}
        indicators = {k: v[i] for k, v in values.items()}
        found.append(Bar.model_validate({**cleaned, "indicators": indicators}))
    return found


def _markers(store: Store, table: str, symbol: str, days: tuple[dt.date, dt.date]) -> list[Row]:
    lower, upper = day_bounds(*days, timestamps=False)
    return rows(store, Query(table, where={"symbol": symbol}, start=lower, end=upper))


# --- economic series ----------------------------------------------------------------------


def macro_page(store: Store, offset: int, limit: int) -> Page[MacroSeries]:
    """Return a page of the stored series, each with its latest observation."""
    spans = sorted(store.coverage(INDICATORS), key=lambda s: (s.symbol, s.source))
    page = spans[offset : offset + limit]
    latest = _latest_values(store, [(s.symbol, s.source, as_date(s.last)) for s in page])
    titles = _titles(store, [s.symbol for s in page])
    items = [
        MacroSeries(
            series_id=s.symbol,
            source=s.source,
            **titles.get(s.symbol, {"title": None, "units": None, "frequency": None}),
            observations=s.rows,
            first=as_date(s.first),
            last=as_date(s.last),
            last_value=latest.get((s.symbol, s.source)),
        )
        for s in page
    ]
    return Page[MacroSeries](items=items, total=len(spans), offset=offset, limit=limit)


def _latest_values(
    store: Store, lasts: list[tuple[str, str, dt.date]]
) -> dict[tuple[str, str], float | None]:
    """Read the latest vintage at each series' last date, one read per distinct date."""
    found: dict[tuple[str, str], float | None] = {}
    for day in sorted({d for _, _, d in lasts}):
        ids = [s for s, _, d in lasts if d == day]
        query = Query(INDICATORS, where={"series_id": ids}, start=day, end=day + _ONE_DAY)
        for row in latest_vintages(rows(store, query)):
            found[(row["series_id"], row["source"])] = row["value"]
    return found


def _titles(store: Store, series: list[str]) -> dict[str, dict[str, str | None]]:
    releases = rows(store, Query("economic_data.releases", where={"series_id": series}))
    # Ordered by (series_id, released, source), so the newest release of a series wins.
    return {
        r["series_id"]: {"title": r["title"], "units": r["units"], "frequency": r["frequency"]}
        for r in releases
    }


def observations(
    store: Store,
    series_id: str,
    days: tuple[dt.date | None, dt.date | None],
    as_of: dt.date | None,
    source: str | None,
) -> list[MacroObservation]:
    """Return the series' observations as known on `as_of` (default: today's vintages)."""
    where: dict[str, Scalar] = {"series_id": series_id}
    if source is not None:
        where["source"] = source
    if store.read(Query(INDICATORS, where=where, limit=1)).empty:
        raise NotFound(f"unknown series {series_id!r}" + (f" from {source!r}" if source else ""))
    lower, upper = day_bounds(*days, timestamps=False)
    found = rows(store, Query(INDICATORS, where=where, start=lower, end=upper))
    if as_of is not None:
        found = [r for r in found if r["realtime_start"] <= as_of]
    return [MacroObservation.model_validate(r) for r in latest_vintages(found)]


def latest_vintages(found: Iterable[Row]) -> list[Row]:
    """Keep, per series, source and date, the row with the latest `realtime_start`."""
    best: dict[tuple[str, str, dt.date], Row] = {}
    for row in found:
        key = (row["series_id"], row["source"], row["date"])
        if key not in best or row["realtime_start"] > best[key]["realtime_start"]:
            best[key] = row
    return sorted(best.values(), key=lambda r: (r["date"], r["source"]))


# --- news and events ----------------------------------------------------------------------


def news_page(
    store: Store,
    symbol: str | None,
    days: tuple[dt.date | None, dt.date | None],
    offset: int,
    limit: int,
) -> Page[NewsArticle]:
    """Return a page of articles, newest first, each with its sentiment scores."""
    lower, upper = day_bounds(*days, timestamps=True)
    heads = rows(
        store,
        Query(
            "news.articles",
            start=lower,
            end=upper,
            columns=["article_id", "published_at", "symbols", "source"],
        ),
    )
    if symbol is not None:
        heads = [h for h in heads if symbol in _symbols(h["symbols"])]
    heads.sort(key=lambda h: (h["published_at"], h["article_id"], h["source"]), reverse=True)
    page = heads[offset : offset + limit]
    items = _articles(store, [(h["article_id"], h["source"]) for h in page])
    return Page[NewsArticle](items=items, total=len(heads), offset=offset, limit=limit)


def _articles(store: Store, keys: list[tuple[str, str]]) -> list[NewsArticle]:
    ids = sorted({article_id for article_id, _ in keys})
    full = {
        (r["article_id"], r["source"]): r
        for r in rows(store, Query("news.articles", where={"article_id": ids}))
    }
    scores: dict[str, list[SentimentScore]] = {}
    for r in rows(store, Query("news.sentiment", where={"article_id": ids})):
        scores.setdefault(r["article_id"], []).append(SentimentScore.model_validate(r))
    return [
        NewsArticle.model_validate(
            {**full[k], "symbols": _symbols(full[k]["symbols"]), "sentiment": scores.get(k[0], [])}
        )
        for k in keys
    ]


def _symbols(text: str | None) -> list[str]:
    found = json.loads(text) if text else []
    return [str(s) for s in found] if isinstance(found, list) else []


def events(
    store: Store,
    symbol: str | None,
    days: tuple[dt.date | None, dt.date | None],
    kind: str | None,
) -> list[MarketEvent]:
    """Return earnings (of `symbol` when given) and, without a symbol, economic events."""
    found: list[MarketEvent] = []
    if kind in (None, "earnings"):
        where: dict[str, Scalar] = {} if symbol is None else {"symbol": symbol}
        lower, upper = day_bounds(*days, timestamps=False)
        earnings = rows(store, Query("events.earnings", where=where, start=lower, end=upper))
        found += [_earnings_event(r) for r in earnings]
    if kind in (None, "economic") and symbol is None:
        lower, upper = day_bounds(*days, timestamps=True)
        economic = rows(store, Query("events.economic_events", start=lower, end=upper))
        found += [_economic_event(r) for r in economic]
    return sorted(found, key=lambda e: (e.date, e.ts or _midnight(e.date), e.kind, e.event))


def _earnings_event(row: Row) -> MarketEvent:
    period = f" {row['fiscal_period']}" if row["fiscal_period"] else ""
    return MarketEvent.model_validate(
        {
            **row,
            "kind": "earnings",
            "date": row["report_date"],
            "ts": None,
            "event": f"{row['symbol']} earnings{period}",
        }
    )


def _economic_event(row: Row) -> MarketEvent:
    return MarketEvent.model_validate(
        {**row, "kind": "economic", "date": row["ts"].date(), "symbol": None}
    )


_ONE_DAY = dt.timedelta(days=1)
