"""The order model and its state machine: one order type for every broker.

Quantities and prices are `Decimal`. An `Order` is a frozen value: `Order.moved` returns the
next one (or raises `IllegalTransition`), `Order.filled_by` folds in a fill. The allowed
moves are the table `TRANSITIONS`; terminal states have no way out:

    new --> submitted --> accepted --> partially_filled --> filled
      |        |            |                 |--> cancelled / expired
      |        |            '--> cancelled / expired / rejected
      |        '--> unknown (a timeout or a 5xx): looked up, never blindly resent
      |--> rejected (denied before sending: risk, health, bad input)
      '--> unknown (found after a crash, the broker cannot be asked yet)

`unknown` leaves by whatever the broker says on lookup, or back to `submitted` when the broker
has never seen the order (resent under the same client order id, which the broker dedupes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from tetra.core.errors import TetraError, ValidationError
from tetra.risk.orders import OrderType, Side

__all__ = [
    "TERMINAL",
    "TRANSITIONS",
    "Fill",
    "IllegalTransition",
    "Order",
    "OrderRequest",
    "OrderStatus",
    "OrderType",
    "Side",
    "TimeInForce",
]


class OrderStatus(StrEnum):
    NEW = "new"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


class TimeInForce(StrEnum):
    DAY = "day"
    GTC = "gtc"
    IOC = "ioc"
    OPG = "opg"
    CLS = "cls"


S = OrderStatus
PRICE_QUANTUM = Decimal("1e-12")  # the store keeps numeric(38, 12)
TERMINAL = frozenset({S.FILLED, S.CANCELLED, S.REJECTED, S.EXPIRED})
_BROKER_OUTCOMES = frozenset({S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED, S.CANCELLED, S.EXPIRED})
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.NEW: frozenset({S.SUBMITTED, S.REJECTED, S.UNKNOWN}),
    S.SUBMITTED: _BROKER_OUTCOMES | {S.REJECTED, S.UNKNOWN},
    S.UNKNOWN: _BROKER_OUTCOMES | {S.REJECTED, S.SUBMITTED, S.UNKNOWN},
    S.ACCEPTED: frozenset({S.PARTIALLY_FILLED, S.FILLED, S.CANCELLED, S.EXPIRED, S.REJECTED}),
    S.PARTIALLY_FILLED: frozenset({S.PARTIALLY_FILLED, S.FILLED, S.CANCELLED, S.EXPIRED}),
    **{terminal: frozenset() for terminal in TERMINAL},
}


class IllegalTransition(TetraError):
    """A state change the order state machine does not allow (a bug or a broker's oddity)."""


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """What a book asks for; the order manager turns it into an `Order` with a client id."""

    book: str
    symbol: str
    side: Side
    quantity: Decimal
    order_type: OrderType = OrderType.MARKET
    time_in_force: TimeInForce = TimeInForce.DAY
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution: `quantity` (positive) at `price`, identified by the broker's id."""

    execution_id: str
    client_order_id: str
    quantity: Decimal
    price: Decimal
    at: dt.datetime
    commission: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.quantity <= 0 or self.price <= 0:
            raise ValidationError(
                f"fill {self.execution_id}: quantity {self.quantity} and price {self.price} "
                "must be positive"
            )


@dataclass(frozen=True, slots=True)
class Order:
    """An order with its client id, broker, latest state and what has filled so far."""

    client_order_id: str
    book: str
    broker: str
    symbol: str
    side: Side
    quantity: Decimal
    order_type: OrderType
    time_in_force: TimeInForce
    created_at: dt.datetime
    updated_at: dt.datetime
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    status: OrderStatus = OrderStatus.NEW
    broker_order_id: str | None = None
    filled_quantity: Decimal = Decimal(0)
    average_fill_price: Decimal | None = None
    reason: str = ""
    sequence: int = 0  # state changes so far; numbers the journal's events

    @classmethod
    def from_request(
        cls, request: OrderRequest, client_order_id: str, broker: str, at: dt.datetime
    ) -> Order:
        """Return a new order for `request`."""
        return cls(
            client_order_id,
            request.book,
            broker,
            request.symbol,
            request.side,
            request.quantity,
            request.order_type,
            request.time_in_force,
            at,
            at,
            request.limit_price,
            request.stop_price,
        )

    @property
    def is_open(self) -> bool:
        """Whether the order may still fill (any non-terminal state)."""
        return self.status not in TERMINAL

    @property
    def remaining(self) -> Decimal:
        """Return the quantity not filled yet."""
        return self.quantity - self.filled_quantity

    @property
    def signed_quantity(self) -> Decimal:
        """Return the quantity, negative for sells."""
        return self.quantity if self.side is Side.BUY else -self.quantity

    def moved(self, status: OrderStatus, at: dt.datetime, reason: str = "") -> Order:
        """Return the order in `status`; raise `IllegalTransition` if the table forbids it."""
        if status not in TRANSITIONS[self.status]:
            raise IllegalTransition(
                f"order {self.client_order_id}: {self.status} -> {status} is not allowed"
            )
        return replace(
            self,
            status=status,
            updated_at=at,
            reason=reason or self.reason,
            sequence=self.sequence + 1,
        )

    def filled_by(self, fill: Fill) -> Order:
        """Return the order after `fill`: quantities, average price and (partially) filled."""
        if fill.quantity > self.remaining:
            raise ValidationError(
                f"order {self.client_order_id}: fill {fill.execution_id} of {fill.quantity} "
                f"exceeds the remaining {self.remaining}"
            )
        filled = self.filled_quantity + fill.quantity
        paid = (self.average_fill_price or Decimal(0)) * self.filled_quantity
        average = ((paid + fill.price * fill.quantity) / filled).quantize(PRICE_QUANTUM)
        status = S.FILLED if filled == self.quantity else S.PARTIALLY_FILLED
        moved = self.moved(status, fill.at)
        return replace(moved, filled_quantity=filled, average_fill_price=average)
