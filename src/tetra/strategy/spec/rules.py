"""`RuleBased`: the strategy a rule spec compiles to: entry and exit conditions and a stop.

One state per symbol (flat, or holding on the spec's side). At each close t: a holding exits
(TARGET_PERCENT 0) when any exit condition holds or its close crosses the stop level set at
entry; a flat symbol whose entry condition holds (and which did not exit at this bar) enters
at TARGET_PERCENT +-weight. The stop level is the entry bar's close minus (long) or plus
(short) `atr` ATRs of that bar, or `percent` % of it; a NaN ATR (warm-up) sets no stop.
Every decision reads rows <= t only, and both backtest paths replay `decide`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from tetra.indicators import atr
from tetra.market import MarketData
from tetra.strategy.base import StrategyConfig
from tetra.strategy.conditions import Condition
from tetra.strategy.library.stepwise import StepwiseStrategy


@dataclass(frozen=True)
class StopLevels:
    """A stop at `atr` ATRs (over `atr_period` bars) or `percent` % from the entry close."""

    atr: float | None = None
    atr_period: int = 14
    percent: float | None = None


class RuleBased(StepwiseStrategy[StrategyConfig]):
    """Enter where `entry` holds, exit where `exit` holds or at the stop; see the module."""

    name: ClassVar[str] = "rules"

    def __init__(
        self,
        entry: Condition,
        exit: Condition | None,
        *,
        side: int = 1,
        weight: float | None = None,
        stop: StopLevels | None = None,
    ) -> None:
        super().__init__(StrategyConfig())
        if side not in (1, -1):
            raise ValueError(f"side is 1 (long) or -1 (short), not {side}")
        self.entry, self.exit, self.side, self.weight, self.stop = entry, exit, side, weight, stop

    def start(self, market: MarketData) -> None:
        super().start(market)
        self._entry = self.entry.evaluate(market)
        self._exit = self.exit.evaluate(market) if self.exit else np.zeros(market.shape, dtype=bool)
        self._atr = self._stop_atr(market)
        self._holding = np.zeros(market.shape[1], dtype=bool)
        self._stop_level = np.full(market.shape[1], np.nan)
        self._weight = self.weight or 1.0 / max(market.shape[1], 1)

    def _stop_atr(self, market: MarketData) -> np.ndarray | None:
        if self.stop is None or self.stop.atr is None:
            return None
        return np.asarray(atr(market.high, market.low, market.close, self.stop.atr_period))

    def decide(self, t: int) -> np.ndarray:
        close = self.market.close[t]
        with np.errstate(invalid="ignore"):
            stopped = self.side * (close - self._stop_level) < 0
        exits = self._holding & (self._exit[t] | stopped)
        entries = ~self._holding & ~exits & self._entry[t] & np.isfinite(close)
        self._holding = (self._holding & ~exits) | entries
        self._stop_level[exits] = np.nan
        self._stop_level[entries] = self._levels(t, close)[entries]
        sizes = self.no_orders()
        sizes[exits] = 0.0
        sizes[entries] = self.side * self._weight
        return sizes

    def _levels(self, t: int, close: np.ndarray) -> np.ndarray:
        if self.stop is None:
            return np.full(close.shape, np.nan)
        if self._atr is not None and self.stop.atr is not None:
            distance = self.stop.atr * self._atr[t]
        else:
            distance = close * (self.stop.percent or 0.0) / 100.0
        return np.asarray(close - self.side * distance)

    def describe(self) -> str:
        side = "long" if self.side > 0 else "short"
        exit_text = f" exit {self.exit.describe()}" if self.exit else ""
        return f"rules({side} when {self.entry.describe()};{exit_text})"
