"""Reconciliation: missed fills are booked, strangers and position gaps are reported."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tetra.core.clock import FixedClock
from tetra.data.ports import Query
from tetra.data.store_kind import StoreKind
from tetra.execution import Order, OrderRequest, OrderStatus, OrderType, Side, reconcile
from tetra.execution.orders import TimeInForce
from tetra.testing import InMemoryStore
from tetra.testing.brokers import PRICES, InMemoryBroker, Rig, trading_rig
from tetra.testing.brokers.rig import START

S = OrderStatus
D = Decimal


@pytest.fixture
def venue() -> InMemoryBroker:
    made = InMemoryBroker(FixedClock(START), prices=dict(PRICES))
    made.fill_market_orders = False
    return made


@pytest.fixture
def rig(venue: InMemoryBroker) -> Rig:
    store = InMemoryStore(StoreKind.LIVE)
    store.migrate()
    return trading_rig(store, {"memory": venue})


def test_a_fill_missed_while_disconnected_is_booked_and_the_books_agree(
    rig: Rig, venue: InMemoryBroker
) -> None:
    order = rig.manager.submit(OrderRequest("core", "SPY", Side.BUY, D(10)))
    venue.fill(order.client_order_id, D(10), D("501"))
    venue.events()  # the stream dropped: those events never arrive
    restarted = rig.restart({"memory": venue})
    result = reconcile(restarted.manager, "memory", "reconnect", rig.clock)
    assert [d.kind for d in result.differences] == ["missed_fill"]
    assert result.clean
    stored = restarted.journal.order(order.client_order_id)
    assert stored is not None
    assert (stored.status, stored.average_fill_price) == (S.FILLED, D(501))
    again = reconcile(restarted.manager, "memory", "start_of_day", rig.clock)
    assert again.differences == ()


def test_orders_and_positions_the_broker_has_but_we_do_not_are_reported(
    rig: Rig, venue: InMemoryBroker
) -> None:
    at = dt.datetime(2025, 3, 3, 15, tzinfo=dt.UTC)
    manual = Order("by-hand", "", "memory", "QQQ", Side.BUY, D(5), OrderType.LIMIT,
                   TimeInForce.GTC, at, at, D(300))  # fmt: skip
    venue.submit(manual)
    venue.fill("by-hand", D(2), D(300))
    result = reconcile(rig.manager, "memory", "start_of_day", rig.clock)
    assert [(d.kind, d.subject, d.fixed) for d in result.differences] == [
        ("stranger_order", "by-hand", False),
        ("position_mismatch", "QQQ", False),
    ]
    (row,) = rig.store.read(Query("execution.reconciliations")).to_dict("records")
    assert row["trigger"] == "start_of_day"
    assert [d["kind"] for d in json.loads(str(row["reported"]))] == [
        "stranger_order", "position_mismatch",
    ]  # fmt: skip
