"""Replacing (amending) an order through the order manager over the in-memory broker."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tetra.core.clock import FixedClock
from tetra.core.errors import ValidationError
from tetra.data.ports import Query
from tetra.data.store_kind import StoreKind
from tetra.execution import Order, OrderRequest, OrderStatus, OrderType, Side, TimeInForce
from tetra.testing import InMemoryStore
from tetra.testing.brokers import PRICES, InMemoryBroker, Rig, trading_rig
from tetra.testing.brokers.rig import START

S = OrderStatus
D = Decimal


def limit_buy(quantity: str = "10", limit: str = "490") -> OrderRequest:
    return OrderRequest(
        "core", "SPY", Side.BUY, D(quantity), OrderType.LIMIT, TimeInForce.GTC, D(limit)
    )


@pytest.fixture
def broker() -> InMemoryBroker:
    return InMemoryBroker(FixedClock(START), prices=dict(PRICES))


@pytest.fixture
def rig(broker: InMemoryBroker) -> Rig:
    store = InMemoryStore(StoreKind.LIVE)
    store.migrate()
    return trading_rig(store, {"memory": broker})


def working(rig: Rig) -> Order:
    order = rig.manager.submit(limit_buy())
    assert order.status is S.ACCEPTED
    return order


def stored(rig: Rig, client_order_id: str) -> Order:
    found = rig.journal.order(client_order_id)
    assert found is not None
    return found


def test_a_replace_sends_a_linked_order_and_cancels_the_original(
    rig: Rig, broker: InMemoryBroker
) -> None:
    original = working(rig)
    replacement = rig.manager.replace(original.client_order_id, quantity=D(6), limit_price=D(495))
    assert (replacement.status, replacement.quantity, replacement.limit_price) == (
        S.ACCEPTED, D(6), D(495),
    )  # fmt: skip
    assert replacement.replaces == original.client_order_id
    before = stored(rig, original.client_order_id)
    assert (before.status, before.replaced_by) == (S.CANCELLED, replacement.client_order_id)
    assert before.reason == f"replaced by {replacement.client_order_id}"
    assert stored(rig, replacement.client_order_id).replaces == original.client_order_id
    assert [o.client_order_id for o in rig.manager.open_orders()] == [replacement.client_order_id]
    assert broker.orders_placed[replacement.client_order_id] == 1


def test_the_replacement_is_stored_before_the_broker_sees_it(
    rig: Rig, broker: InMemoryBroker
) -> None:
    original = working(rig)
    seen: list[tuple[str | None, str | None]] = []
    venue_replace = broker.replace

    def spying(order: Order, replacement: Order):  # type: ignore[no-untyped-def]
        rows = rig.store.read(Query("execution.orders"))  # the store, not the journal's buffer
        by_id = rows.set_index("order_id")
        seen.append(
            (
                by_id.loc[order.client_order_id, "replaced_by"],
                by_id.loc[replacement.client_order_id, "status"],
            )
        )
        return venue_replace(order, replacement)

    broker.replace = spying  # type: ignore[method-assign]
    replacement = rig.manager.replace(original.client_order_id, limit_price=D(480))
    assert seen == [(replacement.client_order_id, "new")]


def test_a_refused_replace_leaves_the_original_working(rig: Rig, broker: InMemoryBroker) -> None:
    original = working(rig)
    broker.reject_next("insufficient buying power")
    replacement = rig.manager.replace(original.client_order_id, quantity=D(1000))
    assert replacement.status is S.REJECTED
    assert replacement.reason == "broker: insufficient buying power"
    after = stored(rig, original.client_order_id)
    assert (after.status, after.replaced_by, after.pending_replace) == (S.ACCEPTED, None, False)
    assert [o.client_order_id for o in rig.manager.open_orders()] == [original.client_order_id]


def test_a_replace_whose_answer_is_lost_is_looked_up_not_resent(
    rig: Rig, broker: InMemoryBroker
) -> None:
    original = working(rig)
    broker.script_submit("timeout_after_accept")
    replacement = rig.manager.replace(original.client_order_id, limit_price=D(480))
    assert replacement.status is S.ACCEPTED
    assert broker.orders_placed[replacement.client_order_id] == 1
    assert stored(rig, original.client_order_id).status is S.CANCELLED


def test_a_replace_that_never_arrived_is_sent_again_as_a_replace(
    rig: Rig, broker: InMemoryBroker
) -> None:
    original = working(rig)
    broker.script_submit("timeout_before_accept")
    broker.script_lookup("timeout")
    replacement = rig.manager.replace(original.client_order_id, limit_price=D(480))
    assert replacement.status is S.UNKNOWN
    assert rig.journal.order(original.client_order_id).pending_replace  # type: ignore[union-attr]
    [resolved] = rig.manager.resolve_unknown()
    assert resolved.status is S.ACCEPTED
    assert broker.orders_placed[replacement.client_order_id] == 1
    assert stored(rig, original.client_order_id).status is S.CANCELLED


class Crash(BaseException):
    """The process dies (not an error the order manager handles)."""


def test_a_restart_finishes_a_replace_persisted_but_never_sent(broker: InMemoryBroker) -> None:
    store = InMemoryStore(StoreKind.LIVE)
    store.migrate()
    rig = trading_rig(store, {"memory": broker})
    original = working(rig)
    venue_replace = broker.replace

    def dying(order: Order, replacement: Order) -> None:
        raise Crash

    broker.replace = dying  # type: ignore[assignment,method-assign]
    with pytest.raises(Crash):
        rig.manager.replace(original.client_order_id, limit_price=D(480))
    broker.replace = venue_replace  # type: ignore[method-assign]
    again = rig.restart({"memory": broker})
    recovered = {o.client_order_id: o for o in again.manager.recover()}
    [replacement] = [o for o in recovered.values() if o.replaces]
    assert replacement.status is S.ACCEPTED
    assert broker.orders_placed[replacement.client_order_id] == 1
    assert stored(again, original.client_order_id).status is S.CANCELLED
    assert [o.client_order_id for o in again.manager.open_orders()] == [replacement.client_order_id]


def test_fills_on_the_original_before_the_replace_lands_are_booked(
    rig: Rig, broker: InMemoryBroker
) -> None:
    original = working(rig)
    venue_replace = broker.replace

    def racing(order: Order, replacement: Order):  # type: ignore[no-untyped-def]
        broker.fill(order.client_order_id, D(4), D(490))  # fills before the venue replaces
        return venue_replace(order, replacement)

    broker.replace = racing  # type: ignore[method-assign]
    replacement = rig.manager.replace(original.client_order_id, limit_price=D(480))
    after = stored(rig, original.client_order_id)
    assert (after.status, after.filled_quantity) == (S.CANCELLED, D(4))
    assert replacement.status is S.ACCEPTED
    assert rig.journal.positions() == {("core", "memory", "SPY"): D(4)}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, "needs a new quantity"),
        ({"quantity": D(0)}, "must be positive"),
        ({"stop_price": D(480)}, "no stop price"),
    ],
)
def test_a_replace_that_makes_no_sense_is_refused_with_a_reason(
    rig: Rig, change: dict[str, Decimal], message: str
) -> None:
    original = working(rig)
    with pytest.raises(ValidationError, match=message):
        rig.manager.replace(original.client_order_id, **change)  # type: ignore[arg-type]


def test_a_partly_filled_or_done_order_is_not_replaced(rig: Rig, broker: InMemoryBroker) -> None:
    original = working(rig)
    broker.fill(original.client_order_id, D(3), D(490))
    rig.manager.pump()
    with pytest.raises(ValidationError, match="has filled 3 of 10: cancel it"):
        rig.manager.replace(original.client_order_id, quantity=D(5))
    rig.manager.cancel(original.client_order_id)
    with pytest.raises(ValidationError, match="cancelled: not working"):
        rig.manager.replace(original.client_order_id, quantity=D(5))


def test_a_replace_the_risk_engine_denies_is_stored_and_not_sent(
    rig: Rig, broker: InMemoryBroker
) -> None:
    original = working(rig)
    replacement = rig.manager.replace(original.client_order_id, quantity=D(1_000_000))
    assert replacement.status is S.REJECTED
    assert replacement.reason.startswith("risk: ")
    assert replacement.client_order_id not in broker.orders_placed
    assert stored(rig, original.client_order_id).replaced_by is None


def test_events_of_a_replace_settle_both_orders(rig: Rig, broker: InMemoryBroker) -> None:
    original = working(rig)
    replacement = rig.manager.replace(original.client_order_id, limit_price=D(480))
    broker.fill(replacement.client_order_id, D(10), D(480))
    rig.manager.pump()
    assert stored(rig, replacement.client_order_id).status is S.FILLED
    assert stored(rig, original.client_order_id).status is S.CANCELLED
    assert rig.journal.positions() == {("core", "memory", "SPY"): D(10)}
    assert dt.datetime  # the clock is fixed: every state change is at START
