"""`StepwiseStrategy`: one `decide(t)` per bar, replayed by both backtest paths.

A library strategy states its logic once: `start(market)` precomputes causal indicators
(values at row t use rows <= t only) and resets its state; `decide(t)` returns the orders
decided at bar t's close as one row of sizes (NaN: no order for that symbol), read with
the class's `size_kind`. The compiled path calls `decide` for every row into `OrderArrays`;
the per-bar path calls it from `on_bar`. Both therefore decide identically by construction.
`decide(t)` may read rows <= t only; the truncation tests (a run on data cut at row k
fills exactly as the full run up to k) check every library strategy for look-ahead.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

import numpy as np

from tetra.market import BarContext, MarketData, OrderArrays, SizeKind
from tetra.strategy.base import Strategy, StrategyConfig

ConfigT = TypeVar("ConfigT", bound=StrategyConfig)


class StepwiseStrategy(Strategy[ConfigT]):
    """Subclass with `start` and `decide`; `size_kind` says how the decided sizes read."""

    size_kind: ClassVar[SizeKind] = SizeKind.TARGET_PERCENT
    market: MarketData

    def start(self, market: MarketData) -> None:
        """Precompute causal indicators and reset the decision state for a new run."""
        self.market = market

    def decide(self, t: int) -> np.ndarray:
        """Return the sizes decided at bar t's close, one per symbol, NaN for no order."""
        raise NotImplementedError

    def no_orders(self) -> np.ndarray:
        return np.full(self.market.shape[1], np.nan)

    def orders(self, market: MarketData) -> OrderArrays:
        self.start(market)
        size = np.full(market.shape, np.nan)
        for t in range(market.shape[0]):
            size[t] = self.decide(t)
        return OrderArrays.of(size, self.size_kind)

    def init(self, market: MarketData) -> None:
        self.start(market)

    def on_bar(self, bar: BarContext) -> None:
        sizes = self.decide(bar.t)
        for n in np.flatnonzero(np.isfinite(sizes)):
            bar.order(int(n), float(sizes[n]), self.size_kind)


def changed(previous: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Return `current` where it differs from `previous`, NaN elsewhere (orders on changes)."""
    return np.where(current != previous, current, np.nan)


def lagged(values: np.ndarray, rows: int) -> np.ndarray:
    """Return `values` shifted down by `rows` rows, NaN in the rows with nothing before them."""
    out = np.full(values.shape, np.nan)
    if rows < values.shape[0]:
        out[rows:] = values[: values.shape[0] - rows]
    return out
