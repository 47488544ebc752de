"""`MarketData`: aligned T x N arrays of bars for the engines, with corporate actions.

Rows are the union of the symbols' bar days (so equities and crypto can share a book);
a symbol without a bar on a day has NaN there and cannot trade that day. Three price modes:

- ``raw``: traded prices as they were; the engine applies splits to positions and credits
  dividends in cash on ex-dates (what a real account saw);
- ``split_adjusted``: earlier prices divided by later split ratios (volumes multiplied);
  dividends still paid in cash, per adjusted share;
- ``total_return``: also back-adjusted for dividends; no cash dividends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from tetra.core.errors import ValidationError
from tetra.data.ports import Query, Store

FIELDS = ("open", "high", "low", "close", "volume")


class Adjustment(StrEnum):
    RAW = "raw"
    SPLIT_ADJUSTED = "split_adjusted"
    TOTAL_RETURN = "total_return"


@dataclass(frozen=True)
class MarketData:
    """Bars of `symbols` on `dates` as float64 arrays of shape (len(dates), len(symbols))."""

    dates: np.ndarray  # datetime64[D]
    symbols: tuple[str, ...]
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    split_ratio: np.ndarray  # new shares per old share on ex-dates, 1 elsewhere
    dividend: np.ndarray  # cash per share on ex-dates, 0 elsewhere
    adjustment: Adjustment = Adjustment.RAW

    def __post_init__(self) -> None:
        shape = (len(self.dates), len(self.symbols))
        for name in (*FIELDS, "split_ratio", "dividend"):
            if getattr(self, name).shape != shape:
                raise ValidationError(f"{name} has shape {getattr(self, name).shape}, not {shape}")

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.dates), len(self.symbols))

    def prices(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return (open, high, low, close, volume) as C-contiguous float64 (T, N) arrays.

        The engines read them bar by bar (`tetra.backtest.compiled.load_bar`); the arrays
        are the panel's own unless one has another dtype or layout, which is copied.
        """
        o, h, lo, c, v = (np.ascontiguousarray(getattr(self, f), np.float64) for f in FIELDS)
        return o, h, lo, c, v

    def column(self, symbol: str) -> int:
        try:
            return self.symbols.index(symbol)
        except ValueError:
            raise KeyError(f"{symbol} is not in this market data") from None

    def window(self, start: int, stop: int) -> MarketData:
        """Return rows [start, stop) as a new MarketData (for walk-forward splits)."""
        cut = slice(start, stop)
        arrays = {name: getattr(self, name)[cut] for name in (*FIELDS, "split_ratio", "dividend")}
        return MarketData(self.dates[cut], self.symbols, adjustment=self.adjustment, **arrays)

    @classmethod
    def from_frames(
        cls,
        bars: pd.DataFrame,
        actions: pd.DataFrame | None = None,
        adjustment: Adjustment = Adjustment.RAW,
        symbols: Sequence[str] | None = None,
    ) -> MarketData:
        """Build from ``market_data.ohlcv`` rows and ``market_data.corporate_actions`` rows.

        Columns follow `symbols` as given (a multi-leg strategy's legs have roles, so their
        order is the user's); without it, the frame's symbols sorted.
        """
        if bars.empty:
            raise ValidationError("no bars: nothing to backtest")
        days = pd.to_datetime(bars["ts"], utc=True).dt.tz_localize(None).dt.normalize()
        frame = bars.assign(day=days)
        columns = _columns(frame, symbols)
        dates = np.array(sorted(frame["day"].unique()), dtype="datetime64[D]")
        o, h, lo, c, v = (_pivot(frame, f, dates, columns) for f in FIELDS)
        ratio, dividend = _actions(actions, dates, columns)
        raw = cls(dates, columns, o, h, lo, c, v, ratio, dividend)
        return adjusted(raw, adjustment)


def _columns(frame: pd.DataFrame, symbols: Sequence[str] | None) -> tuple[str, ...]:
    present = set(frame["symbol"].unique())
    if symbols is None:
        return tuple(sorted(present))
    ordered = tuple(dict.fromkeys(symbols))  # first mention wins; repeats add no column
    missing = [s for s in ordered if s not in present]
    if missing:
        raise ValidationError(f"no bars for {missing}")
    return ordered  # bars of other symbols are left out


