"""Moving-average crossover: enter when the fast average crosses above the slow, exit below."""

from __future__ import annotations

from typing import ClassVar, Literal

import numba
import numpy as np
from pydantic import Field, model_validator

from tetra.indicators import crossings, ema, sma
from tetra.market import BarContext, MarketData, OrderArrays, SizeKind
from tetra.strategy.base import Strategy, StrategyConfig


class CrossoverConfig(StrategyConfig):
    """`allocation`: cash per symbol at entry (default: starting cash split evenly)."""

    fast: int = Field(20, ge=1)
    slow: int = Field(50, ge=2)
    average: Literal["sma", "ema"] = "sma"
    allocation: float | None = Field(None, gt=0)
    cash: float = Field(1_000_000.0, gt=0)

    @model_validator(mode="after")
    def _fast_below_slow(self) -> CrossoverConfig:
        if self.fast >= self.slow:
            raise ValueError(f"fast ({self.fast}) must be shorter than slow ({self.slow})")
        return self


class MovingAverageCrossover(Strategy[CrossoverConfig]):
    """Long only: buy `allocation` at the next open after a cross up; sell all on a cross down."""

    name: ClassVar[str] = "sma_crossover"
    Config = CrossoverConfig

    def averages(self, market: MarketData) -> tuple[np.ndarray, np.ndarray]:
        average = sma if self.config.average == "sma" else ema
        return average(market.close, self.config.fast), average(market.close, self.config.slow)

    def signals(self, market: MarketData) -> tuple[np.ndarray, np.ndarray]:
        """Return (entries, exits) booleans: crossings at each bar's close."""
        cross = crossings(*self.averages(market))
        return cross == 1, cross == -1

    def allocation(self, market: MarketData) -> float:
        return self.config.allocation or self.config.cash / market.shape[1]

    def orders(self, market: MarketData) -> OrderArrays:
        orders = OrderArrays.empty(market.shape)
        cross = np.asarray(crossings(*self.averages(market)))
        entry, exit_ = int(SizeKind.VALUE), int(SizeKind.TARGET_SHARES)
        _place(cross, self.allocation(market), entry, exit_, orders.size, orders.size_kind)
        return orders

    def init(self, market: MarketData) -> None:
        self._fast, self._slow = self.averages(market)  # indicator values, read bar by bar
        self._allocation = self.allocation(market)

    def on_bar(self, bar: BarContext) -> None:
        t = bar.t
        if t == 0:
            return
        fast, slow = self._fast[t], self._slow[t]
        fast_before, slow_before = self._fast[t - 1], self._slow[t - 1]
        ready = np.isfinite(fast + slow + fast_before + slow_before)
        above, was_above = fast > slow, fast_before > slow_before
        for n in np.flatnonzero(ready & above & ~was_above):
            bar.order(int(n), self._allocation, SizeKind.VALUE)
        for n in np.flatnonzero(ready & ~above & was_above):
            bar.close_position(int(n))


@numba.njit(cache=True, nogil=True)
def _place(
    cross: np.ndarray,
    allocation: float,
    entry: int,
    exit_: int,
    size: np.ndarray,
    size_kind: np.ndarray,
) -> None:
    """Write an entry of `allocation` at each cross up and a full exit at each cross down.

    One pass over the int8 crossings, writing the order panels only where a cross is:
    crossings are sparse, and the index arrays NumPy would build first cost more than the
    crossings themselves at 500 symbols (the guards decide five times a run).
    """
    for t in range(cross.shape[0]):
        for n in range(cross.shape[1]):
            if cross[t, n] == 1:
                size[t, n], size_kind[t, n] = allocation, entry
            elif cross[t, n] == -1:
                size[t, n], size_kind[t, n] = 0.0, exit_
