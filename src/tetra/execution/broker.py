"""The broker port: what the order manager needs from paper, Alpaca, Binance and IB.

Every adapter (``tetra.adapters.brokers.<name>.execution``) implements `Broker` and passes the
one contract suite in ``tests/contract/test_broker_contract.py``. The contract:

- `submit(order)` sends a new order under `order.client_order_id` and returns the broker's
  view (`BrokerOrder`). It raises `BrokerRejected` when the broker refused it for sure (the
  order does not exist there), `BrokerUnknown` when the outcome is unknown (a timeout, a 5xx,
  Binance -1007: the order may exist), and `BrokerUnavailable` when nothing was sent (no
  connection). Submitting a client id the broker already holds must never create a second
  order: the adapter returns the existing order or raises `BrokerRejected` with
  ``duplicate=True``.
- `cancel(order)` asks to cancel; the outcome arrives as an event or on lookup. Cancelling an
  order that is already done is not an error (the adapter returns quietly).
- `replace(order, replacement)` amends the working `order` into `replacement` (a new client
  order id; quantity, prices or time in force changed) and returns the broker's view of the
  replacement. Alpaca: PATCH, which makes a new order and leaves the old one ``replaced``;
  Binance: cancelReplace (cancel, then new); IB: placeOrder under the same order id; paper:
  cancel and place. Errors as for `submit`: `BrokerRejected` when the broker refused (the
  original may still work, or, on Binance's partial failure, be cancelled: look it up),
  `BrokerUnknown` when the outcome is unknown (look the replacement up by its client id).
- `lookup(order)` returns the broker's view of the order of `order.client_order_id` with
  every fill it knows, or None if the broker has never seen it. It raises `BrokerUnknown`
  or `BrokerUnavailable` when it cannot tell.
- `open_orders()` and `positions()` are the broker's current truth, in Tetra's symbols;
  `account()` its balances.
- `events()` drains the order events (acks, fills, cancels, rejects) received since the last
  call, oldest first; an adapter drops exact duplicates by execution id, but the order manager
  dedupes again, so delivering one twice is harmless.
- `health()` says whether the connection is alive and heartbeats are fresh; the order manager
  refuses to send through an unhealthy broker, with the reason.
- `cancel_all()` cancels every open order of the account at once (the kill switch).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, runtime_checkable

from tetra.core.errors import TetraError
from tetra.execution.orders import Fill, Order, OrderStatus

__all__ = [
    "Broker",
    "BrokerAccount",
    "BrokerError",
    "BrokerEvent",
    "BrokerOrder",
    "BrokerRejected",
    "BrokerUnavailable",
    "BrokerUnknown",
    "Health",
]


class BrokerError(TetraError):
    """A broker call failed; the subclass says what is known about the order."""


class BrokerRejected(BrokerError):
    """The broker refused the request: the order does not exist there. Not retried."""

    def __init__(self, reason: str, *, code: str = "", duplicate: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.duplicate = duplicate


class BrokerUnknown(BrokerError):
    """The outcome is unknown (timeout, 5xx): look the order up before doing anything else."""


class BrokerUnavailable(BrokerError):
    """Nothing reached the broker (no connection, 429 before sending): safe to try later."""


@dataclass(frozen=True, slots=True)
class BrokerOrder:
    """The broker's view of one order, in Tetra's vocabulary and symbols."""

    client_order_id: str
    status: OrderStatus
    broker_order_id: str = ""
    filled_quantity: Decimal = Decimal(0)
    average_fill_price: Decimal | None = None
    fills: Sequence[Fill] = ()
    reason: str = ""
    symbol: str = ""
    quantity: Decimal = Decimal(0)
    side: str = ""


@dataclass(frozen=True, slots=True)
class BrokerEvent:
    """Something happened to an order: a new state, maybe with the fill that caused it."""

    client_order_id: str
    status: OrderStatus
    at: dt.datetime
    fill: Fill | None = None
    broker_order_id: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class BrokerAccount:
    """Balances as the broker reports them."""

    cash: Decimal
    equity: Decimal
    buying_power: Decimal
    currency: str = "USD"
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class Health:
    """Whether trading through the broker is safe now, and if not, why."""

    healthy: bool
    reason: str = ""
    last_heartbeat: dt.datetime | None = None
    details: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class Broker(Protocol):
    """One broker account (see the module docstring for the contract)."""

    name: str

    def submit(self, order: Order) -> BrokerOrder: ...

    def cancel(self, order: Order) -> None: ...

    def replace(self, order: Order, replacement: Order) -> BrokerOrder: ...

    def cancel_all(self) -> None: ...

    def lookup(self, order: Order) -> BrokerOrder | None: ...

    def open_orders(self) -> list[BrokerOrder]: ...

    def positions(self) -> dict[str, Decimal]: ...

    def account(self) -> BrokerAccount: ...

    def events(self) -> list[BrokerEvent]: ...

    def health(self) -> Health: ...
