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

A notional order (`notional` set, `quantity` 0 until it fills) spends an amount of the quote
currency instead of buying a quantity: the venue picks the quantity (Alpaca ``notional``,
Binance ``quoteOrderQty``, paper at the latest price), so fills leave it partially filled
until the broker says it is filled; its `quantity` is then what filled.

A replace (amend) is a new order: the replacement gets its own client order id and
``replaces`` the original, which keeps working, marked ``replaced_by`` (a pending replace),
until the broker takes the replacement (the original is then cancelled, "replaced by ...")
or refuses it (the mark is cleared). No tenth state: until the venue acts, the original can
still fill, so it stays in the state it is in (Alpaca's ``pending_replace`` is "accepted").
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
    "Amendment",
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
_LIMITED = frozenset({OrderType.LIMIT, OrderType.STOP_LIMIT})
_STOPPED = frozenset({OrderType.STOP, OrderType.STOP_LIMIT})
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
    client_order_id: str | None = None  # given: an idempotency key (see OrderManager.submit)
    notional: Decimal | None = None  # spend this much instead of a quantity (market orders)
    decision_price: Decimal | None = None  # the price it was decided at (slippage is against it)


@dataclass(frozen=True, slots=True)
class Amendment:
    """What a replace changes; None keeps the working order's value."""

    quantity: Decimal | None = None
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    time_in_force: TimeInForce | None = None


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
    replaces: str | None = None  # the client order id this one replaces
    replaced_by: str | None = None  # a replacement sent for this order (pending or done)
    notional: Decimal | None = None  # a notional order: quantity is 0 until it has filled
    decision_price: Decimal | None = None  # the price it was decided at, booked with its fills

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
            Decimal(0) if request.notional is not None else request.quantity,
            request.order_type,
            request.time_in_force,
            at,
            at,
            request.limit_price,
            request.stop_price,
            notional=request.notional,
            decision_price=request.decision_price,
        )

    @property
    def is_open(self) -> bool:
        """Whether the order may still fill (any non-terminal state)."""
        return self.status not in TERMINAL

    @property
    def pending_replace(self) -> bool:
        """Whether a replacement was sent and this order is still working."""
        return self.replaced_by is not None and self.is_open

    @property
    def remaining(self) -> Decimal:
        """Return the quantity not filled yet (unbounded for a notional order still open)."""
        if self.notional is not None and self.is_open:
            return Decimal("Infinity")
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

    def replaced_with(self, amend: Amendment, client_order_id: str, at: dt.datetime) -> Order:
        """Return the replacement order (state new) or raise `ValidationError` saying why not."""
        self._check_replaceable(amend)
        return replace(
            self, client_order_id=client_order_id, created_at=at, updated_at=at,
            status=S.NEW, broker_order_id=None, filled_quantity=Decimal(0),
            average_fill_price=None, reason="", sequence=0, replaces=self.client_order_id,
            replaced_by=None, quantity=amend.quantity or self.quantity,
            limit_price=amend.limit_price or self.limit_price,
            stop_price=amend.stop_price or self.stop_price,
            time_in_force=amend.time_in_force or self.time_in_force,
        )  # fmt: skip

    def _check_replaceable(self, amend: Amendment) -> None:
        name = f"order {self.client_order_id}"
        if amend == Amendment():
            raise ValidationError("a replace needs a new quantity, price or time in force")
        if not self.is_open:
            raise ValidationError(f"{name} is {self.status}: not working")
        if self.pending_replace:
            raise ValidationError(f"{name} has a replace pending ({self.replaced_by})")
        if self.notional is not None:
            raise ValidationError(f"{name} is a notional order: cancel it and place a new one")
        if self.filled_quantity:
            raise ValidationError(
                f"{name} has filled {self.filled_quantity} of {self.quantity}: "
                "cancel it and place the rest as a new order"
            )
        if self.status is not S.ACCEPTED:
            raise ValidationError(f"{name} is {self.status}: wait until the broker accepts it")
        if amend.quantity is not None and amend.quantity <= 0:
            raise ValidationError(f"quantity must be positive, not {amend.quantity}")
        if amend.limit_price is not None and self.order_type not in _LIMITED:
            raise ValidationError(f"a {self.order_type} order has no limit price to change")
        if amend.stop_price is not None and self.order_type not in _STOPPED:
            raise ValidationError(f"a {self.order_type} order has no stop price to change")

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
        done = self.notional is None and filled == self.quantity
        moved = self.moved(S.FILLED if done else S.PARTIALLY_FILLED, fill.at)
        return replace(moved, filled_quantity=filled, average_fill_price=average)

    def completed(self, at: dt.datetime) -> Order:
        """Return a notional order the broker says is filled: its quantity is what filled."""
        return replace(self.moved(S.FILLED, at), quantity=self.filled_quantity)
