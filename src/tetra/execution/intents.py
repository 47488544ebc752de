"""What the order manager asks the risk engine, and the fill it books for a broker's surplus.

`risk_intent` turns an order into the pre-trade engine's `OrderIntent`; a notional order is
checked as the quantity its amount buys at the book's last close, rounded up to the lot (so
the exposure checks never see less than the order can buy), or refused with the reason when
it cannot be sized. `missed_fill` is the fill reconciliation books when the broker reports
more filled than the journal holds, at the price that makes the broker's average.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tetra.execution.broker import BrokerOrder
from tetra.execution.orders import PRICE_QUANTUM, Fill, Order, OrderType
from tetra.risk.orders import OrderIntent
from tetra.risk.pretrade import PreTradeEngine
from tetra.risk.state import OrderAction


def risk_intent(order: Order, risk: PreTradeEngine) -> OrderIntent | str:
    """Return what the risk engine checks for `order`, or why a notional order cannot be sized."""
    if order.notional is None:
        return _intent(order, order.quantity)
    if order.notional <= 0:
        return f"notional must be positive, not {order.notional}"
    if order.order_type is not OrderType.MARKET:
        return f"notional orders are market orders here, not {order.order_type}"
    quantity = risk.quantity_for_notional(order.book, order.symbol, order.notional)
    if quantity is None:
        return f"no last close for {order.symbol} to size a notional order by"
    return _intent(order, quantity)


def _intent(order: Order, quantity: Decimal) -> OrderIntent:
    return OrderIntent(
        order.client_order_id,
        order.book,
        order.symbol,
        order.side,
        quantity,
        order.order_type,
        order.limit_price,
        order.stop_price,
        OrderAction.SUBMIT,
    )


def missed_fill(order: Order, view: BrokerOrder, missing: Decimal, at: dt.datetime) -> Fill:
    """Return the fill of what the broker filled beyond `order`'s fills, at the right price."""
    assert view.average_fill_price is not None
    ours = (order.average_fill_price or Decimal(0)) * order.filled_quantity
    price = (view.average_fill_price * view.filled_quantity - ours) / missing
    execution_id = f"{order.client_order_id}:reconciled:{view.filled_quantity.normalize()}"
    return Fill(execution_id, order.client_order_id, missing, price.quantize(PRICE_QUANTUM), at)
