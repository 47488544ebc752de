"""How a strategy states orders: order kinds, size kinds, time in force, and `OrderArrays`.

The codes are small integers because the numba kernels take arrays of codes, not objects:
`tetra.simulation.exchange` (the fill rules) imports the plain-int names below, and
strategies use the enums. One definition serves both, so the two cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np


class OrderKind(IntEnum):
    """When and at what price an order may fill (the rules: `tetra.simulation.exchange`)."""

    MARKET = 0
    LIMIT = 1
    STOP = 2
    STOP_LIMIT = 3
    MARKET_ON_OPEN = 4
    MARKET_ON_CLOSE = 5


class SizeKind(IntEnum):
    """How an order's size reads: a quantity, a cash value, or a target to reach."""

    SHARES = 0
    VALUE = 1
    PERCENT_EQUITY = 2
    TARGET_SHARES = 3
    TARGET_VALUE = 4
    TARGET_PERCENT = 5


class TimeInForce(IntEnum):
    """How long an unfilled order waits: one tradable bar, or until it fills or is replaced."""

    DAY = 0
    GOOD_TILL_CANCELLED = 1


# The same codes as plain ints, for numba kernels.
MARKET = int(OrderKind.MARKET)
LIMIT = int(OrderKind.LIMIT)
STOP = int(OrderKind.STOP)
STOP_LIMIT = int(OrderKind.STOP_LIMIT)
MARKET_ON_OPEN = int(OrderKind.MARKET_ON_OPEN)
MARKET_ON_CLOSE = int(OrderKind.MARKET_ON_CLOSE)
SHARES = int(SizeKind.SHARES)
VALUE = int(SizeKind.VALUE)
PERCENT_EQUITY = int(SizeKind.PERCENT_EQUITY)
TARGET_SHARES = int(SizeKind.TARGET_SHARES)
TARGET_VALUE = int(SizeKind.TARGET_VALUE)
TARGET_PERCENT = int(SizeKind.TARGET_PERCENT)
DAY = int(TimeInForce.DAY)
GOOD_TILL_CANCELLED = int(TimeInForce.GOOD_TILL_CANCELLED)


@dataclass(frozen=True)
class OrderArrays:
    """Orders as (T, N) arrays; NaN `size` means no new order at that bar for that symbol.

    A finite `size` at row t is an order decided at bar t's close, executed from bar t+1 on.
    `stop_loss` and `take_profit` (optional, NaN where unset) make an order a bracket entry:
    the exit levels of the position it opens (`tetra.simulation.exits`).
    """

    size: np.ndarray
    size_kind: np.ndarray
    kind: np.ndarray
    limit: np.ndarray
    stop: np.ndarray
    time_in_force: np.ndarray
    stop_loss: np.ndarray | None = None
    take_profit: np.ndarray | None = None

    def brackets(self) -> tuple[np.ndarray, np.ndarray]:
        """Return (stop_loss, take_profit) as float arrays, NaN where an order carries none."""
        nan = np.full(self.size.shape, np.nan)
        stop_loss = nan if self.stop_loss is None else np.asarray(self.stop_loss, np.float64)
        take_profit = nan if self.take_profit is None else np.asarray(self.take_profit, np.float64)
        return stop_loss, take_profit

    @classmethod
    def empty(cls, shape: tuple[int, int]) -> OrderArrays:
        """No orders: `size`, `limit`, `stop` NaN, the codes 0 (market, shares, day).

        The code arrays are `np.zeros` (calloc): pages a strategy never writes are never
        touched, which matters at (T, N) sizes where first-touch page faults cost more than
        deciding (the guards build orders five times a run).
        """
        codes = [np.zeros(shape, dtype=np.int64) for _ in range(3)]
        size, limit, stop = (np.full(shape, np.nan) for _ in range(3))
        return cls(size, codes[0], codes[1], limit, stop, codes[2])

    @classmethod
    def of(
        cls,
        size: np.ndarray,
        size_kind: SizeKind = SizeKind.SHARES,
        kind: OrderKind = OrderKind.MARKET,
    ) -> OrderArrays:
        """Orders of one size kind and order kind; `size` NaN where nothing is decided."""
        orders = cls.empty(size.shape)
        orders.size[:] = size
        orders.size_kind[:] = int(size_kind)
        orders.kind[:] = int(kind)
        return orders
