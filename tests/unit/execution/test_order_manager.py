"""The order manager over the in-memory broker: risk, persistence, unknown outcomes, events."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tetra.data.ports import Query
from tetra.data.store_kind import StoreKind
from tetra.execution import Order, OrderManagerError, OrderRequest, OrderStatus, OrderType, Side
from tetra.risk.policy import RiskPolicy
from tetra.testing import InMemoryStore
from tetra.testing.brokers import PRICES, InMemoryBroker, Rig, trading_rig

S = OrderStatus
D = Decimal


def buy(symbol: str = "SPY", quantity: str = "10", **extra: object) -> OrderRequest:
    return OrderRequest("core", symbol, Side.BUY, D(quantity), **extra)  # type: ignore[arg-type]


def store() -> InMemoryStore:
    made = InMemoryStore(StoreKind.LIVE)
    made.migrate()
    return made


@pytest.fixture
def broker() -> InMemoryBroker:
    from tetra.core.clock import FixedClock
    from tetra.testing.brokers.rig import START

    return InMemoryBroker(FixedClock(START), prices=dict(PRICES))


@pytest.fixture
def rig(broker: InMemoryBroker) -> Rig:
    return trading_rig(store(), {"memory": broker})


def test_a_market_order_is_persisted_sent_and_filled(rig: Rig, broker: InMemoryBroker) -> None:
    order = rig.manager.submit(buy())
    stored = rig.journal.order(order.client_order_id)
    assert order.status is S.FILLED
    assert order.average_fill_price == D(500)
    assert stored is not None
    assert stored.status is S.FILLED
    assert broker.orders_placed[order.client_order_id] == 1
    assert rig.journal.positions() == {("core", "memory", "SPY"): D(10)}


def test_the_order_is_stored_before_the_broker_sees_it(rig: Rig, broker: InMemoryBroker) -> None:
    seen: list[list[str]] = []
    original = broker.submit

    def spying(order):  # type: ignore[no-untyped-def]
        where = {"client_order_id": order.client_order_id}
        seen.append(list(rig.store.read(Query("execution.orders", where=where))["status"]))
        return original(order)

    broker.submit = spying  # type: ignore[method-assign]
    rig.manager.submit(buy())
    assert seen == [["new"]]


def test_a_risk_denial_is_stored_with_its_reason_and_never_sent(
    broker: InMemoryBroker,
) -> None:
    rig = trading_rig(store(), {"memory": broker}, policy=RiskPolicy(orders={"max_notional": 1000}))
    order = rig.manager.submit(buy(quantity="10"))
    assert order.status is S.REJECTED
    assert order.reason.startswith("risk: notional_above_max")
    assert broker.received == []
    stored = rig.journal.order(order.client_order_id)
    assert stored is not None
    assert stored.reason == order.reason


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (buy("NOPE"), "unknown_symbol"),
        (buy(quantity="0"), "quantity_not_positive"),
        (buy(quantity="-5"), "quantity_not_positive"),
        (buy(order_type=OrderType.LIMIT), "price_missing"),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    rig: Rig, broker: InMemoryBroker, request_: OrderRequest, code: str
) -> None:
    order = rig.manager.submit(request_)
    assert order.status is S.REJECTED
    assert f"risk: {code}" in order.reason
    assert broker.received == []


def test_an_unhealthy_broker_is_not_traded_through(rig: Rig, broker: InMemoryBroker) -> None:
    broker.healthy = False
    order = rig.manager.submit(buy())
    assert order.status is S.REJECTED
    assert order.reason == "broker memory is not healthy: no heartbeat"
    assert broker.received == []


def test_a_broker_rejection_is_stored_and_not_retried(rig: Rig, broker: InMemoryBroker) -> None:
    broker.script_submit("reject")
    order = rig.manager.submit(buy())
    assert (order.status, order.reason) == (S.REJECTED, "broker: insufficient buying power")
    assert broker.received == []


def test_a_timeout_after_accept_is_looked_up_not_resent(rig: Rig, broker: InMemoryBroker) -> None:
    broker.script_submit("timeout_after_accept")
    order = rig.manager.submit(buy())
    assert order.status is S.FILLED
    assert broker.orders_placed[order.client_order_id] == 1


def test_a_timeout_before_accept_is_resent_under_the_same_id_once_the_broker_says_so(
    rig: Rig, broker: InMemoryBroker
) -> None:
    broker.script_submit("timeout_before_accept")
    order = rig.manager.submit(buy())
    assert order.status is S.UNKNOWN
    assert broker.received == []
    (resolved,) = rig.manager.resolve_unknown()
    assert resolved.status is S.FILLED
    assert [o.client_order_id for o in broker.received] == [order.client_order_id]


def test_a_failed_lookup_keeps_the_order_unknown(rig: Rig, broker: InMemoryBroker) -> None:
    broker.script_submit("timeout_after_accept")
    broker.script_lookup("timeout")
    order = rig.manager.submit(buy())
    assert order.status is S.UNKNOWN
    assert rig.manager.resolve_unknown()[0].status is S.FILLED
    assert broker.orders_placed[order.client_order_id] == 1


def test_partial_fills_and_duplicate_events_book_each_fill_once(broker: InMemoryBroker) -> None:
    broker.fill_market_orders = False
    rig = trading_rig(store(), {"memory": broker})
    order = rig.manager.submit(buy(quantity="10"))
    broker.fill(order.client_order_id, D(4), D("500.5"))
    broker.repeat_last_event()
    broker.fill(order.client_order_id, D(6), D("499.5"))
    broker.repeat_last_event()
    rig.manager.pump()
    (stored,) = rig.journal.orders()
    assert (stored.status, stored.filled_quantity) == (S.FILLED, D(10))
    assert stored.average_fill_price == D("499.9")
    assert len(rig.journal.fills()) == 2
    assert rig.risk.exposure("core").units["SPY"] == 10.0


def test_cancel_reaches_the_broker_and_is_recorded(broker: InMemoryBroker) -> None:
    broker.fill_market_orders = False
    rig = trading_rig(store(), {"memory": broker})
    order = rig.manager.submit(buy())
    cancelled = rig.manager.cancel(order.client_order_id)
    assert cancelled.status is S.CANCELLED
    assert rig.manager.open_orders() == []


def test_restart_recovers_an_order_persisted_but_never_sent(broker: InMemoryBroker) -> None:
    rig = trading_rig(store(), {"memory": broker})
    # a crash between persist and send: the order is stored, the broker never saw it
    rig.journal.persist([Order.from_request(buy(), "crash-1", "memory", rig.clock.now())])
    after = rig.restart({"memory": broker})
    (recovered,) = after.manager.recover()
    assert recovered.status is S.FILLED
    assert broker.orders_placed["crash-1"] == 1


def test_halt_cancels_open_orders_and_blocks_new_risk_but_not_exits(
    broker: InMemoryBroker,
) -> None:
    broker.fill_market_orders = False
    rig = trading_rig(store(), {"memory": broker}, positions={"SPY": D(100)})
    working = rig.manager.submit(buy("QQQ"))
    assert rig.manager.halt("*", "operator", "test") == 1
    assert rig.journal.order(working.client_order_id).status is S.CANCELLED  # type: ignore[union-attr]
    refused = rig.manager.submit(buy("AAPL"))
    assert refused.status is S.REJECTED
    assert "trading_halted" in refused.reason
    exits = rig.manager.flatten("core", "operator flattens")
    assert [(o.symbol, o.side, o.quantity, o.status) for o in exits] == [
        ("SPY", Side.SELL, D(100), S.ACCEPTED)
    ]
    assert [o.symbol for o in broker.received] == ["QQQ", "SPY"]


def test_order_states_and_broker_health_are_counted_in_the_telemetry(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tetra.adapters.metrics.prometheus import MULTIPROCESS_ENV, PrometheusTelemetry
    from tetra.core.telemetry import install

    monkeypatch.delenv(MULTIPROCESS_ENV, raising=False)
    sink = PrometheusTelemetry()
    previous = install(sink)
    try:
        order = rig.manager.submit(buy())
    finally:
        install(previous)

    sample = sink.registry.get_sample_value
    assert order.status is S.FILLED
    assert sample("tetra_orders_total", {"broker": "memory", "state": "filled"}) == 1
    assert sample("tetra_orders_total", {"broker": "memory", "state": "submitted"}) == 1
    assert sample("tetra_broker_up", {"broker": "memory"}) == 1


def test_a_request_naming_a_stored_client_id_returns_that_order_and_sends_nothing(
    rig: Rig, broker: InMemoryBroker
) -> None:
    first = rig.manager.submit(buy(client_order_id="fixed-id-1"))
    again = rig.manager.submit_many([buy(client_order_id="fixed-id-1"), buy("QQQ", "2")])
    assert again[0].client_order_id == first.client_order_id
    assert again[0].status is S.FILLED
    assert broker.orders_placed["fixed-id-1"] == 1
    assert again[1].status is S.FILLED
    with pytest.raises(OrderManagerError, match="same client order id"):
        rig.manager.submit_many([buy(client_order_id="x"), buy(client_order_id="x")])


def test_recovery_leaves_other_brokers_orders_alone(rig: Rig, broker: InMemoryBroker) -> None:
    broker.fill_market_orders = False
    working = rig.manager.submit(buy())
    rig.journal.flush()
    other = InMemoryBroker(rig.clock, name="elsewhere")
    again = rig.restart({"elsewhere": other})
    assert again.manager.recover() == []  # the memory broker's order is not this manager's
    stored = again.journal.order(working.client_order_id)
    assert stored is not None
    assert stored.status is S.ACCEPTED
