"""Alpaca's trading API v2 wire format <-> Tetra's orders, states and symbols.

Symbols: Tetra says ``BTC``; Alpaca orders and assets say ``BTC/USD`` and its positions
``BTCUSD``; `to_alpaca` and `from_alpaca` normalise at this boundary. Numbers arrive as
strings and are read as `Decimal`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tetra.execution.broker import BrokerEvent, BrokerOrder, BrokerRejected
from tetra.execution.orders import Fill, Order, OrderStatus, OrderType, TimeInForce

S = OrderStatus

STATUSES: Mapping[str, OrderStatus] = {
    "new": S.ACCEPTED,
    "accepted": S.ACCEPTED,
    "pending_new": S.SUBMITTED,
    "accepted_for_bidding": S.ACCEPTED,
    "held": S.ACCEPTED,
    "calculated": S.ACCEPTED,
    "pending_cancel": S.ACCEPTED,
    "pending_replace": S.ACCEPTED,
    "stopped": S.ACCEPTED,
    "suspended": S.ACCEPTED,
    "partially_filled": S.PARTIALLY_FILLED,
    "filled": S.FILLED,
    "done_for_day": S.EXPIRED,
    "canceled": S.CANCELLED,
    "expired": S.EXPIRED,
    "replaced": S.CANCELLED,
    "rejected": S.REJECTED,
}
EVENTS: Mapping[str, OrderStatus] = {
    **STATUSES,
    "fill": S.FILLED,
    "partial_fill": S.PARTIALLY_FILLED,
    "restated": S.ACCEPTED,
}


def to_alpaca(symbol: str, crypto: bool) -> str:
    """Return Alpaca's order symbol: ``BTC`` -> ``BTC/USD`` for crypto, equities unchanged."""
    return f"{symbol}/USD" if crypto and "/" not in symbol else symbol


def from_alpaca(symbol: str, crypto: frozenset[str] = frozenset()) -> str:
    """Return Tetra's symbol from ``BTC/USD`` (orders), ``BTCUSD`` (positions) or ``SPY``."""
    if "/" in symbol:
        base, quote = symbol.split("/", 1)
        return base if quote == "USD" else symbol
    if symbol.endswith("USD") and symbol.removesuffix("USD") in crypto:
        return symbol.removesuffix("USD")
    return symbol


def order_body(order: Order, crypto: bool) -> dict[str, Any]:
    """Return the POST /v2/orders body; quantities and prices as strings."""
    body: dict[str, Any] = {
        "symbol": to_alpaca(order.symbol, crypto),
        **_size(order, crypto),
        "side": order.side.value,
        "type": order.order_type.value,
        "time_in_force": order.time_in_force.value,
        "client_order_id": order.client_order_id,
    }
    if order.order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT):
        body["limit_price"] = f"{order.limit_price:f}"
    if order.order_type in (OrderType.STOP, OrderType.STOP_LIMIT):
        body["stop_price"] = f"{order.stop_price:f}"
    return body


def _size(order: Order, crypto: bool) -> dict[str, str]:
    """Return ``qty``, or ``notional`` where Alpaca takes it: market orders, day (equities)
    or gtc/ioc (crypto); anything else is refused before sending."""
    if order.notional is None:
        return {"qty": f"{order.quantity:f}"}
    allowed = (TimeInForce.GTC, TimeInForce.IOC) if crypto else (TimeInForce.DAY,)
    if order.order_type is not OrderType.MARKET or order.time_in_force not in allowed:
        kinds = "gtc or ioc" if crypto else "day"
        raise BrokerRejected(
            f"Alpaca takes notional orders as market orders with time in force {kinds}, "
            f"not {order.order_type} {order.time_in_force} (refused before sending)",
            code="notional",
        )
    return {"notional": f"{order.notional:f}"}


def replace_body(replacement: Order) -> dict[str, Any]:
    """Return the PATCH /v2/orders/{id} body: the fields Alpaca lets a replace change."""
    body: dict[str, Any] = {
        "qty": f"{replacement.quantity:f}",
        "time_in_force": replacement.time_in_force.value,
        "client_order_id": replacement.client_order_id,
    }
    if replacement.limit_price is not None:
        body["limit_price"] = f"{replacement.limit_price:f}"
    if replacement.stop_price is not None:
        body["stop_price"] = f"{replacement.stop_price:f}"
    return body


def broker_order(payload: Mapping[str, Any]) -> BrokerOrder:
    """Return Tetra's view of an Alpaca order object."""
    average = payload.get("filled_avg_price")
    return BrokerOrder(
        client_order_id=str(payload["client_order_id"]),
        status=STATUSES.get(str(payload["status"]), S.ACCEPTED),
        broker_order_id=str(payload["id"]),
        filled_quantity=Decimal(str(payload.get("filled_qty") or "0")),
        average_fill_price=Decimal(str(average)) if average else None,
        symbol=from_alpaca(str(payload["symbol"])),
        quantity=Decimal(str(payload.get("qty") or "0")),
        side=str(payload.get("side", "")),
        reason=_reason(payload),
    )


def _reason(payload: Mapping[str, Any]) -> str:
    status = payload.get("status")
    if status == "replaced":
        return f"replaced by {payload.get('replaced_by') or 'a new order'}"
    return "rejected" if status == "rejected" else ""


def trade_update(data: Mapping[str, Any]) -> BrokerEvent | None:
    """Return the event of one ``trade_updates`` message's data, or None if not an order's."""
    order = data.get("order")
    event = str(data.get("event", ""))
    if not isinstance(order, Mapping) or event not in EVENTS:
        return None
    at = _instant(str(data.get("timestamp") or order.get("updated_at")))
    fill = None
    if event in ("fill", "partial_fill"):
        fill = Fill(
            execution_id=str(data["execution_id"]),
            client_order_id=str(order["client_order_id"]),
            quantity=Decimal(str(data["qty"])),
            price=Decimal(str(data["price"])),
            at=at,
        )
    return BrokerEvent(
        str(order["client_order_id"]), EVENTS[event], at, fill, str(order.get("id", "")), event
    )


def _instant(text: str) -> dt.datetime:
    stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
