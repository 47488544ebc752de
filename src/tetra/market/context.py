"""`BarContext`: what a per-bar strategy sees at a bar's close, and how it places orders.

The per-bar engine subclasses it over its own state arrays (`tetra.backtest.engine`); a
wrapper that filters or resizes orders (a condition gate, a risk policy) subclasses it over
another context. Strategies are written against this class only, never against an engine.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import numpy as np

from tetra.market.orders import OrderKind, SizeKind
from tetra.market.panel import MarketData


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

    @abstractmethod
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
