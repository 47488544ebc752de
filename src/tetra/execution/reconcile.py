"""Reconciliation: compare Tetra's orders and positions with a broker's; fix what is safe.

Run at the start of each day and after every reconnect (`trigger` says which). For one broker:

1. every open order of ours is looked up: what the broker knows is adopted (a fill we missed is
   booked, a cancel or expiry recorded): *fixed*; an accepted order the broker does not know
   is *reported* (never resent: it was acknowledged once);
2. open orders at the broker that Tetra never placed are *reported* (placed by hand, or by
   another program on the account);
3. positions per symbol (ours summed over the books trading through this broker) that differ
   from the broker's are *reported*: a person decides (a transfer, a corporate action, a
   manual trade).

The result is stored in ``execution.reconciliations`` and returned for reports and alerts.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from tetra.core.clock import Clock
from tetra.execution.broker import BrokerError
from tetra.execution.manager import OrderManager
from tetra.execution.orders import Order, OrderStatus

RECONCILIATIONS = "execution.reconciliations"
_RESENDABLE = frozenset({OrderStatus.NEW, OrderStatus.SUBMITTED, OrderStatus.UNKNOWN})


@dataclass(frozen=True, slots=True)
class Difference:
    """One thing that differed: what, about which order or symbol, ours and theirs."""

    kind: str  # missed_fill, state_adopted, unknown_to_broker, stranger_order, position_mismatch
    subject: str
    ours: str
    theirs: str
    fixed: bool

    def describe(self) -> str:
        """Return one line for a person."""
        verb = "fixed" if self.fixed else "to check"
        return f"{self.kind} {self.subject}: ours {self.ours}, broker {self.theirs} ({verb})"


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The outcome of one comparison with one broker."""

    run_id: str
    broker: str
    trigger: str
    differences: tuple[Difference, ...]

    @property
    def fixed(self) -> list[Difference]:
        return [d for d in self.differences if d.fixed]

    @property
    def reported(self) -> list[Difference]:
        return [d for d in self.differences if not d.fixed]

    @property
    def clean(self) -> bool:
        """Whether nothing is left for a person to check."""
        return not self.reported


def reconcile(manager: OrderManager, broker: str, trigger: str, clock: Clock) -> Reconciliation:
    """Compare `broker` with our journal, fix what is safe, store and return the outcome."""
    found: list[Difference] = []
    ours = manager.journal.orders(broker=broker)
    working = [o for o in ours if o.is_open]
    manager.remember_fills(working)
    for order in working:
        found.extend(_check_order(manager, order))
    known = {o.client_order_id for o in ours}
    adapter = manager.brokers[broker]
    found.extend(
        Difference("stranger_order", view.client_order_id, "none", f"{view.side} {view.quantity} "
                   f"{view.symbol} {view.status}", False)
        for view in adapter.open_orders()
        if view.client_order_id not in known
    )  # fmt: skip
    manager.journal.flush()
    found.extend(_position_differences(manager, broker))
    at = clock.now()
    run_id = hashlib.sha256(f"{broker}|{trigger}|{at.isoformat()}".encode()).hexdigest()[:24]
    result = Reconciliation(run_id, broker, trigger, tuple(found))
    _store(manager, result, at)
    return result


def _check_order(manager: OrderManager, order: Order) -> list[Difference]:
    adapter = manager.brokers[order.broker]
    try:
        view = adapter.lookup(order)
    except BrokerError as error:
        return [Difference("lookup_failed", order.client_order_id, order.status, str(error), False)]
    if view is None:
        if order.status in _RESENDABLE:
            after = manager.resolve(order)
            return [_changed(order, after)] if after != order else []
        return [Difference("unknown_to_broker", order.client_order_id, order.status, "none", False)]
    after = manager.adopt(order, view)
    if (after.status, after.filled_quantity) == (order.status, order.filled_quantity):
        return []
    return [_changed(order, after)]


def _changed(before: Order, after: Order) -> Difference:
    kind = "missed_fill" if after.filled_quantity > before.filled_quantity else "state_adopted"
    return Difference(
        kind,
        before.client_order_id,
        f"{before.status} {before.filled_quantity}",
        f"{after.status} {after.filled_quantity}",
        True,
    )


def _position_differences(manager: OrderManager, broker: str) -> list[Difference]:
    ours: dict[str, Decimal] = {}
    for (_, _, symbol), quantity in manager.journal.positions(broker).items():
        ours[symbol] = ours.get(symbol, Decimal(0)) + quantity
    theirs = manager.brokers[broker].positions()
    return [
        Difference(
            "position_mismatch", symbol, f"{ours.get(symbol, 0)}", f"{theirs.get(symbol, 0)}", False
        )
        for symbol in sorted(set(ours) | set(theirs))
        if ours.get(symbol, Decimal(0)) != theirs.get(symbol, Decimal(0))
    ]


def _store(manager: OrderManager, result: Reconciliation, at: object) -> None:
    def rows(items: list[Difference]) -> str:
        return json.dumps(
            [{"kind": d.kind, "subject": d.subject, "ours": d.ours, "theirs": d.theirs}
             for d in items]
        )  # fmt: skip

    row = {
        "run_id": result.run_id,
        "broker": result.broker,
        "at": at,
        "trigger": result.trigger,
        "fixed": rows(result.fixed),
        "reported": rows(result.reported),
        "source": "tetra",
    }
    manager.journal.store.upsert(RECONCILIATIONS, pd.DataFrame([row]))
