"""Mean reversion on each symbol alone: RSI extremes, or closes outside Bollinger bands.

Both variants run one state machine per symbol (flat 0, long +1, short -1), advanced at
each close by `band_step`, and order TARGET_PERCENT `allocation` x state when the state
changes, so an exit is a target of 0 and a reversal goes straight to the other side.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

import numpy as np
from pydantic import Field, model_validator

from tetra.indicators import bollinger_bands, rsi
from tetra.market import MarketData
from tetra.strategy.base import StrategyConfig
from tetra.strategy.library.stepwise import StepwiseStrategy


class ReversionConfig(StrategyConfig):
    """`allocation`: fraction of equity per position (default 1 / number of symbols)."""

    allocation: float | None = Field(None, gt=0, le=1)
    short: bool = False


class RsiReversionConfig(ReversionConfig):
    period: int = Field(14, ge=2)
    lower: float = Field(30.0, gt=0, lt=100)
    upper: float = Field(70.0, gt=0, lt=100)

    @model_validator(mode="after")
    def _lower_below_upper(self) -> RsiReversionConfig:
        if self.lower >= self.upper:
            raise ValueError(f"lower ({self.lower}) must be below upper ({self.upper})")
        return self


class BollingerReversionConfig(ReversionConfig):
    period: int = Field(20, ge=2)
    deviations: float = Field(2.0, gt=0)


def band_step(
    state: np.ndarray,
    value: np.ndarray,
    levels: tuple[np.ndarray | float, ...],
    short: bool,
) -> np.ndarray:
    """Advance per-symbol states given (long entry, long exit, short entry, short exit) levels.

    Long exits at or above its exit level, short at or below its own; then a value below
    the long entry goes long and (if `short`) one above the short entry goes short.
    NaN values or levels leave a state unchanged.
    """
    enter_long, exit_long, enter_short, exit_short = levels
    new = state.copy()
    new[(state > 0) & (value >= exit_long)] = 0.0
    new[(state < 0) & (value <= exit_short)] = 0.0
    new[value < enter_long] = 1.0
    if short:
        new[value > enter_short] = -1.0
    return new


ConfigT = TypeVar("ConfigT", bound=ReversionConfig)


class _Reversion(StepwiseStrategy[ConfigT]):
    def start(self, market: MarketData) -> None:
        super().start(market)
        self._state = np.zeros(market.shape[1])
        self._allocation = self.config.allocation or 1.0 / market.shape[1]

    def value_and_levels(self, t: int) -> tuple[np.ndarray, tuple[np.ndarray | float, ...]]:
        raise NotImplementedError

    def decide(self, t: int) -> np.ndarray:
        value, levels = self.value_and_levels(t)
        state = band_step(self._state, value, levels, self.config.short)
        sizes = np.where(state != self._state, state * self._allocation, np.nan)
        self._state = state
        return sizes


class RsiReversion(_Reversion[RsiReversionConfig]):
    """Long when RSI < lower, flat again when RSI >= upper; with `short`, short above upper
    and flat again at or below lower (or long, if below it)."""

    name: ClassVar[str] = "rsi_reversion"
    Config = RsiReversionConfig

    def start(self, market: MarketData) -> None:
        super().start(market)
        self._rsi = np.asarray(rsi(market.close, self.config.period))

    def value_and_levels(self, t: int) -> tuple[np.ndarray, tuple[np.ndarray | float, ...]]:
        lower, upper = self.config.lower, self.config.upper
        return self._rsi[t], (lower, upper, upper, lower)


class BollingerReversion(_Reversion[BollingerReversionConfig]):
    """Long when the close is below the lower band, flat at or above the middle band (the SMA);
    with `short`, short above the upper band, flat at or below the middle."""

    name: ClassVar[str] = "bollinger_reversion"
    Config = BollingerReversionConfig

    def start(self, market: MarketData) -> None:
        super().start(market)
        d = self.config.deviations
        self._bands = bollinger_bands(market.close, self.config.period, d, d)

    def value_and_levels(self, t: int) -> tuple[np.ndarray, tuple[np.ndarray | float, ...]]:
        upper, middle, lower = (np.asarray(band)[t] for band in self._bands)
        return self.market.close[t], (lower, middle, upper, middle)
