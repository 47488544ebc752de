"""Buy and hold, the benchmark: target weights bought once, never traded again."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field, field_validator

from tetra.market import MarketData
from tetra.strategy.base import StrategyConfig
from tetra.strategy.library.stepwise import StepwiseStrategy


class BuyAndHoldConfig(StrategyConfig):
    """`weights`: fraction of equity per symbol (default: equal weights over every symbol)."""

    weights: dict[str, float] | None = Field(None, min_length=1)

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

    def decide(self, t: int) -> np.ndarray:
        first_bar = np.isfinite(self.market.close[t]) & ~self._bought
        self._bought |= first_bar
        return np.where(first_bar, self._weights, np.nan)
