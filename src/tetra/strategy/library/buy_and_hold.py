"""Buy and hold, the benchmark: target weights bought once, then left alone or, with
`rebalance`, brought back to them on a schedule."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import Field, field_validator

from tetra.market import MarketData
from tetra.strategy.base import StrategyConfig
from tetra.strategy.conditions import MonthEnd
from tetra.strategy.library.stepwise import StepwiseStrategy


class BuyAndHoldConfig(StrategyConfig):
    """`weights`: fraction of equity per symbol (default: equal weights over every symbol).
    `rebalance`: back to the weights every that many bars (from the first bar) or at month
    ends; None buys once and never trades again."""

    weights: dict[str, float] | None = Field(None, min_length=1)
    rebalance: Annotated[int, Field(ge=1)] | Literal["month_end"] | None = None

    @field_validator("weights")
    @classmethod
    def _weights_fit_the_account(cls, weights: dict[str, float] | None) -> dict[str, float] | None:
        if weights is None:
            return None
        if any(w < 0 for w in weights.values()):
            raise ValueError("weights cannot be negative (buy and hold is long-only)")
        if sum(weights.values()) > 1.0 + 1e-9:
            raise ValueError(f"weights sum to {sum(weights.values())}, more than 1")
        return weights


class BuyAndHold(StepwiseStrategy[BuyAndHoldConfig]):
    """Order each symbol's TARGET_PERCENT weight at the close of its first bar (fills next open)."""

    name: ClassVar[str] = "buy_and_hold"
    Config = BuyAndHoldConfig

    def weights(self, market: MarketData) -> np.ndarray:
        n_count = market.shape[1]
        if self.config.weights is None:
            return np.full(n_count, 1.0 / n_count)
        weights = np.zeros(n_count)
        for symbol, weight in self.config.weights.items():
            weights[market.column(symbol)] = weight
        return weights

    def start(self, market: MarketData) -> None:
        super().start(market)
        self._weights = self.weights(market)
        self._bought = self._weights == 0.0
        every, rows = self.config.rebalance, np.arange(market.shape[0])
        if every is None:
            self._schedule = np.zeros(market.shape[0], dtype=bool)
        elif every == "month_end":
            self._schedule = MonthEnd().evaluate(market)[:, 0]
        else:
            self._schedule = (rows > 0) & (rows % every == 0)

    def decide(self, t: int) -> np.ndarray:
        trading = np.isfinite(self.market.close[t])
        first_bar = trading & ~self._bought
        self._bought |= first_bar
        due = first_bar | (trading & self._bought & self._schedule[t])
        return np.where(due, self._weights, np.nan)
