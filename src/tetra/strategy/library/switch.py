"""Switch between two instruments (e.g. SPY and TLT): hold the one with the better momentum."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field, model_validator

from tetra.indicators import rate_of_change
from tetra.market import MarketData
from tetra.strategy.base import StrategyConfig
from tetra.strategy.library.stepwise import StepwiseStrategy


class SwitchConfig(StrategyConfig):
    """`symbols`: the two instruments (default: the market's two). `weight`: fraction of
    equity held in the chosen one. `min_hold`: bars a holding is kept before a switch."""

    symbols: tuple[str, str] | None = None
    lookback: int = Field(63, ge=1)
    min_hold: int = Field(21, ge=1)
    weight: float = Field(1.0, gt=0, le=1)

    @model_validator(mode="after")
    def _two_symbols(self) -> SwitchConfig:
        if self.symbols is not None and self.symbols[0] == self.symbols[1]:
            raise ValueError("a switch needs two different symbols")
        return self


class MomentumSwitch(StepwiseStrategy[SwitchConfig]):
    """Hold the instrument whose return over the last `lookback` bars is higher.

    The first close at which both returns exist buys the leader (the first symbol on a
    tie) at TARGET_PERCENT `weight`. Afterwards the strategy switches (the held one to 0,
    the other to `weight`) when the other's return is strictly higher and at least
    `min_hold` bars have passed since the last decision to buy.
    """

    name: ClassVar[str] = "switch"
    leg_roles: ClassVar[tuple[str, ...]] = ("first: held on a momentum tie", "second")
    Config = SwitchConfig

    def columns(self, market: MarketData) -> tuple[int, int]:
        if self.config.symbols is None:
            if market.shape[1] != 2:
                raise ValueError(f"name the two symbols: the market has {market.symbols}")
            return 0, 1
        return market.column(self.config.symbols[0]), market.column(self.config.symbols[1])

    def start(self, market: MarketData) -> None:
        super().start(market)
        self._legs = self.columns(market)
        closes = market.close[:, list(self._legs)]
        self._momentum = np.asarray(rate_of_change(closes, self.config.lookback))
        self._holding: int | None = None
        self._since = 0

    def should_switch(self, momentum: np.ndarray, t: int) -> bool:
        assert self._holding is not None
        held_long_enough = t - self._since >= self.config.min_hold
        return bool(held_long_enough and momentum[1 - self._holding] > momentum[self._holding])

    def decide(self, t: int) -> np.ndarray:
        sizes = self.no_orders()
        momentum = self._momentum[t]
        if not np.isfinite(momentum).all():
            return sizes
        leader = 1 if momentum[1] > momentum[0] else 0
        if self._holding is None:
            self._holding, self._since = leader, t
            sizes[self._legs[leader]] = self.config.weight
        elif self.should_switch(momentum, t):
            sizes[self._legs[self._holding]] = 0.0
            self._holding, self._since = 1 - self._holding, t
            sizes[self._legs[self._holding]] = self.config.weight
        return sizes
