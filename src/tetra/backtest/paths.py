"""Strategies and portfolios as path evaluators for the simulator's Monte Carlo.

`StrategyOnPath` runs a strategy on one generated market, on the compiled path when the
strategy has one (fast; the numba kernel) or per bar (`path="callback"`, any strategy,
slower), with the run's cash, costs and trading rules, and returns its equity curve.
Guards are off: a generated path is not the data a strategy was written on, and the
per-path rerun would double the cost. `HoldingsOnPath` values fixed holdings bought at
the first bar's open (no costs, never rebalanced): the portfolio case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from tetra.backtest.compiled import run_compiled
from tetra.backtest.engine import run_callbacks
from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.simulation.bar_edits import forward_filled
from tetra.simulation.montecarlo import PathRun
from tetra.simulation.orders import Costs, TradingRules
from tetra.strategy.base import Strategy

PathChoice = Literal["auto", "compiled", "callback"]


@dataclass(frozen=True)
class StrategyOnPath:
    """Run `strategy` on a market path (see the module docstring)."""

    strategy: Strategy[Any]
    path: PathChoice = "auto"
    cash: float = 1_000_000.0
    costs: Costs | None = None
    rules: TradingRules | None = None

    def __post_init__(self) -> None:
        if self.path == "compiled" and not self.strategy.compiled:
            raise ValidationError(
                f"{self.strategy.name} has no compiled form; use the callback path"
            )
        if self.path == "callback" and not self.strategy.per_bar:
            raise ValidationError(
                f"{self.strategy.name} has no per-bar form; use the compiled path"
            )

    @property
    def compiled(self) -> bool:
        return self.path == "compiled" or (self.path == "auto" and self.strategy.compiled)

    def __call__(self, market: MarketData) -> PathRun:
        account: dict[str, Any] = {"cash": self.cash, "costs": self.costs, "rules": self.rules}
        if self.compiled:
            orders = self.strategy.orders(market)
            assert orders is not None  # checked by `compiled`
            output = run_compiled(market, orders, **account)
        else:
            self.strategy.init(market)
            output = run_callbacks(market, self.strategy.on_bar, **account)
        return PathRun(output.equity, self.cash, len(output.fills))


@dataclass(frozen=True)
class HoldingsOnPath:
    """Hold `weights` (fraction of `cash` per symbol; the rest stays cash) along a path."""

    weights: tuple[tuple[str, float], ...]
    cash: float = 1_000_000.0

    @classmethod
    def of(cls, weights: Mapping[str, float], cash: float = 1_000_000.0) -> HoldingsOnPath:
        """Check the weights (non-negative... or short, summing to at most 1 in absolute)."""
        if not weights:
            raise ValidationError("a portfolio needs at least one holding")
        if sum(abs(w) for w in weights.values()) > 1.0 + 1e-9:
            raise ValidationError(f"portfolio weights sum to {sum(weights.values()):.4g}, beyond 1")
        return cls(tuple(sorted(weights.items())), cash)

    def __call__(self, market: MarketData) -> PathRun:
        columns = [market.column(symbol) for symbol, _ in self.weights]
        weights = np.array([w for _, w in self.weights])
        close = forward_filled(market.close[:, columns])
        entry = market.open[0, columns]
        growth = close / entry
        equity = self.cash * (1.0 - weights.sum() + growth @ weights)
        return PathRun(equity, self.cash, len(columns))
