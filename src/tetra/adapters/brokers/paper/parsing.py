"""Tetra's orders in the simulated exchange's vocabulary (its integer codes and floats)."""

from __future__ import annotations

from decimal import Decimal

from tetra.execution.orders import Order, OrderType, Side, TimeInForce
from tetra.market.orders import LIMIT, MARKET, MARKET_ON_CLOSE, MARKET_ON_OPEN, STOP, STOP_LIMIT

PRICE_QUANTUM = Decimal("1e-6")

_KINDS = {
    OrderType.MARKET: MARKET,
    OrderType.LIMIT: LIMIT,
    OrderType.STOP: STOP,
    OrderType.STOP_LIMIT: STOP_LIMIT,
}


def kind_code(order: Order) -> int:
    """Return the exchange's order kind: opg and cls market orders fill at the open/close."""
    if order.order_type is OrderType.MARKET and order.time_in_force is TimeInForce.OPG:
        return MARKET_ON_OPEN
    if order.order_type is OrderType.MARKET and order.time_in_force is TimeInForce.CLS:
        return MARKET_ON_CLOSE
    return _KINDS[order.order_type]


def side_sign(order: Order) -> float:
    """Return +1 for buys, -1 for sells."""
    return 1.0 if order.side is Side.BUY else -1.0


def price_or_nan(value: Decimal | None) -> float:
    """Return a price for the kernels (NaN when absent)."""
    return float(value) if value is not None else float("nan")


def exact(value: float) -> Decimal:
    """Return a kernel's float price as an exact Decimal at a fixed precision."""
    return Decimal(repr(value)).quantize(PRICE_QUANTUM)
