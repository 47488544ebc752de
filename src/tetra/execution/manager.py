"""The order manager (OMS): every order goes risk check -> journal -> broker, in that order.

Map of one submit (`OrderManager.submit`):

1. a client order id (a UUID: unique for the account's life, as Alpaca requires);
2. the pre-trade engine (`tetra.risk.pretrade`), market hours (`tetra.execution.hours`, when
   the manager is given them: a day or ioc equity order while XNYS is closed) and the
   broker's health: a denial is stored as a rejected order with its reason and never sent;
3. the order is *persisted* (state ``new``) before anything leaves the process;
4. the broker: an acknowledgment moves it on; a refusal is stored with the broker's reason
   and not retried; an unknown outcome (timeout, 5xx) moves it to ``unknown`` and the order is
   looked up by its client id, never blindly resent. Only when the broker has never seen it
   is it sent again, under the same client id (which the brokers dedupe).

`recover()` runs at start: every open order of the journal is looked up and adopts the
broker's state and fills (an order persisted but never sent is sent then). `pump()` applies
the brokers' events; fills are deduplicated by execution id and fed to the risk engine and,
given a `LedgerPosting`, into the order's book's ledger (`tetra.execution.booking`): the
ledger is written first and the journal at once after it, so a crash between them leaves the
ledger ahead, which the restart's lookups cannot book twice.
`halt`, `flatten` and `resume` act through the risk engine's kill switch and trading states.

`replace` amends a working order: the replacement is a new order (its own client id,
``replaces`` the original) checked, persisted and sent like any other, through the broker's
`replace`; the original is marked ``replaced_by`` (a pending replace) meanwhile. When the
broker takes the replacement the original is cancelled ("replaced by ..."), after its own
fills are looked up; when the broker refuses it the mark is cleared and the original looked
up again (Binance's cancel-replace may have cancelled it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import replace
from decimal import Decimal

from tetra.core.clock import Clock
from tetra.core.errors import TetraError
from tetra.core.telemetry import telemetry
from tetra.execution.booking import LedgerPosting
from tetra.execution.broker import (
    Broker,
    BrokerError,
    BrokerEvent,
    BrokerOrder,
    BrokerRejected,
    BrokerUnavailable,
    BrokerUnknown,
)
from tetra.execution.hours import MarketHours
from tetra.execution.intents import missed_fill, risk_intent
from tetra.execution.journal import ExecutionJournal
from tetra.execution.orders import (
    TERMINAL,
    TRANSITIONS,
    Amendment,
    Fill,
    Order,
    OrderRequest,
    OrderStatus,
    Side,
    TimeInForce,
)
from tetra.risk.pretrade import PreTradeEngine

S = OrderStatus
_RESENDABLE = frozenset({S.NEW, S.SUBMITTED, S.UNKNOWN})
_SETTLED_BY_BROKER = frozenset({S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED, S.CANCELLED, S.EXPIRED})


class OrderManagerError(TetraError):
    """An order request the manager cannot act on (unknown order, book or broker)."""


def new_client_order_id() -> str:
    """Return a fresh client order id: a UUID4, 36 characters (fits Alpaca and Binance)."""
    return str(uuid.uuid4())


_SESSION_IDS = uuid.UUID("5f1b0c2e-7a43-4c1e-9d6e-2b8f0e4a7c11")  # Tetra's namespace


def session_client_order_id(book: str, session: str, symbol: str) -> str:
    """Return the client order id of `book`'s order in `symbol` for `session` (a UUID5).

    The same for every run of that book and session, so a rerun finds the order it placed
    (idempotent per book and date); still a UUID, unique for the account's life.
    """
    return str(uuid.uuid5(_SESSION_IDS, f"{book}\x1f{session}\x1f{symbol}"))


class OrderManager:
    """Places, tracks and recovers orders over one or more brokers (see the module docstring)."""

    def __init__(
        self,
        journal: ExecutionJournal,
        brokers: Mapping[str, Broker],
        risk: PreTradeEngine,
        *,
        clock: Clock,
        routes: Mapping[str, str] | None = None,
        new_id: Callable[[], str] = new_client_order_id,
        hours: MarketHours | None = None,
        ledger: LedgerPosting | None = None,
    ) -> None:
        self.journal = journal
        self.brokers = dict(brokers)
        self.risk = risk
        self._clock = clock
        self._routes = dict(routes or {})
        self._new_id = new_id
        self.hours = hours
        self.ledger = ledger
        self._open: dict[str, Order] = {}
        self._executions: set[str] = set()

    def route(self, book: str, broker: str) -> None:
        """Send `book`'s orders through `broker`."""
        self._broker(broker)
        self._routes[book] = broker

    # -- placing and cancelling ------------------------------------------------------------

    def submit(self, request: OrderRequest) -> Order:
        """Check, persist and send one order; return it in the state the broker left it."""
        return self.submit_many([request])[0]

    def submit_many(self, requests: Sequence[OrderRequest]) -> list[Order]:
        """Check and persist every order in one write, then send them one by one.

        What the broker answered is buffered in the journal (see `ExecutionJournal`): one
        store write per call, so a daily cycle's orders cost one write, not one per order.
        A request that names its client order id is idempotent: if the journal holds an
        order with that id, that order is returned as it stands and nothing is sent.
        """
        named = [r.client_order_id for r in requests if r.client_order_id]
        if len(named) != len(set(named)):
            raise OrderManagerError("two requests of one batch name the same client order id")
        known = self.journal.orders_by_id(named)
        fresh = [r for r in requests if r.client_order_id not in known]
        checked = {id(r): self._checked(r) for r in fresh}
        self.journal.persist(checked.values())
        sent = {key: self._send(o) if o.status is S.NEW else o for key, o in checked.items()}
        return [sent[id(r)] if id(r) in sent else known[str(r.client_order_id)] for r in requests]

    def cancel(self, client_order_id: str) -> Order:
        """Ask the broker to cancel an open order; cancels pass every trading state."""
        order = self._open.get(client_order_id) or self.journal.order(client_order_id)
        if order is None:
            raise OrderManagerError(f"no order {client_order_id!r}")
        if not order.is_open:
            return order
        broker = self._broker(order.broker)
        broker.cancel(order)
        return self._refresh(order)

    def replace(
        self,
        client_order_id: str,
        *,
        quantity: Decimal | None = None,
        limit_price: Decimal | None = None,
        stop_price: Decimal | None = None,
        time_in_force: TimeInForce | None = None,
    ) -> Order:
        """Amend a working order; return the replacement in the state the broker left it."""
        original = self._open.get(client_order_id) or self.journal.order(client_order_id)
        if original is None:
            raise OrderManagerError(f"no order {client_order_id!r}")
        amend = Amendment(quantity, limit_price, stop_price, time_in_force)
        replacement = original.replaced_with(amend, self._new_id(), self._clock.now())
        checked = self._verdict(replacement)
        if checked.status is S.NEW:
            marked = replace(original, replaced_by=replacement.client_order_id)
            self._open[original.client_order_id] = marked
            self.journal.persist([checked, marked])
            checked = self._send(checked)
        else:
            self.journal.persist([checked])
        self.journal.flush()
        return self._open.get(checked.client_order_id, checked)

    def open_orders(self) -> list[Order]:
        """Return the open orders this manager tracks, oldest first."""
        return sorted(self._open.values(), key=lambda o: (o.created_at, o.client_order_id))

    # -- following the brokers ---------------------------------------------------------------

    def pump(self) -> int:
        """Apply every broker's pending events; return how many changed an order."""
        changed = 0
        for broker in self.brokers.values():
            for event in broker.events():
                changed += self._on_event(event)
        self.journal.flush()
        return changed

    def recover(self) -> list[Order]:
        """Resolve every open order of the journal with its broker (run at start).

        Only orders of this manager's brokers: a manager over Alpaca leaves the paper
        broker's open orders to a manager over paper.
        """
        stored = [o for o in self.journal.orders(open_only=True) if o.broker in self.brokers]
        self.remember_fills(stored)
        resolved = [self.resolve(order) for order in stored]
        self.journal.flush()
        return resolved

    def remember_fills(self, orders: Sequence[Order]) -> None:
        """Load the execution ids booked for `orders`, so a fill is never booked twice."""
        self._executions |= self.journal.execution_ids(o.client_order_id for o in orders)

    def resolve(self, order: Order) -> Order:
        """Look `order` up at its broker and adopt what it says; resend only if never seen."""
        self._open[order.client_order_id] = order
        try:
            view = self._broker(order.broker).lookup(order)
        except (BrokerUnknown, BrokerUnavailable) as error:
            if order.status in _RESENDABLE:
                return self._move(order, S.UNKNOWN, f"lookup failed: {error}")
            return order  # working at the broker as far as we know; reconciliation checks
        if view is not None:
            return self.adopt(order, view)
        if order.status in _RESENDABLE:
            return self._resend(order)
        return order  # accepted once, now unknown to the broker: reconciliation reports it

    def resolve_unknown(self) -> list[Order]:
        """Resolve every order in state unknown (after a reconnect, or on a timer)."""
        unknown = [o for o in self._open.values() if o.status is S.UNKNOWN]
        resolved = [self.resolve(order) for order in unknown]
        self.journal.flush()
        return resolved

    # -- kill switch -------------------------------------------------------------------------

    def halt(self, scope: str, reason: str, by: str) -> int:
        """Engage the kill switch of `scope` and cancel its open orders; return how many."""
        self.risk.engage_kill_switch(scope, reason, by)
        doomed = [o for o in self._open.values() if scope in ("*", o.book)]
        if scope == "*":
            for broker in self.brokers.values():
                broker.cancel_all()  # IB: reqGlobalCancel; also orders placed outside Tetra
        else:
            for order in doomed:
                self._broker(order.broker).cancel(order)
        for order in doomed:
            self._refresh(order)
        self.journal.flush()
        return len(doomed)

    def resume(self, scope: str, reason: str, by: str) -> None:
        """Release the kill switch of `scope`."""
        self.risk.release_kill_switch(scope, reason, by)

    def flatten(self, book: str, reason: str) -> list[Order]:
        """Move `book` to REDUCING and send the orders that close it (each still checked)."""
        intents = self.risk.begin_flatten(book, reason)
        requests = [
            OrderRequest(book, intent.symbol, intent.side, intent.quantity) for intent in intents
        ]
        return self.submit_many(requests)

    # -- internals ---------------------------------------------------------------------------

    def _checked(self, request: OrderRequest) -> Order:
        broker_name = self._routes.get(request.book) or next(iter(self.brokers))
        client_order_id = request.client_order_id or self._new_id()
        order = Order.from_request(request, client_order_id, broker_name, self._clock.now())
        return self._verdict(order)

    def _verdict(self, order: Order) -> Order:
        broker_name = order.broker
        intent = risk_intent(order, self.risk)
        if isinstance(intent, str):
            return order.moved(S.REJECTED, order.created_at, intent)
        verdict = self.risk.check(intent)
        if not verdict.allowed:
            code = verdict.code.value if verdict.code is not None else "denied"
            return order.moved(S.REJECTED, order.created_at, f"risk: {code}: {verdict.reason}")
        closed = self._closed_market(order)
        if closed:
            return order.moved(S.REJECTED, order.created_at, closed)
        health = self._broker(broker_name).health()
        telemetry().set("tetra_broker_up", {"broker": broker_name}, 1.0 if health.healthy else 0.0)
        if not health.healthy:
            reason = f"broker {broker_name} is not healthy: {health.reason}"
            return order.moved(S.REJECTED, order.created_at, reason)
        return order

    def _send(self, order: Order) -> Order:
        submitted = order if order.status is S.SUBMITTED else self._move(order, S.SUBMITTED)
        try:
            view = self._transmit(submitted)
        except BrokerRejected as refusal:
            if refusal.duplicate:  # the broker holds it already: adopt its state
                return self._resolve_once(submitted)
            return self._move(submitted, S.REJECTED, f"broker: {refusal.reason}")
        except BrokerUnavailable as error:
            return self._move(submitted, S.REJECTED, f"not sent: {error}")
        except BrokerUnknown as error:
            unknown = self._move(submitted, S.UNKNOWN, f"outcome unknown: {error}")
            return self._resolve_once(unknown)
        return self.adopt(submitted, view)

    def _transmit(self, order: Order) -> BrokerOrder:
        broker = self._broker(order.broker)
        if order.replaces is None:
            return broker.submit(order)
        original = self._open.get(order.replaces) or self.journal.order(order.replaces)
        if original is None or not original.is_open:
            raise BrokerRejected(f"the order it replaces ({order.replaces}) is no longer open")
        return broker.replace(original, order)

    def _follow_replacement(self, replacement: Order) -> None:
        """Settle the original once the broker took or refused `replacement`."""
        original = self._open.get(replacement.replaces or "")
        if original is None or original.replaced_by != replacement.client_order_id:
            return
        if replacement.status in _SETTLED_BY_BROKER:
            original = self._refresh(original)  # its own late fills first
            if original.is_open:
                self._move(original, S.CANCELLED, f"replaced by {replacement.client_order_id}")
        elif replacement.status is S.REJECTED:
            self._keep(replace(original, replaced_by=None))
            self._refresh(original)

    def _resolve_once(self, order: Order) -> Order:
        try:
            view = self._broker(order.broker).lookup(order)
        except BrokerError:
            return order  # stays unknown; resolve_unknown() tries again later
        return order if view is None else self.adopt(order, view)

    def _resend(self, order: Order) -> Order:
        if order.status is S.NEW and self.risk.kill_switches.halts(order.book):
            return self._move(order, S.REJECTED, "halted before it was sent")
        closed = self._closed_market(order) if order.status is S.NEW else None
        if closed:  # persisted before a crash while open; the market has closed since
            return self._move(order, S.REJECTED, closed)
        return self._send(order)

    def _closed_market(self, order: Order) -> str | None:
        return None if self.hours is None else self.hours.refusal(order, self._clock.now())

    def _refresh(self, order: Order) -> Order:
        try:
            view = self._broker(order.broker).lookup(order)
        except BrokerError:
            return self._open.get(order.client_order_id, order)
        current = self._open.get(order.client_order_id, order)
        return current if view is None else self.adopt(current, view)

    def _on_event(self, event: BrokerEvent) -> int:
        order = self._open.get(event.client_order_id)
        if order is None:
            return 0  # not ours, or already closed: reconciliation reports strangers
        if event.fill is not None:
            booked = self._completed(self._book_fill(order, event.fill), event.status)
            return int(booked is not order)
        if event.status is S.FILLED and order.notional is not None:
            return int(self._completed(order, event.status) is not order)
        if event.status in (S.PARTIALLY_FILLED, S.FILLED) or event.status is order.status:
            return 0  # fills move orders by their quantities, not by the label
        moved = self._move_if_allowed(order, event.status, event.reason, event.broker_order_id)
        return int(moved is not order)

    def adopt(self, order: Order, view: BrokerOrder) -> Order:
        """Take the broker's view of `order`: book fills we missed, record its state."""
        if order.status is S.NEW:  # it reached the broker before a crash: it was sent
            order = self._move(order, S.SUBMITTED, "found at the broker")
        for fill in view.fills:
            order = self._book_fill(order, fill)
        missing = view.filled_quantity - order.filled_quantity
        if missing > 0 and view.average_fill_price is not None:
            missed = missed_fill(order, view, missing, self._clock.now())
            order = self._book_fill(order, missed, reconciled=True)
        if view.status not in (S.PARTIALLY_FILLED, S.FILLED):
            order = self._move_if_allowed(order, view.status, view.reason, view.broker_order_id)
        elif order.status in (S.SUBMITTED, S.UNKNOWN):
            order = self._move_if_allowed(order, S.ACCEPTED, "", view.broker_order_id)
        return self._completed(order, view.status)

    def _completed(self, order: Order, status: OrderStatus) -> Order:
        """Close a notional order the broker says is filled (its fills decide its quantity)."""
        if order.notional is None or status is not S.FILLED or not order.filled_quantity:
            return order
        if order.status is not S.PARTIALLY_FILLED:
            return order
        return self._keep(order.completed(self._clock.now()))

    def _book_fill(self, order: Order, fill: Fill, *, reconciled: bool = False) -> Order:
        if fill.execution_id in self._executions or fill.quantity > order.remaining:
            return order
        posted = self.ledger is not None and self.ledger.post(order, fill, reconciled=reconciled)
        if order.status in (S.SUBMITTED, S.UNKNOWN):
            order = self._move(order, S.ACCEPTED)
        self._executions.add(fill.execution_id)
        filled = order.filled_by(fill)
        signed = fill.quantity if order.side is Side.BUY else -fill.quantity
        # a book the risk engine does not follow (recovered before it was set) has no exposure
        with suppress(KeyError):
            self.risk.apply_fill(order.book, order.symbol, signed, fill.price)
        kept = self._keep(filled, fill)
        if posted:  # the ledger has it: the journal follows at once (see the module docstring)
            self.journal.flush()
        return kept

    def _move_if_allowed(
        self, order: Order, status: OrderStatus, reason: str, broker_order_id: str = ""
    ) -> Order:
        if broker_order_id and order.broker_order_id != broker_order_id:
            order = _with_broker_id(order, broker_order_id)
        if status is order.status or status not in TRANSITIONS[order.status]:
            return order  # late or out-of-order news: the state already went past it
        return self._move(order, status, reason)

    def _move(self, order: Order, status: OrderStatus, reason: str = "") -> Order:
        return self._keep(order.moved(status, self._clock.now(), reason))

    def _keep(self, order: Order, fill: Fill | None = None) -> Order:
        if order.status in TERMINAL:
            self._open.pop(order.client_order_id, None)
        else:
            self._open[order.client_order_id] = order
        self.journal.record(order, fill)
        if order.replaces is not None:
            self._follow_replacement(order)
        state = str(order.status.value)  # every event: a state change or a fill
        telemetry().increment("tetra_orders", {"broker": order.broker, "state": state})
        return order

    def _broker(self, name: str) -> Broker:
        broker = self.brokers.get(name)
        if broker is None:
            raise OrderManagerError(f"no broker {name!r}; configured: {sorted(self.brokers)}")
        return broker


def _with_broker_id(order: Order, broker_order_id: str) -> Order:
    return replace(order, broker_order_id=broker_order_id)