def load_market(
    store: Store,
    symbols: list[str],
    start: dt.date,
    end: dt.date,
    *,
    source: str | None = None,
    adjustment: Adjustment = Adjustment.RAW,
) -> MarketData:
    """Read daily bars and corporate actions from a store into `MarketData`."""
    where: dict[str, object] = {"symbol": symbols, "interval": "1d"}
    if source is not None:
        where["source"] = source
    end_exclusive = end + dt.timedelta(days=1)
    bars = store.read(Query("market_data.ohlcv", where=where, start=start, end=end_exclusive))  # type: ignore[arg-type]
    actions = store.read(
        Query(
            "market_data.corporate_actions",
            where={"symbol": symbols},
            start=start,
            end=end_exclusive,
        )
    )
    missing = sorted(set(symbols) - set(bars["symbol"]))
    if missing:
        raise ValidationError(f"no bars between {start} and {end} for {missing}")
    return MarketData.from_frames(bars, actions, adjustment, symbols=symbols)


def _pivot(
    frame: pd.DataFrame, field: str, dates: np.ndarray, symbols: tuple[str, ...]
) -> np.ndarray:
    wide = frame.pivot_table(index="day", columns="symbol", values=field, aggfunc="last")
    wide = wide.reindex(
        index=pd.DatetimeIndex(dates.astype("datetime64[ns]")), columns=list(symbols)
    )
    return np.ascontiguousarray(wide.to_numpy(dtype=np.float64))


def _actions(
    actions: pd.DataFrame | None, dates: np.ndarray, symbols: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    ratio = np.ones((len(dates), len(symbols)))
    dividend = np.zeros((len(dates), len(symbols)))
    if actions is None or actions.empty:
        return ratio, dividend
    rows = {d: i for i, d in enumerate(dates.astype("datetime64[D]"))}
    columns = {s: j for j, s in enumerate(symbols)}
    days = pd.to_datetime(actions["ex_date"]).to_numpy().astype("datetime64[D]")
    numbers = {
        c: actions[c].to_numpy(dtype=np.float64) for c in ("split_from", "split_to", "cash_amount")
    }
    for k, (day, symbol, kind) in enumerate(
        zip(days, actions["symbol"], actions["action"], strict=True)
    ):
        i, j = rows.get(day), columns.get(str(symbol))
        if i is None or j is None:
            continue  # ex-date on a day without a bar, or another symbol
        if kind == "split":
            ratio[i, j] *= numbers["split_to"][k] / numbers["split_from"][k]
        else:
            dividend[i, j] += numbers["cash_amount"][k]
    return ratio, dividend


def adjusted(raw: MarketData, adjustment: Adjustment) -> MarketData:
    """Return `raw` in another price mode (see the module docstring)."""
    if adjustment is Adjustment.RAW:
        return raw
    later_splits = _later_product(raw.split_ratio)
    prices = {f: getattr(raw, f) / later_splits for f in ("open", "high", "low", "close")}
    volume = raw.volume * later_splits
    dividend = raw.dividend / later_splits
    ones = np.ones(raw.shape)
    if adjustment is Adjustment.SPLIT_ADJUSTED:
        return MarketData(
            raw.dates,
            raw.symbols,
            volume=volume,
            split_ratio=ones,
            dividend=dividend,
            adjustment=adjustment,
            **prices,
        )
    factor = _dividend_factor(prices["close"], dividend)
    prices = {f: p * factor for f, p in prices.items()}
    return MarketData(
        raw.dates,
        raw.symbols,
        volume=volume,
        split_ratio=ones,
        dividend=np.zeros(raw.shape),
        adjustment=adjustment,
        **prices,
    )


def _later_product(ratio: np.ndarray) -> np.ndarray:
    """Return per row the product of the ratios strictly after it (1 on the last row)."""
    reverse = np.cumprod(ratio[::-1], axis=0)[::-1]
    return np.vstack([reverse[1:], np.ones((1, ratio.shape[1]))])


def _dividend_factor(close: np.ndarray, dividend: np.ndarray) -> np.ndarray:
    """Back-adjustment factor: each ex-date scales earlier prices by (1 - d / prior close)."""
    previous = np.vstack([np.full((1, close.shape[1]), np.nan), close[:-1]])
    previous = pd.DataFrame(previous).ffill().to_numpy()
    step = np.where((dividend > 0) & (previous > 0), 1.0 - dividend / previous, 1.0)
    return _later_product(np.nan_to_num(step, nan=1.0))
