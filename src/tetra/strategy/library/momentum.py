"""Cross-sectional momentum: hold the recent winners, rebalanced on a schedule."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import Field, model_validator

from tetra.indicators import rate_of_change
from tetra.market import MarketData
from tetra.strategy.base import StrategyConfig
from tetra.strategy.conditions import MonthEnd
from tetra.strategy.library.stepwise import StepwiseStrategy, lagged


class MomentumConfig(StrategyConfig):
    """Rank by the return from bar t-skip-lookback to bar t-skip; hold the best `top_n`.

    `rebalance`: every that many bars (counted from the first bar with enough history),
    or "month_end" (the last session of each month). `gross`: total weight held, split
    equally over the `top_n` slots.
    """

    lookback: int = Field(126, ge=1)
    skip: int = Field(0, ge=0)
    top_n: int = Field(1, ge=1)
    rebalance: int | Literal["month_end"] = Field(21)
    gross: float = Field(1.0, gt=0, le=1)

    @model_validator(mode="after")
    def _rebalance_positive(self) -> MomentumConfig:
        if isinstance(self.rebalance, int) and self.rebalance < 1:
            raise ValueError(f"rebalance must be at least 1 bar, not {self.rebalance}")
        return self


class CrossSectionalMomentum(StepwiseStrategy[MomentumConfig]):
    """At each rebalance: TARGET_PERCENT gross/top_n on the top ranks, 0 on every other symbol.

    Ties rank by column order; a symbol without a trailing return (too new, or a missing
    bar) ranks last and is never held. Fewer than `top_n` ranked symbols leave the rest in cash.
    """

    name: ClassVar[str] = "momentum"
    Config = MomentumConfig

    def start(self, market: MarketData) -> None:
        super().start(market)
        returns = rate_of_change(market.close, self.config.lookback)
        self._returns = lagged(returns, self.config.skip)
        rows = np.arange(market.shape[0])
        first = self.config.lookback + self.config.skip
        if self.config.rebalance == "month_end":
            schedule = MonthEnd().evaluate(market)[:, 0]
        else:
            schedule = (rows - first) % self.config.rebalance == 0
        self._schedule = schedule & (rows >= first)

    def decide(self, t: int) -> np.ndarray:
        if not self._schedule[t]:
            return self.no_orders()
        returns = self._returns[t]
        ranked = [int(n) for n in np.argsort(-returns, kind="stable") if np.isfinite(returns[n])]
        weights = np.zeros(self.market.shape[1])
        weights[ranked[: self.config.top_n]] = self.config.gross / self.config.top_n
        return weights
