"""`PaperBroker`: the simulated exchange of the backtests behind the broker port.

Fills use `tetra.simulation.exchange` (the same numba functions the backtest engines call):
`fill_price` decides whether and where an order fills on a bar, `slipped` and `commission`
apply the configured `Costs`. With ``PaperFills.LATEST`` a new order is tried at once against
the latest price as a one-price bar (market orders fill; limits fill if marketable); every
order still working is tried again on each `on_bar` (``NEXT_BAR`` only does the latter).
A notional market order buys what its amount pays for at the latest price (to 1e-9). A day
order left unfilled after a bar expires; gtc orders keep working. A replace cancels
the working order ("replaced by ...") and submits the replacement, as a venue's
cancel-replace does; a replacement the cash cannot pay is refused before the cancel.

The venue's books live in this object: a process restart loses them, and the order manager's
recovery then resends the orders it has not seen done under their client ids.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, Decimal

from tetra.adapters.brokers.paper.config import PaperConfig, PaperFills
from tetra.adapters.brokers.paper.parsing import exact, kind_code, price_or_nan, side_sign
from tetra.core.clock import Clock
from tetra.execution.broker import (
    BrokerAccount,
    BrokerEvent,
    BrokerOrder,
    BrokerRejected,
    Health,
)
from tetra.execution.orders import (
    TERMINAL,
    Fill,
    Order,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from tetra.simulation.exchange import commission, fill_price, slipped

S = OrderStatus
FRACTION = Decimal("1e-9")  # notional orders buy fractions, to Alpaca's precision


@dataclass(frozen=True, slots=True)
class PaperBar:
    """One bar of a symbol: the prices the simulated exchange fills against."""

    open: float
    high: float
    low: float
    close: float
    volume: float = 0.0

    @classmethod
    def at(cls, price: Decimal) -> PaperBar:
        """Return a one-price bar (the latest price)."""
        value = float(price)
        return cls(value, value, value, value)


@dataclass
class _Working:
    order: Order
    broker_order_id: str
    status: OrderStatus = S.ACCEPTED
    fills: list[Fill] = field(default_factory=list)
    reason: str = ""
    prior: Decimal = Decimal(0)  # filled before a restart (see `PaperBroker.restore`)
    prior_paid: Decimal = Decimal(0)

    @property
    def filled(self) -> Decimal:
        return self.prior + sum((f.quantity for f in self.fills), Decimal(0))

    def view(self) -> BrokerOrder:
        filled = self.filled
        paid = self.prior_paid + sum((f.quantity * f.price for f in self.fills), Decimal(0))
        return BrokerOrder(
            self.order.client_order_id,
            self.status,
            self.broker_order_id,
            filled,
            paid / filled if filled else None,
            tuple(self.fills),
            self.reason,
            self.order.symbol,
            self.order.quantity,
            self.order.side.value,
        )


class PaperBroker:
    """A paper account on the simulated exchange (see the module docstring)."""

    def __init__(self, clock: Clock, config: PaperConfig | None = None) -> None:
        self.config = config or PaperConfig()
        self.name = self.config.name
        self._clock = clock
        self._costs = self.config.costs.as_array()
        self._cash = self.config.cash
        self._latest: dict[str, Decimal] = {}
        self._orders: dict[str, _Working] = {}
        self._positions: dict[str, Decimal] = {}
        self._events: deque[BrokerEvent] = deque()
        self._ids = itertools.count(1)
        self._executions = itertools.count(1)

    # -- market data -----------------------------------------------------------------------

    def set_price(self, symbol: str, price: Decimal) -> None:
        """Record the latest price of `symbol` (market orders fill against it)."""
        self._latest[symbol] = price

    def on_bar(self, bars: Mapping[str, PaperBar]) -> None:
        """Try every working order against its symbol's bar; day orders then expire."""
        for working in [w for w in self._orders.values() if w.status not in TERMINAL]:
            bar = bars.get(working.order.symbol)
            if bar is None:
                continue
            self._latest[working.order.symbol] = exact(bar.close)
            self._try_fill(working, bar)
            if (
                working.status not in TERMINAL
                and working.order.time_in_force is not TimeInForce.GTC
            ):
                self._finish(working, S.EXPIRED, "day order unfilled at the end of the bar")

    def restore_positions(self, positions: Mapping[str, Decimal]) -> None:
        """Set the account's positions (a new process: the journal's positions are the truth)."""
        self._positions = dict(positions)

    def restore(self, orders: list[Order]) -> None:
        """Put back open orders kept in the journal (the venue of a new process starts empty)."""
        for order in orders:
            if order.client_order_id in self._orders or not order.is_open:
                continue
            working = _Working(order, order.broker_order_id or f"paper-{next(self._ids)}")
            if order.filled_quantity and order.average_fill_price is not None:
                working.prior = order.filled_quantity  # booked already: no fills to report again
                working.prior_paid = order.filled_quantity * order.average_fill_price
                working.status = S.PARTIALLY_FILLED
            self._orders[order.client_order_id] = working

    # -- the port --------------------------------------------------------------------------

    def submit(self, order: Order) -> BrokerOrder:
        if order.client_order_id in self._orders:
            raise BrokerRejected("client order id already used", duplicate=True)
        if order.notional is not None:
            order = self._sized(order)
        self._check_cash(order)
        working = _Working(order, f"paper-{next(self._ids)}")
        self._orders[order.client_order_id] = working
        self._emit(working, S.ACCEPTED)
        latest = self._latest.get(order.symbol)
        if self.config.fills is PaperFills.LATEST and latest is not None:
            self._try_fill(working, PaperBar.at(latest))
            if working.status not in TERMINAL and order.time_in_force is TimeInForce.IOC:
                self._finish(working, S.CANCELLED, "immediate-or-cancel: not marketable")
        return working.view()

    def replace(self, order: Order, replacement: Order) -> BrokerOrder:
        working = self._orders.get(order.client_order_id)
        if working is None or working.status in TERMINAL:
            raise BrokerRejected(f"order {order.client_order_id} is not open: cannot replace it")
        if replacement.client_order_id in self._orders:
            raise BrokerRejected("client order id already used", duplicate=True)
        self._check_cash(replacement)
        self._finish(working, S.CANCELLED, f"replaced by {replacement.client_order_id}")
        return self.submit(replacement)

    def cancel(self, order: Order) -> None:
        working = self._orders.get(order.client_order_id)
        if working is not None and working.status not in TERMINAL:
            self._finish(working, S.CANCELLED, "cancelled by request")

    def cancel_all(self) -> None:
        for working in self._orders.values():
            if working.status not in TERMINAL:
                self._finish(working, S.CANCELLED, "cancelled by cancel_all")

    def lookup(self, order: Order) -> BrokerOrder | None:
        working = self._orders.get(order.client_order_id)
        return None if working is None else working.view()

    def open_orders(self) -> list[BrokerOrder]:
        return [w.view() for w in self._orders.values() if w.status not in TERMINAL]

    def positions(self) -> dict[str, Decimal]:
        return {symbol: quantity for symbol, quantity in self._positions.items() if quantity}

    def account(self) -> BrokerAccount:
        held = sum(
            (q * self._latest.get(s, Decimal(0)) for s, q in self._positions.items()), Decimal(0)
        )
        return BrokerAccount(self._cash, self._cash + held, self._cash)

    def events(self) -> list[BrokerEvent]:
        drained = list(self._events)
        self._events.clear()
        return drained

    def health(self) -> Health:
        return Health(True, "", self._clock.now())

    # -- the exchange ----------------------------------------------------------------------

    def _sized(self, order: Order) -> Order:
        """Return a notional market order as the quantity it buys at the latest price."""
        latest = self._latest.get(order.symbol)
        if order.order_type is not OrderType.MARKET or latest is None:
            raise BrokerRejected(
                "paper: a notional order must be a market order on a symbol with a latest price",
                code="notional",
            )
        quantity = (Decimal(order.notional or 0) / latest).quantize(FRACTION, ROUND_DOWN)
        if quantity <= 0:
            raise BrokerRejected(f"paper: notional {order.notional} buys nothing at {latest}")
        return replace(order, quantity=quantity)

    def _check_cash(self, order: Order) -> None:
        price = order.limit_price or self._latest.get(order.symbol)
        if order.side is Side.BUY and price is not None and order.quantity * price > self._cash:
            raise BrokerRejected(
                f"insufficient buying power: {order.quantity * price:f} > cash {self._cash:f}",
                code="insufficient_buying_power",
            )

    def _try_fill(self, working: _Working, bar: PaperBar) -> None:
        order, side = working.order, side_sign(working.order)
        price = fill_price(
            kind_code(order), side, price_or_nan(order.limit_price),
            price_or_nan(order.stop_price), bar.open, bar.high, bar.low, bar.close,
        )  # fmt: skip
        if not math.isfinite(price):
            return
        quantity = order.quantity - working.filled
        price = slipped(price, side, float(quantity), bar.volume, self._costs)
        fee = commission(float(quantity), price, self._costs)
        self._fill(working, quantity, exact(price), exact(fee))

    def _fill(self, working: _Working, quantity: Decimal, price: Decimal, fee: Decimal) -> None:
        order = working.order
        fill = Fill(
            f"paper-x{next(self._executions)}", order.client_order_id, quantity, price,
            self._clock.now(), fee,
        )  # fmt: skip
        working.fills.append(fill)
        signed = quantity if order.side is Side.BUY else -quantity
        self._positions[order.symbol] = self._positions.get(order.symbol, Decimal(0)) + signed
        self._cash -= signed * price + fee
        working.status = S.FILLED if working.filled == order.quantity else S.PARTIALLY_FILLED
        self._emit(working, working.status, fill)

    def _finish(self, working: _Working, status: OrderStatus, reason: str) -> None:
        working.status, working.reason = status, reason
        self._emit(working, status)

    def _emit(self, working: _Working, status: OrderStatus, fill: Fill | None = None) -> None:
        self._events.append(
            BrokerEvent(
                working.order.client_order_id, status, self._clock.now(), fill,
                working.broker_order_id, working.reason,
            )
        )  # fmt: skip
