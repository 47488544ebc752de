"""ib_async's objects <-> Tetra's orders, states and fills.

Tetra's client order id travels as ``Order.orderRef`` (returned with open orders and
executions), since IB's own ``orderId`` comes from ``nextValidId`` per connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ib_async import (
    Contract,
    Crypto,
    LimitOrder,
    MarketOrder,
    Stock,
    StopLimitOrder,
    StopOrder,
    Trade,
)
from ib_async import Order as IbOrder

from tetra.execution.broker import BrokerOrder, BrokerRejected
from tetra.execution.orders import Fill, Order, OrderStatus, OrderType, Side, TimeInForce

S = OrderStatus
STATUSES: Mapping[str, OrderStatus] = {
    "PendingSubmit": S.SUBMITTED,
    "ApiPending": S.SUBMITTED,
    "PreSubmitted": S.ACCEPTED,
    "Submitted": S.ACCEPTED,
    "ApiUpdate": S.ACCEPTED,
    "PendingCancel": S.ACCEPTED,
    "Cancelled": S.CANCELLED,
    "ApiCancelled": S.CANCELLED,
    "Filled": S.FILLED,
    "Inactive": S.REJECTED,  # with error 201 (or another) saying why
    "ValidationError": S.REJECTED,
}
_TIF = {
    TimeInForce.DAY: "DAY",
    TimeInForce.GTC: "GTC",
    TimeInForce.IOC: "IOC",
    TimeInForce.OPG: "OPG",
}


def contract_for(symbol: str, crypto: bool, crypto_exchange: str) -> Contract:
    """Return the contract: a SMART-routed US stock, or a crypto pair on `crypto_exchange`."""
    return Crypto(symbol, crypto_exchange, "USD") if crypto else Stock(symbol, "SMART", "USD")


def ib_order(order: Order) -> IbOrder:
    """Return ib_async's order for `order`, tagged with its client order id."""
    if order.notional is not None:
        raise BrokerRejected(
            "IB orders here take a quantity; notional orders are not supported (refused before "
            "sending)",
            code="notional",
        )
    action, quantity = order.side.value.upper(), float(order.quantity)
    made: IbOrder
    if order.order_type is OrderType.MARKET:
        made = MarketOrder(action, quantity)
    elif order.order_type is OrderType.LIMIT:
        made = LimitOrder(action, quantity, float(order.limit_price or 0))
    elif order.order_type is OrderType.STOP:
        made = StopOrder(action, quantity, float(order.stop_price or 0))
    else:
        made = StopLimitOrder(
            action, quantity, float(order.limit_price or 0), float(order.stop_price or 0)
        )
    tif = _TIF.get(order.time_in_force)
    if tif is None:
        raise BrokerRejected(f"IB orders here take day, gtc, ioc or opg, not {order.time_in_force}")
    made.tif = tif
    made.orderRef = order.client_order_id
    return made


def broker_order(trade: Trade, reason: str = "") -> BrokerOrder:
    """Return Tetra's view of an ib_async `Trade`."""
    fills = tuple(fill_of(trade, f) for f in trade.fills)
    filled = sum((f.quantity for f in fills), Decimal(0))
    paid = sum((f.quantity * f.price for f in fills), Decimal(0))
    status = STATUSES.get(trade.orderStatus.status, S.ACCEPTED)
    if status is S.ACCEPTED and filled:
        status = S.PARTIALLY_FILLED  # IB keeps "Submitted" while part is filled
    return BrokerOrder(
        client_order_id=trade.order.orderRef,
        status=status,
        broker_order_id=str(trade.order.orderId),
        filled_quantity=filled,
        average_fill_price=paid / filled if filled else None,
        fills=fills,
        reason=reason,
        symbol=trade.contract.symbol,
        quantity=Decimal(repr(float(trade.order.totalQuantity))),
        side=Side.BUY.value if trade.order.action == "BUY" else Side.SELL.value,
    )


def fill_of(trade: Trade, fill: object) -> Fill:
    """Return Tetra's fill of one ib_async `Fill` (execution id, shares, price, commission)."""
    execution = fill.execution  # type: ignore[attr-defined]
    report = fill.commissionReport  # type: ignore[attr-defined]
    return Fill(
        execution.execId,
        trade.order.orderRef,
        Decimal(repr(float(execution.shares))),
        Decimal(repr(float(execution.price))),
        fill.time,  # type: ignore[attr-defined]
        Decimal(repr(float(report.commission or 0.0))),
    )
