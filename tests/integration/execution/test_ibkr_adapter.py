"""The IB adapter over FakeIB (ib_async objects): events, 1100/1102, global cancel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tetra.adapters.brokers.ibkr import IbkrBroker
from tetra.core.clock import FixedClock
from tetra.data.store_kind import StoreKind
from tetra.execution import OrderRequest, OrderStatus, OrderType, Side, TimeInForce
from tetra.testing import InMemoryStore
from tetra.testing.brokers import Rig, trading_rig
from tetra.testing.brokers.ibkr import FakeIB

S = OrderStatus
D = Decimal
START = dt.datetime(2025, 3, 3, 14, 30, tzinfo=dt.UTC)


def wired() -> tuple[FakeIB, IbkrBroker, Rig, list[str]]:
    clock = FixedClock(START)
    fake = FakeIB(clock)
    reconnects: list[str] = []
    broker = IbkrBroker(fake, clock, on_reconnect=lambda: reconnects.append("again"))  # type: ignore[arg-type]
    store = InMemoryStore(StoreKind.LIVE)
    store.migrate()
    return fake, broker, trading_rig(store, {"ibkr": broker}, clock=clock), reconnects


def test_order_ref_carries_the_client_id_and_events_book_each_fill_once() -> None:
    fake, _, rig, _ = wired()
    order = rig.manager.submit(
        OrderRequest("core", "SPY", Side.BUY, D(10), OrderType.LIMIT, TimeInForce.GTC, D(499))
    )
    (trade,) = fake.trades()
    assert (trade.order.orderRef, trade.order.tif, trade.order.lmtPrice) == (
        order.client_order_id, "GTC", 499.0,
    )  # fmt: skip
    fake.fill(order.client_order_id, 4, 499.0)
    fake.fill(order.client_order_id, 6, 498.5)
    rig.manager.pump()
    stored = rig.journal.order(order.client_order_id)
    assert stored is not None
    assert (stored.status, stored.filled_quantity, stored.average_fill_price) == (
        S.FILLED, D(10), D("498.7"),
    )  # fmt: skip
    assert len(rig.journal.fills()) == 2
    rig.manager.resolve(stored)  # a lookup after the events books nothing twice
    assert len(rig.journal.fills()) == 2


def test_connectivity_lost_refuses_sends_until_restored_then_reconciles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tetra.adapters.metrics.prometheus import MULTIPROCESS_ENV, PrometheusTelemetry
    from tetra.core.telemetry import install

    monkeypatch.delenv(MULTIPROCESS_ENV, raising=False)
    sink = PrometheusTelemetry()
    previous = install(sink)
    fake, broker, rig, reconnects = wired()
    fake.lose_connection()
    assert not broker.health().healthy
    refused = rig.manager.submit(OrderRequest("core", "SPY", Side.BUY, D(1)))
    assert refused.status is S.REJECTED
    assert "connectivity lost (1100)" in refused.reason
    assert fake.trades() == []
    try:
        fake.restore(1102)
    finally:
        install(previous)
    assert broker.health().healthy
    assert reconnects == ["again"]
    assert sink.registry.get_sample_value("tetra_broker_reconnects_total", {"broker": "ibkr"}) == 1


def test_halt_uses_the_global_cancel() -> None:
    fake, _, rig, _ = wired()
    rig.manager.submit(
        OrderRequest("core", "SPY", Side.BUY, D(5), OrderType.LIMIT, TimeInForce.GTC, D(450))
    )
    assert rig.manager.halt("*", "drill", "test") == 1
    assert fake.global_cancels == 1
    assert fake.openTrades() == []
    assert rig.manager.open_orders() == []


def test_a_replace_modifies_the_same_ib_order_and_follows_it_by_its_new_ref() -> None:
    fake, _, rig, _ = wired()
    order = rig.manager.submit(
        OrderRequest("core", "SPY", Side.BUY, D(10), OrderType.LIMIT, TimeInForce.GTC, D(499))
    )
    replacement = rig.manager.replace(order.client_order_id, quantity=D(6), limit_price=D(497))
    (trade,) = fake.trades()  # one IB order, modified: no second one
    assert (trade.order.orderId, trade.order.orderRef, trade.order.totalQuantity) == (
        int(order.broker_order_id or 0), replacement.client_order_id, 6.0,
    )  # fmt: skip
    assert trade.order.lmtPrice == 497.0
    assert replacement.status is S.ACCEPTED
    original = rig.journal.order(order.client_order_id)
    assert original is not None
    assert (original.status, original.reason) == (
        S.CANCELLED, f"replaced by {replacement.client_order_id}",
    )  # fmt: skip
    fake.fill(replacement.client_order_id, 6, 497.0)
    rig.manager.pump()
    filled = rig.journal.order(replacement.client_order_id)
    assert filled is not None
    assert (filled.status, filled.filled_quantity) == (S.FILLED, D(6))
    assert rig.journal.positions() == {("core", "ibkr", "SPY"): D(6)}
