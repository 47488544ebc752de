"""Strategies that run another strategy and change how its decisions reach a run.

- `Wrapping`: holds the wrapped `strategy`, runs on its paths (`compiled`, `per_bar`),
  passes its decisions through (`orders`, `init`, `on_bar`) and is copied with it;
  a subclass overrides only what it changes (`ConditionalStrategy` gates entries);
- `StandIn`: a wrapping that runs as the wrapped strategy itself, under its config, its
  name (stored runs name the strategy, not the wrapper) and its legs (`Sized` and
  `RiskManaged` in `tetra.backtest`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from tetra.market import BarContext, MarketData, OrderArrays
from tetra.strategy.base import Strategy, StrategyConfig


class Wrapping(Strategy[StrategyConfig]):
    """Run `strategy` under the wrapper's own `config`: its paths and decisions unchanged."""

    def __init__(self, strategy: Strategy[Any], config: StrategyConfig) -> None:
        super().__init__(config)
        self.strategy = strategy

    def __copy__(self) -> Wrapping:
        """Copy the wrapped strategy too: a copy run beside the original (the look-ahead
        guards) must not share a stateful strategy (stepwise ones keep a schedule)."""
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin.strategy = copy.copy(self.strategy)
        return twin

    @property
    def compiled(self) -> bool:
        return self.strategy.compiled

    @property
    def per_bar(self) -> bool:
        return self.strategy.per_bar

    def orders(self, market: MarketData) -> OrderArrays | None:
        return self.strategy.orders(market)

    def init(self, market: MarketData) -> None:
        self.strategy.init(market)

    def on_bar(self, bar: BarContext) -> None:
        self.strategy.on_bar(bar)


class StandIn(Wrapping):
    """Run `strategy` as itself: under its config and name, with its legs."""

    def __init__(self, strategy: Strategy[Any]) -> None:
        super().__init__(strategy, strategy.config)
        self.name = strategy.name  # type: ignore[misc]  # stored runs name the strategy itself

    def legs(self, symbols: Sequence[str]) -> list[dict[str, str]]:
        return self.strategy.legs(symbols)
