"""Moving-average crossover: enter when the fast average crosses above the slow, exit below."""

from __future__ import annotations

from typing import ClassVar, Literal

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
        cross = crossings(*self.averages(market)).reshape(-1)
        cells = np.flatnonzero(cross)  # crossings are sparse: write only their cells
        up = cross[cells] == 1
        orders = OrderArrays.empty(market.shape)
        orders.size.reshape(-1)[cells] = np.where(up, self.allocation(market), 0.0)
        entry, exit_ = int(SizeKind.VALUE), int(SizeKind.TARGET_SHARES)
        orders.size_kind.reshape(-1)[cells] = np.where(up, entry, exit_)
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
