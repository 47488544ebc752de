"""The causal decision panel: decision days x symbols, with prices adjusted forwards only.

Back-adjusted prices (the backtest's `split_adjusted` and `total_return` modes) rescale the
past whenever a later split or dividend arrives, so a feature computed from them depends on
the future, if only in its last bits. Here every price is adjusted *forwards*: a total-return
index starts at 1 on a symbol's first bar and compounds each day's return
``(close + dividend) * split ratio / previous close``; opens, highs and lows are scaled by the
same factor as the close that day. A value at row t therefore depends on rows <= t only, and
features built on data cut at t equal, bit for bit, those built on everything.

Decision days are the rows where at least half the symbols listed so far have a bar (so the
weekend rows that only crypto trades drop out; a crypto-only universe keeps every day). The
bars of dropped rows fold into the next decision day: split ratios multiply, dividends and
traded value add up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tetra.core.errors import ValidationError
from tetra.market import MarketData


@dataclass(frozen=True)
class Panel:
    """Arrays of shape (days, symbols); NaN before a symbol's first bar."""

    dates: np.ndarray  # datetime64[D], the decision days
    symbols: tuple[str, ...]
    close: np.ndarray  # total-return index
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    dollar_volume: np.ndarray  # raw close x raw volume, 0 on days without a bar
    has_bar: np.ndarray  # bool

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.dates), len(self.symbols))

    def returns(self) -> np.ndarray:
        """Return daily simple returns of the index (NaN on each symbol's first day)."""
        previous = np.vstack([np.full((1, self.shape[1]), np.nan), self.close[:-1]])
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.close / previous - 1.0, dtype=np.float64)


def decision_rows(market: MarketData) -> np.ndarray:
    """Return the indices of the market's rows that are decision days (see the module map)."""
    traded = np.isfinite(market.close)
    listed = np.maximum.accumulate(traded, axis=0).sum(axis=1)
    return np.flatnonzero(traded.sum(axis=1) * 2 >= np.maximum(listed, 1))


def build_panel(market: MarketData) -> Panel:
    """Fold `market` (raw prices) onto its decision days and adjust it forwards."""
    if market.shape[0] == 0:
        raise ValidationError("no bars: nothing to build features from")
    keep = decision_rows(market)
    target = np.searchsorted(keep, np.arange(market.shape[0]))
    inside = target < len(keep)
    close = _ffill(market.close)[keep]
    ratio = _fold(market.split_ratio, target, inside, len(keep), "prod")
    dividend = _fold(market.dividend, target, inside, len(keep), "sum")
    value = np.nan_to_num(market.close * market.volume, nan=0.0)
    dollar_volume = _fold(value, target, inside, len(keep), "sum")
    index = _total_return_index(close, ratio, dividend)
    has_bar = np.isfinite(market.close[keep])
    scale = index / close
    open_, high, low = (
        _on_bars(getattr(market, f)[keep], close, has_bar) * scale for f in ("open", "high", "low")
    )
    return Panel(
        dates=market.dates[keep],
        symbols=market.symbols,
        close=index,
        open=open_,
        high=high,
        low=low,
        dollar_volume=dollar_volume,
        has_bar=has_bar,
    )


def _ffill(values: np.ndarray) -> np.ndarray:
    return pd.DataFrame(values).ffill().to_numpy()


def _fold(
    values: np.ndarray, target: np.ndarray, inside: np.ndarray, rows: int, how: str
) -> np.ndarray:
    """Aggregate rows onto the decision day each one belongs to (rows after the last drop)."""
    frame = pd.DataFrame(values[inside]).groupby(target[inside], sort=True)
    folded = frame.prod() if how == "prod" else frame.sum()
    return folded.reindex(range(rows)).to_numpy(dtype=np.float64)


def _total_return_index(close: np.ndarray, ratio: np.ndarray, dividend: np.ndarray) -> np.ndarray:
    previous = np.vstack([np.full((1, close.shape[1]), np.nan), close[:-1]])
    with np.errstate(invalid="ignore", divide="ignore"):
        growth = (close + dividend) * ratio / previous
    growth = np.where(np.isfinite(growth), growth, 1.0)
    index = np.cumprod(growth, axis=0)
    return np.where(np.isfinite(close), index, np.nan)


def _on_bars(values: np.ndarray, close: np.ndarray, has_bar: np.ndarray) -> np.ndarray:
    """Raw open/high/low where there is a bar; the (carried) close on days without one."""
    return np.where(has_bar, values, close)
