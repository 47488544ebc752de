"""`BarContext`: what a per-bar strategy sees at a bar's close, and how it places orders.

`BarContext.order` is the one place its order arguments are spelled out; it hands each
order to `place`. The per-bar engine implements `place` over its own state arrays
(`tetra.backtest.engine`); a wrapper that filters or resizes orders (a condition gate, a
sizing policy) subclasses `BarView`, a context over another one, and its `place` decides
what becomes of each order. Strategies are written against `BarContext` only.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import TypedDict

import numpy as np

from tetra.market.orders import OrderKind, SizeKind
from tetra.market.panel import MarketData


class PlacedOrder(TypedDict):
    """An order as `BarContext.order` hands it to `place`: its arguments after the symbol."""

    size: float
    size_kind: SizeKind
    kind: OrderKind
    limit: float
    stop: float
    good_till_cancelled: bool
    stop_loss: float
    take_profit: float


class BarContext(ABC):
    """The bar `t` of `market` at its close: prices, the account, and the order book.

    Orders placed at bar t execute from bar t+1 on. One working order per symbol: a new
    order replaces the symbol's pending one. Symbols are column numbers or tickers.
    """

    def __init__(self, market: MarketData, t: int = 0) -> None:
        self.market = market
        self.t = t

    @property
    def date(self) -> np.datetime64:
        return np.datetime64(self.market.dates[self.t], "D")

    @property
    def close(self) -> np.ndarray:
        """This bar's closes, one per symbol (NaN where a symbol has no bar)."""
        closes: np.ndarray = self.market.close[self.t]
        return closes

    @property
    @abstractmethod
    def positions(self) -> np.ndarray:
        """Units held per symbol (negative when short)."""

    @property
    @abstractmethod
    def cash(self) -> float:
        """Cash in the account now."""

    @property
    @abstractmethod
    def equity(self) -> float:
        """Cash plus positions marked to this bar's close."""

    def position(self, symbol: int | str) -> float:
        return float(self.positions[self.column(symbol)])

    def order(
        self,
        symbol: int | str,
        size: float,
        size_kind: SizeKind = SizeKind.SHARES,
        kind: OrderKind = OrderKind.MARKET,
        *,
        limit: float = math.nan,
        stop: float = math.nan,
        good_till_cancelled: bool = False,
        stop_loss: float = math.nan,
        take_profit: float = math.nan,
    ) -> None:
        """Place an order for the next bar; it replaces the symbol's pending order, if any.

        `stop_loss` and `take_profit` make it a bracket entry: the exit prices of the
        position it opens (`tetra.simulation.exits` has the rules).
        """
        self.place(
            symbol,
            PlacedOrder(
                size=size,
                size_kind=size_kind,
                kind=kind,
                limit=limit,
                stop=stop,
                good_till_cancelled=good_till_cancelled,
                stop_loss=stop_loss,
                take_profit=take_profit,
            ),
        )

    @abstractmethod
    def place(self, symbol: int | str, order: PlacedOrder) -> None:
        """Handle an order placed at this bar (`order`'s arguments after the symbol)."""

    def order_target_percent(self, symbol: int | str, weight: float) -> None:
        self.order(symbol, weight, SizeKind.TARGET_PERCENT)

    def close_position(self, symbol: int | str) -> None:
        self.order(symbol, 0.0, SizeKind.TARGET_SHARES)

    @abstractmethod
    def cancel(self, symbol: int | str) -> None:
        """Drop the symbol's pending order, if any."""

    def column(self, symbol: int | str) -> int:
        """Return the column of `symbol` (a column number passes through)."""
        return symbol if isinstance(symbol, int) else self.market.column(symbol)


class BarView(BarContext):
    """A view of another `BarContext` (`_bar`): its bar, its account, its own order handling.

    It reads t, prices, positions, cash and equity from the wrapped bar and passes cancels
    through; a subclass's `place` decides what becomes of each order placed on it: pass it
    on (`self._bar.order(symbol, **order)`), change it, hold it or drop it.
    """

    def __init__(self, bar: BarContext) -> None:
        super().__init__(bar.market, bar.t)
        self._bar = bar

    @property
    def positions(self) -> np.ndarray:
        return self._bar.positions

    @property
    def cash(self) -> float:
        return self._bar.cash

    @property
    def equity(self) -> float:
        return self._bar.equity

    def position(self, symbol: int | str) -> float:
        return self._bar.position(symbol)

    def cancel(self, symbol: int | str) -> None:
        self._bar.cancel(symbol)
