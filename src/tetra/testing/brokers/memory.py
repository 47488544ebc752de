"""An in-memory broker with fault injection: the reference fake of `tetra.execution.Broker`.

It keeps orders by client order id like a venue does, fills market orders at once at the
price set for the symbol (all, or a fraction with `partial`), and queues events. Faults are
scripted per call (`script_submit`, `script_lookup`):

- ``"timeout_after_accept"``: the order is placed, then the call raises `BrokerUnknown`;
- ``"timeout_before_accept"``: nothing is placed, the call raises `BrokerUnknown`;
- ``"unavailable"``: nothing is placed, `BrokerUnavailable`;
- ``"reject"``: `BrokerRejected` (insufficient buying power).

`replace` cancels the original ("replaced by <id>") and places the replacement, as a venue
does; it takes its fault from the same script as `submit`.

`dedupe="account"` refuses a client id ever used (Alpaca); ``"open"`` only one in use by an
open order (Binance), so a resend of a filled order *would* duplicate it: the fault tests
count `orders_placed` per client id to prove the order manager never does that.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from tetra.core.clock import Clock
from tetra.execution.broker import (
    BrokerAccount,
    BrokerEvent,
    BrokerOrder,
    BrokerRejected,
    BrokerUnavailable,
    BrokerUnknown,
    Health,
)
from tetra.execution.orders import TERMINAL, Fill, Order, OrderStatus, OrderType, Side

__all__ = ["InMemoryBroker"]

S = OrderStatus
FRACTION = Decimal("1e-9")


@dataclass
class _Placed:
    order: Order
    broker_order_id: str
    status: OrderStatus = S.ACCEPTED
    fills: list[Fill] = field(default_factory=list)
    reason: str = ""

    @property
    def filled(self) -> Decimal:
        return sum((f.quantity for f in self.fills), Decimal(0))

    def view(self) -> BrokerOrder:
        filled = self.filled
        average = (
            sum((f.quantity * f.price for f in self.fills), Decimal(0)) / filled if filled else None
        )
        return BrokerOrder(
            self.order.client_order_id,
            self.status,
            self.broker_order_id,
            filled,
            average,
            tuple(self.fills),
            self.reason,
            self.order.symbol,
            self.order.quantity,
            self.order.side.value,
        )


def _for_notional(order: Order, price: Decimal) -> Decimal:
    """Return what a notional order buys at `price`, to 1e-9 (Alpaca's fractional precision)."""
    return (Decimal(order.notional or 0) / price).quantize(FRACTION, ROUND_DOWN)


class InMemoryBroker:
    """A broker in memory (see the module docstring)."""

    def __init__(
        self,
        clock: Clock,
        *,
        name: str = "memory",
        prices: dict[str, Decimal] | None = None,
        dedupe: str = "account",
        fill_market_orders: bool = True,
        partial: Decimal | None = None,
    ) -> None:
        self.name = name
        self.prices = dict(prices or {})
        self.dedupe = dedupe
        self.fill_market_orders = fill_market_orders
        self.partial = partial
        self.healthy = True
        self.orders_placed: Counter[str] = Counter()
        self.received: list[Order] = []  # every order that reached the venue, in order
        self._clock = clock
        self._orders: dict[str, _Placed] = {}
        self._history: list[_Placed] = []
        self._events: deque[BrokerEvent] = deque()
        self._submit_faults: deque[str] = deque()
        self._lookup_faults: deque[str] = deque()
        self._ids = itertools.count(1)
        self._executions = itertools.count(1)
        self._last_event: BrokerEvent | None = None
        self._reject_reason = "insufficient buying power"

    # -- scripting -------------------------------------------------------------------------

    def script_submit(self, *faults: str) -> None:
        """Make the next submits fail as listed (``"ok"`` for a normal one)."""
        self._submit_faults.extend(faults)

    def script_lookup(self, *faults: str) -> None:
        """Make the next lookups fail as listed (``"ok"`` for a normal one)."""
        self._lookup_faults.extend(faults)

    def fill(self, client_order_id: str, quantity: Decimal, price: Decimal) -> Fill:
        """Fill part of a working order (a partial fill) and queue its event."""
        return self._fill(self._orders[client_order_id], quantity, price)

    def placed(self, client_order_id: str) -> tuple[BrokerOrder, Order] | None:
        """Return the venue's view and the order as received, or None if never placed."""
        placed = self._orders.get(client_order_id)
        return None if placed is None else (placed.view(), placed.order)

    def all_placed(self) -> list[tuple[BrokerOrder, Order]]:
        """Return every order placed, oldest first, as in `placed`."""
        return [(p.view(), p.order) for p in self._history]

    def reject_next(self, reason: str = "insufficient buying power") -> None:
        """Make the next submit a refusal by the venue."""
        self._submit_faults.append("reject")
        self._reject_reason = reason

    def repeat_last_event(self) -> None:
        """Queue the last event again (a venue delivering it twice)."""
        if self._last_event is not None:
            self._events.append(self._last_event)

    # -- the port --------------------------------------------------------------------------

    def submit(self, order: Order) -> BrokerOrder:
        fault = self._submit_faults.popleft() if self._submit_faults else "ok"
        if fault == "unavailable":
            raise BrokerUnavailable(f"{self.name}: not connected")
        if fault == "timeout_before_accept":
            raise BrokerUnknown(f"{self.name}: read timeout")
        if fault == "reject":
            raise BrokerRejected(self._reject_reason, code="40310000")
        placed = self._place(order)
        if fault == "timeout_after_accept":
            raise BrokerUnknown(f"{self.name}: read timeout")
        return placed.view()

    def replace(self, order: Order, replacement: Order) -> BrokerOrder:
        fault = self._submit_faults.popleft() if self._submit_faults else "ok"
        if fault == "unavailable":
            raise BrokerUnavailable(f"{self.name}: not connected")
        if fault == "timeout_before_accept":
            raise BrokerUnknown(f"{self.name}: read timeout")
        if fault == "reject":
            raise BrokerRejected(self._reject_reason, code="40310000")
        placed = self.replace_at_venue(order.client_order_id, replacement)
        if fault == "timeout_after_accept":
            raise BrokerUnknown(f"{self.name}: read timeout")
        return placed.view()

    def replace_at_venue(self, client_order_id: str, replacement: Order) -> _Placed:
        """Cancel the working order `client_order_id` and place `replacement` (the venue)."""
        original = self._orders.get(client_order_id)
        if original is None or original.status in TERMINAL:
            raise BrokerRejected(f"order {client_order_id} is not open: cannot replace it")
        self._check_unique(replacement)
        self._finish(original, S.CANCELLED, f"replaced by {replacement.client_order_id}")
        return self._place(replacement)

    def cancel(self, order: Order) -> None:
        placed = self._orders.get(order.client_order_id)
        if placed is not None and placed.status not in TERMINAL:
            self._finish(placed, S.CANCELLED, "cancelled by request")

    def cancel_all(self) -> None:
        for placed in list(self._orders.values()):
            if placed.status not in TERMINAL:
                self._finish(placed, S.CANCELLED, "cancelled by cancel_all")

    def lookup(self, order: Order) -> BrokerOrder | None:
        fault = self._lookup_faults.popleft() if self._lookup_faults else "ok"
        if fault == "unavailable":
            raise BrokerUnavailable(f"{self.name}: not connected")
        if fault.startswith("timeout"):
            raise BrokerUnknown(f"{self.name}: read timeout")
        placed = self._orders.get(order.client_order_id)
        return None if placed is None else placed.view()

    def open_orders(self) -> list[BrokerOrder]:
        return [p.view() for p in self._orders.values() if p.status not in TERMINAL]

    def positions(self) -> dict[str, Decimal]:
        held: dict[str, Decimal] = {}
        for placed in self._history:
            sign = 1 if placed.order.side is Side.BUY else -1
            held[placed.order.symbol] = held.get(placed.order.symbol, Decimal(0)) + (
                sign * placed.filled
            )
        return {symbol: quantity for symbol, quantity in held.items() if quantity}

    def account(self) -> BrokerAccount:
        return BrokerAccount(Decimal(1_000_000), Decimal(1_000_000), Decimal(1_000_000))

    def events(self) -> list[BrokerEvent]:
        drained = list(self._events)
        self._events.clear()
        return drained

    def health(self) -> Health:
        reason = "" if self.healthy else "no heartbeat"
        return Health(self.healthy, reason, self._clock.now())

    # -- the venue -------------------------------------------------------------------------

    def _check_unique(self, order: Order) -> None:
        existing = self._orders.get(order.client_order_id)
        if existing is not None and (self.dedupe == "account" or existing.status not in TERMINAL):
            raise BrokerRejected("client_order_id must be unique", duplicate=True)

    def _place(self, order: Order) -> _Placed:
        self._check_unique(order)
        placed = _Placed(order, f"{self.name}-{next(self._ids)}")
        self._orders[order.client_order_id] = placed
        self._history.append(placed)
        self.orders_placed[order.client_order_id] += 1
        self.received.append(order)
        self._emit(placed, S.ACCEPTED)
        price = self.prices.get(order.symbol)
        if self.fill_market_orders and order.order_type is OrderType.MARKET and price is not None:
            quantity = order.quantity or _for_notional(order, price)
            share = quantity * self.partial if self.partial and order.quantity else quantity
            self._fill(placed, share, price)
        return placed

    def _fill(self, placed: _Placed, quantity: Decimal, price: Decimal) -> Fill:
        execution_id = f"{self.name}-x{next(self._executions)}"
        fill = Fill(execution_id, placed.order.client_order_id, quantity, price, self._clock.now())
        placed.fills.append(fill)
        done = placed.filled >= placed.order.quantity
        placed.status = S.FILLED if done else S.PARTIALLY_FILLED
        self._emit(placed, placed.status, fill)
        return fill

    def _finish(self, placed: _Placed, status: OrderStatus, reason: str) -> None:
        placed.status = status
        placed.reason = reason
        self._emit(placed, status)

    def _emit(self, placed: _Placed, status: OrderStatus, fill: Fill | None = None) -> None:
        event = BrokerEvent(
            placed.order.client_order_id,
            status,
            self._clock.now(),
            fill,
            placed.broker_order_id,
            placed.reason,
        )
        self._last_event = event
        self._events.append(event)
