"""`ConditionalStrategy`: let a strategy enter only on bars where a condition holds.

An order counts as an exit when it targets zero (TARGET_SHARES, TARGET_VALUE or
TARGET_PERCENT of 0): exits always pass, so the wrapped strategy can always get flat.
Every other order (an entry, an add, a rebalance to a non-zero target) passes only where
the condition is True for that symbol at that bar; a blocked order is dropped, not
deferred, and the wrapped strategy is not told (its next decision proceeds as if it had
been placed). Both paths gate the same orders, so the wrapper keeps their parity.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from tetra.market import BarContext, BarView, MarketData, OrderArrays, PlacedOrder, SizeKind
from tetra.strategy.base import Strategy, StrategyConfig
from tetra.strategy.conditions import Condition
from tetra.strategy.wrapping import Wrapping

TARGETS = (SizeKind.TARGET_SHARES, SizeKind.TARGET_VALUE, SizeKind.TARGET_PERCENT)


def is_exit(size: np.ndarray, size_kind: np.ndarray) -> np.ndarray:
    """Return where an order targets a zero position."""
    zero = np.asarray(size == 0.0, bool)
    return zero & np.isin(size_kind, [int(k) for k in TARGETS])


class ConditionalStrategy(Wrapping):
    """Wrap `strategy` so that its entries pass only where `when` holds."""

    name: ClassVar[str] = "conditional"

    def __init__(self, strategy: Strategy[Any], when: Condition) -> None:
        super().__init__(strategy, StrategyConfig())
        self.when = when

    def orders(self, market: MarketData) -> OrderArrays | None:
        orders = self.strategy.orders(market)
        if orders is None:
            return None
        entries = np.isfinite(orders.size) & ~is_exit(orders.size, orders.size_kind)
        orders.size[entries & ~self.when.evaluate(market)] = np.nan
        return orders

    def init(self, market: MarketData) -> None:
        super().init(market)
        self._allowed = self.when.evaluate(market)

    def on_bar(self, bar: BarContext) -> None:
        self.strategy.on_bar(GatedBar(bar, self._allowed[bar.t]))

    def describe(self) -> str:
        return f"{self.strategy.describe()} when {self.when.describe()}"


class GatedBar(BarView):
    """A view of a `BarContext` whose orders pass only if they exit or `allowed[symbol]`.

    It reads everything else (t, prices, positions, the order book) from the wrapped bar.
    """

    def __init__(self, bar: BarContext, allowed: np.ndarray) -> None:
        super().__init__(bar)
        self._allowed = allowed

    def place(self, symbol: int | str, order: PlacedOrder) -> None:
        exit_order = order["size"] == 0.0 and order["size_kind"] in TARGETS
        if exit_order or self._allowed[self.column(symbol)]:
            self._bar.order(symbol, **order)
