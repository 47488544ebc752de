"""`Sized`: any strategy's entries sized by a `SizingPolicy`, on either backtest path.

The strategy still decides when, on which side and with which order kind; the policy
decides how much. Each bar's orders are read as one row (the compiled path's `OrderArrays`
row, or every order an `on_bar` placed, the last per symbol), and `Sizing.row` rewrites it:

- an **exit** (a target order of zero) and a **reduction** (a share, value or percent order
  against the side the strategy is on) pass through unchanged;
- every other order is an **entry** on the side of its sign; it becomes a `TARGET_PERCENT`
  order of the weight the policy gives that symbol. The policy sees the whole book the
  strategy means to hold (the side of every symbol entered and not yet exited), the closes
  at the bar, `lookback` bars of returns and each entry's bracket `stop_loss` (else the
  run's percent stop loss, when `run_backtest` has one);
- an entry the policy cannot size (too little history, no stop for fixed-risk sizing) is
  dropped, never sent unsized.

Both paths call the same `Sizing.row`, so their decisions agree. The sides are what the
strategy intends, not what filled: an entry that never fills still counts as a holding.
Units are rounded by the run's `TradingRules`; a sized run without rules of its own gets
`lot_rules`: whole shares of stocks and ETFs, fractions of crypto (the packaged universe).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from tetra.core.errors import ValidationError
from tetra.market import BarContext, BarView, MarketData, OrderArrays, PlacedOrder, SizeKind
from tetra.risk.sizing import fractional_units
from tetra.risk.sizing_policy import SizingPolicy
from tetra.simulation.orders import TradingRules
from tetra.strategy.base import Strategy
from tetra.strategy.wrapping import StandIn

TARGETS = [int(SizeKind.TARGET_SHARES), int(SizeKind.TARGET_VALUE), int(SizeKind.TARGET_PERCENT)]


class Sizing:
    """One run's sizing state: the policy's sizer and the side the strategy holds per symbol."""

    def __init__(
        self, policy: SizingPolicy, market: MarketData, stop_loss: float | None = None
    ) -> None:
        self.policy = policy
        self.close = market.close
        self.stop_loss = stop_loss
        self.sides = np.zeros(market.shape[1])

    def row(
        self, t: int, size: np.ndarray, size_kind: np.ndarray, stop_loss: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return bar t's (sizes, size kinds) with its entries sized; advance the sides."""
        finite = np.isfinite(size)
        direction = np.sign(np.where(finite, size, 0.0))
        target = np.isin(size_kind, TARGETS)
        exits = finite & target & (direction == 0)
        reductions = finite & ~target & (self.sides != 0) & (direction == -self.sides)
        entries = finite & ~exits & ~reductions & (direction != 0)
        self.sides[exits] = 0.0
        self.sides[entries] = direction[entries]
        if not entries.any():
            return size, size_kind
        weights = self.weights(t, stop_loss)
        sized, kinds = size.copy(), size_kind.copy()
        usable = entries & np.isfinite(weights) & (weights != 0)
        sized[entries & ~usable] = np.nan
        sized[usable] = weights[usable]
        kinds[usable] = int(SizeKind.TARGET_PERCENT)
        return sized, kinds

    def weights(self, t: int, stop_loss: np.ndarray) -> np.ndarray:
        """Return the policy's signed weights for the book the strategy holds at bar t."""
        closes = self.close[max(0, t - self.policy.lookback) : t + 1]
        if self.stop_loss is not None:  # the run's stop, where an entry names none
            run_stop = self.close[t] * (1.0 - self.sides * self.stop_loss)
            stop_loss = np.where(np.isfinite(stop_loss), stop_loss, run_stop)
        try:
            return self.policy.weights(closes, self.sides.copy(), stop_loss)
        except (ValidationError, np.linalg.LinAlgError):  # e.g. no variance yet for risk parity
            return np.zeros_like(self.sides)


