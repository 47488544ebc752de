"""`FakeIB`: ib_async's ``IB`` surface at our port, emitting ib_async's own objects.

There is no maintained fake TWS (ib_async's tests need a live gateway), so this fakes the
``IB`` object the adapter calls, not the socket protocol: `placeOrder` returns a real
``ib_async.Trade`` and walks it through IB's usual sequence (PendingSubmit -> PreSubmitted ->
Submitted -> Filled, each on ``orderStatusEvent``, fills on ``execDetailsEvent`` with an
``Execution`` and ``CommissionReport``); a refusal is ``Inactive`` after ``errorEvent`` 201;
`lose_connection` / `restore` send 1100 and 1102. Placing an order whose ``orderId`` is
already working modifies it, as TWS does (the trade keeps its fills and takes the new
order's fields; a market order then fills). Order ids grow per connection like
``nextValidId``. What it cannot show: the wire protocol, pacing, and TWS's own quirks; a
real-gateway check stays optional.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import deque

from eventkit import Event  # type: ignore[import-untyped]
from ib_async import (
    AccountValue,
    CommissionReport,
    Contract,
    Execution,
    Fill,
    OrderStatus,
    Position,
    Trade,
)
from ib_async import Order as IbOrder

from tetra.core.clock import Clock

__all__ = ["FakeIB"]


class FakeIB:
    """ib_async's IB, in memory (see the module docstring)."""

    def __init__(self, clock: Clock) -> None:
        self.prices: dict[str, float] = {}
        self.errorEvent = Event("errorEvent")
        self.orderStatusEvent = Event("orderStatusEvent")
        self.execDetailsEvent = Event("execDetailsEvent")
        self.disconnectedEvent = Event("disconnectedEvent")
        self.global_cancels = 0
        self._clock = clock
        self._connected = True
        self._trades: list[Trade] = []
        self._held: dict[str, float] = {}
        self._ids = itertools.count(1)
        self._exec_ids = itertools.count(1)
        self._rejections: deque[str] = deque()

    # -- scripting -------------------------------------------------------------------------

    def reject_next(self, reason: str = "insufficient buying power") -> None:
        """Make the next order Inactive after error 201."""
        self._rejections.append(reason)

    def fill(self, order_ref: str, shares: float, price: float) -> None:
        """Fill part of a working order."""
        trade = next(t for t in self._trades if t.order.orderRef == order_ref)
        self._execute(trade, shares, price)

    def lose_connection(self) -> None:
        self.errorEvent.emit(
            -1, 1100, "Connectivity between IB and Trader Workstation has been lost.", None
        )

    def restore(self, code: int = 1102) -> None:
        self.errorEvent.emit(
            -1, code, "Connectivity between IB and TWS has been restored - data maintained.", None
        )

    def disconnect(self) -> None:
        self._connected = False
        self.disconnectedEvent.emit()

    # -- ib_async's IB ---------------------------------------------------------------------

    def isConnected(self) -> bool:  # noqa: N802
        return self._connected

    def placeOrder(self, contract: Contract, order: IbOrder) -> Trade:  # noqa: N802
        working = next((t for t in self._trades if order.orderId and
                        t.order.orderId == order.orderId), None)  # fmt: skip
        if working is not None:
            return self._modify(working, order)
        order.orderId = next(self._ids)
        trade = Trade(contract, order, OrderStatus(orderId=order.orderId, status="PendingSubmit",
                                                   remaining=order.totalQuantity))  # fmt: skip
        self._trades.append(trade)
        if self._rejections:
            reason = self._rejections.popleft()
            self.errorEvent.emit(order.orderId, 201, f"Order rejected - reason:{reason}", contract)
            return self._status(trade, "Inactive")
        self._status(trade, "PreSubmitted")
        self._status(trade, "Submitted")
        price = self.prices.get(contract.symbol)
        if order.orderType == "MKT" and price is not None:
            self._execute(trade, order.totalQuantity, price)
        return trade

    def cancelOrder(self, order: IbOrder) -> None:  # noqa: N802
        for trade in self._trades:
            if trade.order.orderId == order.orderId and not trade.isDone():
                self._status(trade, "PendingCancel")
                self.errorEvent.emit(order.orderId, 202, "Order Canceled - reason:", trade.contract)
                self._status(trade, "Cancelled")

    def reqGlobalCancel(self) -> None:  # noqa: N802
        self.global_cancels += 1
        for trade in self.openTrades():
            self.cancelOrder(trade.order)

    def trades(self) -> list[Trade]:
        return list(self._trades)

    def openTrades(self) -> list[Trade]:  # noqa: N802
        return [t for t in self._trades if not t.isDone()]

    def positions(self, account: str = "") -> list[Position]:
        return [Position("DU000000", Contract(symbol=s, secType="STK"), q, 0.0)
                for s, q in self._held.items() if q]  # fmt: skip

    def accountSummary(self, account: str = "") -> list[AccountValue]:  # noqa: N802
        return [AccountValue("DU000000", tag, "1000000", "USD", "")
                for tag in ("NetLiquidation", "TotalCashValue", "BuyingPower")]  # fmt: skip

    # -- the venue -------------------------------------------------------------------------

    def _modify(self, trade: Trade, order: IbOrder) -> Trade:
        if trade.isDone():  # TWS: error 104, "Can't modify a filled order"
            self.errorEvent.emit(order.orderId, 104, "Can't modify a filled order.", trade.contract)
            return trade
        trade.order = order
        trade.orderStatus.remaining = order.totalQuantity - trade.orderStatus.filled
        self._status(trade, "Submitted")
        price = self.prices.get(trade.contract.symbol)
        if order.orderType == "MKT" and price is not None:
            self._execute(trade, trade.orderStatus.remaining, price)
        return trade

    def _status(self, trade: Trade, status: str) -> Trade:
        trade.orderStatus.status = status
        self.orderStatusEvent.emit(trade)
        return trade

    def _execute(self, trade: Trade, shares: float, price: float) -> None:
        exec_id = f"0000e0d5.{next(self._exec_ids):08d}.01.01"
        now = self._clock.now().astimezone(dt.UTC)
        filled = trade.orderStatus.filled + shares
        execution = Execution(
            execId=exec_id, time=now, acctNumber="DU000000", exchange="ISLAND",
            side="BOT" if trade.order.action == "BUY" else "SLD", shares=shares, price=price,
            orderId=trade.order.orderId, cumQty=filled, avgPrice=price,
            orderRef=trade.order.orderRef,
        )  # fmt: skip
        fill = Fill(trade.contract, execution, CommissionReport(execId=exec_id, commission=1.0,
                                                               currency="USD"), now)  # fmt: skip
        trade.fills.append(fill)
        sign = 1.0 if trade.order.action == "BUY" else -1.0
        self._held[trade.contract.symbol] = (
            self._held.get(trade.contract.symbol, 0.0) + sign * shares
        )
        trade.orderStatus.filled = filled
        trade.orderStatus.remaining = trade.order.totalQuantity - filled
        trade.orderStatus.status = "Filled" if trade.orderStatus.remaining <= 0 else "Submitted"
        self.execDetailsEvent.emit(trade, fill)
        self.orderStatusEvent.emit(trade)
