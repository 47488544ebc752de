"""`IbkrBroker`: Interactive Brokers through ib_async, behind the broker port.

It takes a connected ``ib_async.IB`` (or anything with its surface: `tetra.testing.brokers.
FakeIB` in tests; ib_async's own tests need a live TWS, and no mature fake gateway exists).
Tetra's client order id is ``Order.orderRef``; an order is found again by it among the
session's trades and the completed orders. Errors from ``errorEvent``:

- 1100 (connectivity lost): unhealthy, sends refused, until 1101/1102 (restored); then
  `on_reconnect` runs (reconcile there; 1101 also means market data must be resubscribed);
- 201 and other order errors: the reason of that order's rejection;
- 2104/2106/2158 (farms OK) and 202 (cancel confirmed) are information, not failures.

A replace modifies the working order in place, as IB wants: the same ``orderId`` placed again
with the new quantity, prices and time in force, and ``orderRef`` set to the replacement's
client order id, so lookups and events follow the replacement (and the original is no longer
found: the order manager cancels it on its side). IB's ``totalQuantity`` counts what already
filled; the order manager replaces only orders with nothing filled, so the two agree.

`cancel_all` is ``reqGlobalCancel`` (the kill switch): it also cancels orders placed in TWS.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ib_async import IB, Trade

from tetra.adapters.brokers.ibkr.config import IbkrConfig
from tetra.adapters.brokers.ibkr.parsing import (
    STATUSES,
    broker_order,
    contract_for,
    fill_of,
    ib_order,
)
from tetra.core.clock import Clock
from tetra.core.telemetry import telemetry
from tetra.execution.broker import (
    BrokerAccount,
    BrokerEvent,
    BrokerOrder,
    BrokerRejected,
    BrokerUnavailable,
    Health,
)
from tetra.execution.orders import Order, OrderStatus

INFORMATION = frozenset({202, 2104, 2106, 2107, 2108, 2158})
LOST, RESTORED = 1100, frozenset({1101, 1102})
_AMENDABLE = ("orderType", "totalQuantity", "lmtPrice", "auxPrice", "tif", "orderRef")


class IbkrBroker:
    """One IB account over one API connection (see the module docstring)."""

    def __init__(
        self,
        ib: IB,
        clock: Clock,
        config: IbkrConfig | None = None,
        *,
        crypto: frozenset[str] = frozenset(),
        on_reconnect: Callable[[], None] | None = None,
    ) -> None:
        self.config = config or IbkrConfig()
        self.name = self.config.name
        self.ib = ib
        self.on_reconnect = on_reconnect
        self._clock = clock
        self._crypto = crypto
        self._events: deque[BrokerEvent] = deque()
        self._seen: set[str] = set()
        self._reasons: dict[int, str] = {}
        self._lost = ""
        ib.errorEvent += self._on_error
        ib.orderStatusEvent += self._on_status
        ib.execDetailsEvent += self._on_execution
        ib.disconnectedEvent += self._on_disconnect

    # -- the port --------------------------------------------------------------------------

    def submit(self, order: Order) -> BrokerOrder:
        if not self.ib.isConnected() or self._lost:
            raise BrokerUnavailable(f"ibkr: {self._lost or 'not connected'}")
        if self._trade(order.client_order_id) is not None:
            raise BrokerRejected("orderRef already used", duplicate=True)
        contract = contract_for(
            order.symbol, order.symbol in self._crypto, self.config.crypto_exchange
        )
        trade = self.ib.placeOrder(contract, ib_order(order))
        view = broker_order(trade, self._reasons.get(trade.order.orderId, ""))
        if view.status is OrderStatus.REJECTED:  # refused at once (201); later ones are events
            raise BrokerRejected(view.reason or "rejected by IB", code="201")
        return view

    def replace(self, order: Order, replacement: Order) -> BrokerOrder:
        if not self.ib.isConnected() or self._lost:
            raise BrokerUnavailable(f"ibkr: {self._lost or 'not connected'}")
        if self._trade(replacement.client_order_id) is not None:
            raise BrokerRejected("orderRef already used", duplicate=True)
        trade = self._trade(order.client_order_id)
        if trade is None or trade.isDone():
            raise BrokerRejected(f"ibkr has no working order {order.client_order_id} to modify")
        amended = ib_order(replacement)
        for name in _AMENDABLE:  # ib_async's way: change the trade's order, place it again
            setattr(trade.order, name, getattr(amended, name))
        trade = self.ib.placeOrder(trade.contract, trade.order)
        view = broker_order(trade, self._reasons.get(trade.order.orderId, ""))
        if view.status is OrderStatus.REJECTED:
            raise BrokerRejected(view.reason or "modification rejected by IB", code="201")
        return view

    def cancel(self, order: Order) -> None:
        trade = self._trade(order.client_order_id)
        if trade is not None and not trade.isDone():
            self.ib.cancelOrder(trade.order)

    def cancel_all(self) -> None:
        self.ib.reqGlobalCancel()  # type: ignore[no-untyped-call]

    def lookup(self, order: Order) -> BrokerOrder | None:
        trade = self._trade(order.client_order_id)
        if trade is None:
            return None
        return broker_order(trade, self._reasons.get(trade.order.orderId, ""))

    def open_orders(self) -> list[BrokerOrder]:
        return [broker_order(t) for t in self.ib.openTrades()]

    def positions(self) -> dict[str, Decimal]:
        return {
            p.contract.symbol: Decimal(repr(float(p.position)))
            for p in self.ib.positions(self.config.account)
            if p.position
        }

    def account(self) -> BrokerAccount:
        values = {v.tag: v.value for v in self.ib.accountSummary(self.config.account)}
        return BrokerAccount(
            Decimal(values.get("TotalCashValue", "0")),
            Decimal(values.get("NetLiquidation", "0")),
            Decimal(values.get("BuyingPower", "0")),
        )

    def events(self) -> list[BrokerEvent]:
        drained = list(self._events)
        self._events.clear()
        return drained

    def health(self) -> Health:
        if not self.ib.isConnected():
            return Health(False, "ibkr: not connected to TWS / IB Gateway")
        if self._lost:
            return Health(False, f"ibkr: {self._lost}")
        return Health(True)

    # -- ib_async's events -----------------------------------------------------------------

    def _trade(self, client_order_id: str) -> Trade | None:
        for trade in self.ib.trades():
            if trade.order.orderRef == client_order_id:
                return trade
        return None

    def _on_error(self, req_id: int, code: int, message: str, contract: Any = None) -> None:
        if code in INFORMATION:
            return
        if code == LOST:
            self._lost = f"connectivity lost (1100): {message}"
            return
        if code in RESTORED:
            self._lost = ""
            telemetry().increment("tetra_broker_reconnects", {"broker": self.name})
            if self.on_reconnect is not None:
                self.on_reconnect()
            return
        if req_id > 0:
            self._reasons[req_id] = f"{code}: {message}"

    def _on_disconnect(self) -> None:
        self._lost = "disconnected from TWS / IB Gateway"

    def _on_status(self, trade: Trade) -> None:
        status = STATUSES.get(trade.orderStatus.status)
        if status is None or not trade.order.orderRef:
            return
        reason = self._reasons.get(trade.order.orderId, "")
        self._events.append(
            BrokerEvent(trade.order.orderRef, status, self._clock.now(), None,
                        str(trade.order.orderId), reason)
        )  # fmt: skip

    def _on_execution(self, trade: Trade, fill: Any) -> None:
        booked = fill_of(trade, fill)
        if booked.execution_id in self._seen or not trade.order.orderRef:
            return
        self._seen.add(booked.execution_id)
        status = STATUSES.get(trade.orderStatus.status, STATUSES["Submitted"])
        self._events.append(
            BrokerEvent(trade.order.orderRef, status, booked.at, booked, str(trade.order.orderId))
        )