def lot_rules(symbols: Sequence[str]) -> TradingRules:
    """Return rules trading whole shares of stocks and ETFs and fractions of crypto."""
    fractional = fractional_units(symbols)
    return TradingRules(fractional_symbols=frozenset(np.asarray(symbols)[fractional].tolist()))


def is_sized(strategy: Strategy[Any]) -> bool:
    """Return whether `strategy` has its entries sized (itself, or under a `RiskManaged`)."""
    inner = getattr(strategy, "strategy", None)
    return isinstance(strategy, Sized) or isinstance(inner, Sized)


def sized_orders(
    orders: OrderArrays, market: MarketData, policy: SizingPolicy, stop_loss: float | None = None
) -> OrderArrays:
    """Return `orders` with every entry sized by `policy` (the compiled path)."""
    sizing = Sizing(policy, market, stop_loss)
    size, size_kind = orders.size.copy(), orders.size_kind.copy()
    brackets, _ = orders.brackets()
    for t in np.flatnonzero(np.isfinite(orders.size).any(axis=1)):
        row = sizing.row(int(t), orders.size[t], orders.size_kind[t], brackets[t])
        size[t], size_kind[t] = row
    return dataclasses.replace(orders, size=size, size_kind=size_kind)


class Sized(StandIn):
    """Run `strategy` with its entries sized by `policy` (see the module docstring).

    `stop_loss` (a fraction of the price, the run's `Exits.stop_loss`) stands in for the
    stop of entries that carry no bracket `stop_loss`, for fixed-risk sizing.
    """

    name: ClassVar[str] = "sized"

    def __init__(
        self, strategy: Strategy[Any], policy: SizingPolicy, stop_loss: float | None = None
    ) -> None:
        super().__init__(strategy)
        self.policy = policy
        self.stop_loss = stop_loss
        self._sizing: Sizing | None = None

    def orders(self, market: MarketData) -> OrderArrays | None:
        orders = self.strategy.orders(market)
        if orders is None:
            return None
        return sized_orders(orders, market, self.policy, self.stop_loss)

    def init(self, market: MarketData) -> None:
        super().init(market)
        self._sizing = Sizing(self.policy, market, self.stop_loss)

    def on_bar(self, bar: BarContext) -> None:
        assert self._sizing is not None, "init() runs before on_bar()"
        buffered = BufferedBar(bar)
        self.strategy.on_bar(buffered)
        buffered.flush(self._sizing)

    def describe(self) -> str:
        return f"{self.strategy.describe()} sized by {self.policy.describe()}"


class BufferedBar(BarView):
    """A view of a `BarContext` that holds the bar's orders until `flush` sizes them."""

    def __init__(self, bar: BarContext) -> None:
        super().__init__(bar)
        self._last: dict[int, PlacedOrder | None] = {}  # column -> order, None = cancel

    def place(self, symbol: int | str, order: PlacedOrder) -> None:
        self._last[self.column(symbol)] = order

    def cancel(self, symbol: int | str) -> None:
        self._last[self.column(symbol)] = None

    def flush(self, sizing: Sizing) -> None:
        """Size the bar's orders as one row and place them on the wrapped bar."""
        n = self.market.shape[1]
        size, stop_loss = np.full(n, np.nan), np.full(n, np.nan)
        size_kind = np.zeros(n, dtype=np.int64)
        for column, placed in self._last.items():
            if placed is not None:
                size[column], size_kind[column] = placed["size"], int(placed["size_kind"])
                stop_loss[column] = placed["stop_loss"]
        sized, kinds = sizing.row(self.t, size, size_kind, stop_loss)
        for column, placed in self._last.items():
            if placed is None:
                self._bar.cancel(column)
            elif np.isfinite(sized[column]):
                placed["size"] = float(sized[column])
                placed["size_kind"] = SizeKind(int(kinds[column]))
                self._bar.order(column, **placed)
