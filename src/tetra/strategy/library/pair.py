"""Pair trading: trade the z-score of two prices' rolling OLS residual back towards zero.

At each close t the hedge ratio comes from an OLS fit of the first price on the second,
`a = alpha + beta * b`, over the `window` bars ending at t (rows <= t only: no look-ahead).
The z-score is today's residual over the residuals' population standard deviation in that
same window (their mean is zero by construction). Sizing is documented on `PairConfig`.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Protocol

import numpy as np
from pydantic import Field, model_validator

from tetra.indicators import sma
from tetra.indicators.nb.statistics import rolling_comoments_nb
from tetra.market import MarketData
from tetra.strategy.base import StrategyConfig
from tetra.strategy.library.stepwise import StepwiseStrategy

FLAT, LONG_SPREAD, SHORT_SPREAD, STOPPED = 0, 1, -1, 2


def cointegration_pvalue(a: np.ndarray, b: np.ndarray) -> float:
    """Return the Engle-Granger test's p-value for `a` and `b` (small: cointegrated)."""
    from statsmodels.tsa.stattools import coint

    return float(coint(np.asarray(a, dtype=float), np.asarray(b, dtype=float))[1])


def hedge_and_zscore(a: np.ndarray, b: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the rolling OLS hedge ratio of `a` on `b` and the z-score of today's residual."""
    a, b = np.ascontiguousarray(a, dtype=float), np.ascontiguousarray(b, dtype=float)
    covariance, variance_a, variance_b = rolling_comoments_nb(a, b, window)
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.where(variance_b > 0, covariance / variance_b, np.nan)
        residual_variance = variance_a - beta * covariance
        residual = (a - sma(a, window)) - beta * (b - sma(b, window))
        fits = residual_variance > 1e-12 * variance_a
        zscore = np.where(fits, residual / np.sqrt(np.where(fits, residual_variance, 1.0)), np.nan)
    return beta, zscore


def spread_step(state: int, z: float, entry_z: float, exit_z: float, stop_z: float | None) -> int:
    """Return a spread position's next state after a close with z-score `z`.

    A long spread (entered at z < -entry_z) exits once z > -exit_z, a short one once
    z < exit_z, so an overshoot to the other side exits too; |z| > `stop_z` stops a
    position out, and no entry follows until |z| is back below entry_z. From flat,
    entry_z < |z| <= stop_z enters: short the spread when z > 0, long it when z < 0.
    A NaN z (warm-up) leaves the state as it is.
    """
    if not np.isfinite(z):
        return state
    if (state == LONG_SPREAD and z > -exit_z) or (state == SHORT_SPREAD and z < exit_z):
        state = FLAT
    elif state in (LONG_SPREAD, SHORT_SPREAD) and stop_z is not None and abs(z) > stop_z:
        return STOPPED
    if state == STOPPED:
        return FLAT if abs(z) < entry_z else STOPPED
    if state == FLAT and entry_z < abs(z) <= (stop_z or np.inf):
        return SHORT_SPREAD if z > 0 else LONG_SPREAD
    return state


def direction(state: int) -> int:
    """Return +1 for a long spread, -1 for a short one, 0 when flat or stopped out."""
    return state if state in (LONG_SPREAD, SHORT_SPREAD) else 0


class SpreadLevels(Protocol):
    entry_z: float
    exit_z: float
    stop_z: float | None


def spread_turn(state: int, z: float, levels: SpreadLevels) -> tuple[int, int | None]:
    """Return the next state, and the new direction when the position turns (else None)."""
    after = spread_step(state, z, levels.entry_z, levels.exit_z, levels.stop_z)
    turned = direction(after) != direction(state)
    return after, direction(after) if turned else None


class PairConfig(StrategyConfig):
    """Legs: `symbols` (first, second), default the market's two symbols.

    `allocation` is the first leg's weight (fraction of equity). `sizing`:
    - "dollar_neutral": the second leg takes the opposite weight, equal value;
    - "hedge_ratio": the second leg takes beta x the first leg's shares, i.e. weight
      -allocation x beta x price_second / price_first, at the entry bar's close.
    """

    symbols: tuple[str, str] | None = None
    window: int = Field(60, ge=3)
    entry_z: float = Field(2.0, gt=0)
    exit_z: float = Field(0.5, ge=0)
    stop_z: float | None = Field(None, gt=0)
    allocation: float = Field(0.5, gt=0, le=1)
    sizing: Literal["dollar_neutral", "hedge_ratio"] = "dollar_neutral"

    @model_validator(mode="after")
    def _levels_in_order(self) -> PairConfig:
        if self.exit_z >= self.entry_z:
            raise ValueError(f"exit_z ({self.exit_z}) must be below entry_z ({self.entry_z})")
        if self.stop_z is not None and self.stop_z <= self.entry_z:
            raise ValueError(f"stop_z ({self.stop_z}) must be above entry_z ({self.entry_z})")
        if self.symbols is not None and self.symbols[0] == self.symbols[1]:
            raise ValueError("a pair needs two different symbols")
        return self


class PairTrading(StepwiseStrategy[PairConfig]):
    """Short the rich leg and buy the cheap one when |z| > entry_z; flat when |z| < exit_z.

    z > entry_z (first rich): short the spread (sell first, buy second); z < -entry_z: long
    it; the states follow `spread_step`. Orders are TARGET_PERCENT on both legs, sent only
    when the position changes.
    """

    name: ClassVar[str] = "pair"
    leg_roles: ClassVar[tuple[str, ...]] = (
        "first: sold when the spread z > entry_z",
        "second: the hedge, on the other side",
    )
    Config = PairConfig

    def columns(self, market: MarketData) -> tuple[int, int]:
        if self.config.symbols is None:
            if market.shape[1] != 2:
                raise ValueError(f"name the pair's symbols: the market has {market.symbols}")
            return 0, 1
        return market.column(self.config.symbols[0]), market.column(self.config.symbols[1])

    def start(self, market: MarketData) -> None:
        super().start(market)
        self._legs = self.columns(market)
        a, b = (market.close[:, n] for n in self._legs)
        self._beta, self._zscore = hedge_and_zscore(a, b, self.config.window)
        self._state = FLAT

    def decide(self, t: int) -> np.ndarray:
        self._state, turned = spread_turn(self._state, float(self._zscore[t]), self.config)
        sizes = self.no_orders()
        if turned is not None:
            sizes[list(self._legs)] = self.leg_weights(t, turned)
        return sizes

    def leg_weights(self, t: int, direction: int) -> tuple[float, float]:
        first = direction * self.config.allocation
        if self.config.sizing == "dollar_neutral":
            return first, -first
        a, b = (self.market.close[t, n] for n in self._legs)
        return first, -first * float(self._beta[t]) * b / a
