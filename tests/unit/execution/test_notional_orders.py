"""Notional orders through the order manager: sized by the venue, checked at the last close."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tetra.core.clock import FixedClock
from tetra.data.store_kind import StoreKind
from tetra.execution import OrderRequest, OrderStatus, OrderType, Side, TimeInForce
from tetra.testing import InMemoryStore
from tetra.testing.brokers import PRICES, InMemoryBroker, Rig, trading_rig
from tetra.testing.brokers.rig import START

S = OrderStatus
D = Decimal


def spend(amount: str, symbol: str = "SPY", **extra: object) -> OrderRequest:
    return OrderRequest("core", symbol, Side.BUY, D(0), notional=D(amount), **extra)  # type: ignore[arg-type]


@pytest.fixture
def broker() -> InMemoryBroker:
    return InMemoryBroker(FixedClock(START), prices=dict(PRICES))


@pytest.fixture
def rig(broker: InMemoryBroker) -> Rig:
    store = InMemoryStore(StoreKind.LIVE)
    store.migrate()
    return trading_rig(store, {"memory": broker})


def test_a_notional_order_fills_what_the_amount_buys_and_keeps_both(rig: Rig) -> None:
    order = rig.manager.submit(spend("1250"))
    assert (order.status, order.quantity, order.filled_quantity) == (S.FILLED, D("2.5"), D("2.5"))
    stored = rig.journal.order(order.client_order_id)
    assert stored is not None
    assert (stored.notional, stored.quantity, stored.average_fill_price) == (
        D(1250), D("2.5"), D(500),
    )  # fmt: skip
    assert rig.journal.positions() == {("core", "memory", "SPY"): D("2.5")}


def test_a_notional_order_stays_partly_filled_until_the_broker_says_filled(
    rig: Rig, broker: InMemoryBroker
) -> None:
    broker.fill_market_orders = False
    order = rig.manager.submit(spend("1000"))
    assert order.status is S.ACCEPTED
    broker.fill(order.client_order_id, D(1), D(500))  # the memory venue calls this done
    rig.manager.pump()
    done = rig.journal.order(order.client_order_id)
    assert done is not None
    assert (done.status, done.quantity) == (S.FILLED, D(1))


def test_a_notional_order_is_risk_checked_at_the_last_close(rig: Rig) -> None:
    order = rig.manager.submit(spend("2000000"))  # 4,000 SPY at 500: beyond buying power
    assert order.status is S.REJECTED
    assert order.reason.startswith("risk: ")


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (spend("0"), "notional must be positive"),
        (
            spend("1000", order_type=OrderType.LIMIT, limit_price=D(490),
                  time_in_force=TimeInForce.GTC),
            "notional orders are market orders",
        ),
        (spend("1000", symbol="XOM"), "no last close for XOM"),
    ],
)  # fmt: skip
def test_a_notional_order_that_cannot_be_sized_is_stored_with_the_reason(
    rig: Rig, broker: InMemoryBroker, request_: OrderRequest, reason: str
) -> None:
    order = rig.manager.submit(request_)
    assert order.status is S.REJECTED
    assert reason in order.reason
    assert broker.orders_placed[order.client_order_id] == 0
