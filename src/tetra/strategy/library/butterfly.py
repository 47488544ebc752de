"""Butterfly ("fly") on three instruments, e.g. SHY, IEF, TLT: wings against twice the body.

The fly is measured in return terms: with each leg's log price normalised to the first
bar where all three have a close, fly_t = r_short - 2 r_mid + r_long, r = log(p_t / p_start).
Its rolling z-score (population, `window` bars ending at t) drives the same state machine
as a pair's spread (`spread_step`): short the fly when z > entry_z, buy it when
z < -entry_z, flat once z is back within exit_z of zero (or past it).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field, model_validator

from tetra.indicators import rolling_zscore
from tetra.market import MarketData, SizeKind
from tetra.strategy.base import StrategyConfig
from tetra.strategy.library.pair import FLAT, spread_turn
from tetra.strategy.library.stepwise import StepwiseStrategy

FLY_WEIGHTS = np.array([1.0, -2.0, 1.0])


def fly_value(closes: np.ndarray) -> np.ndarray:
    """Return the fly in return terms from a (T, 3) array of (short, mid, long) closes."""
    complete = np.flatnonzero(np.isfinite(closes).all(axis=1))
    if not len(complete):
        return np.full(closes.shape[0], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        returns = np.log(closes / closes[complete[0]])
    return np.asarray(returns @ FLY_WEIGHTS)


class ButterflyConfig(StrategyConfig):
    """`symbols`: (short, mid, long), default the market's three. `notional`: the value of
    each wing per unit of fly; the body gets twice that, on the other side."""

    symbols: tuple[str, str, str] | None = None
    window: int = Field(60, ge=2)
    entry_z: float = Field(2.0, gt=0)
    exit_z: float = Field(0.0, ge=0)
    stop_z: float | None = Field(None, gt=0)
    notional: float = Field(100_000.0, gt=0)

    @model_validator(mode="after")
    def _levels_in_order(self) -> ButterflyConfig:
        if self.exit_z >= self.entry_z:
            raise ValueError(f"exit_z ({self.exit_z}) must be below entry_z ({self.entry_z})")
        if self.stop_z is not None and self.stop_z <= self.entry_z:
            raise ValueError(f"stop_z ({self.stop_z}) must be above entry_z ({self.entry_z})")
        if self.symbols is not None and len(set(self.symbols)) != 3:
            raise ValueError("a butterfly needs three different symbols")
        return self


class Butterfly(StepwiseStrategy[ButterflyConfig]):
    """Long the fly: TARGET_VALUE +notional, -2 notional, +notional on (short, mid, long);
    short the fly: the opposite; flat: 0 on all three. Orders only when the position changes."""

    name: ClassVar[str] = "butterfly"
    leg_roles: ClassVar[tuple[str, ...]] = ("short wing (+1)", "body (-2)", "long wing (+1)")
    Config = ButterflyConfig
    size_kind: ClassVar[SizeKind] = SizeKind.TARGET_VALUE

    def columns(self, market: MarketData) -> list[int]:
        if self.config.symbols is None:
            if market.shape[1] != 3:
                raise ValueError(f"name the fly's three symbols: the market has {market.symbols}")
            return [0, 1, 2]
        return [market.column(symbol) for symbol in self.config.symbols]

    def start(self, market: MarketData) -> None:
        super().start(market)
        self._legs = self.columns(market)
        fly = fly_value(market.close[:, self._legs])
        self._zscore = np.asarray(rolling_zscore(fly, self.config.window))
        self._state = FLAT

    def decide(self, t: int) -> np.ndarray:
        self._state, turned = spread_turn(self._state, float(self._zscore[t]), self.config)
        sizes = self.no_orders()
        if turned is not None:
            sizes[self._legs] = turned * self.config.notional * FLY_WEIGHTS
        return sizes
