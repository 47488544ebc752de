"""The Alpaca trade_updates stream over a WebSocket on loopback: fills, duplicates, drops."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from tetra.adapters.brokers.alpaca import AlpacaBroker, AlpacaConfig
from tetra.adapters.brokers.alpaca.stream import AlpacaStream
from tetra.core.clock import FixedClock
from tetra.data.store_kind import StoreKind
from tetra.execution import OrderRequest, OrderStatus, Side, reconcile
from tetra.testing import InMemoryStore
from tetra.testing.brokers import Rig, eventually, trading_rig
from tetra.testing.brokers.alpaca import KEY_ID, SECRET, FakeAlpaca
from tetra.testing.brokers.alpaca_stream import FakeAlpacaStream

S = OrderStatus
D = Decimal
START = dt.datetime(2025, 3, 3, 14, 30, tzinfo=dt.UTC)


@pytest.fixture
def wired() -> Iterator[tuple[FakeAlpaca, FakeAlpacaStream, AlpacaStream, Rig]]:
    clock = FixedClock(START)
    with FakeAlpaca(clock) as fake, FakeAlpacaStream(fake) as feed:
        fake.venue.prices["SPY"] = D(500)
        fake.venue.fill_market_orders = False
        config = AlpacaConfig(KEY_ID, SECRET, base_url=fake.base_url, stream_url=feed.url,
                              heartbeat_seconds=1.0)  # fmt: skip
        broker = AlpacaBroker(config, clock)
        store = InMemoryStore(StoreKind.LIVE)
        store.migrate()
        rig = trading_rig(store, {"alpaca": broker}, clock=clock)
        stream = AlpacaStream(broker, backoff_seconds=0.05).start()
        assert stream.wait_listening()
        yield fake, feed, stream, rig
        stream.stop()


def test_fills_arrive_by_the_stream_and_duplicates_book_once(
    wired: tuple[FakeAlpaca, FakeAlpacaStream, AlpacaStream, Rig],
) -> None:
    fake, feed, _, rig = wired
    feed.duplicate = True
    order = rig.manager.submit(OrderRequest("core", "SPY", Side.BUY, D(10)))
    fake.venue.fill(order.client_order_id, D(4), D("499.5"))
    fake.venue.fill(order.client_order_id, D(6), D("500.5"))

    def filled() -> bool:
        rig.manager.pump()
        stored = rig.journal.order(order.client_order_id)
        return stored is not None and stored.status is S.FILLED

    assert eventually(filled)
    assert len(rig.journal.fills()) == 2
    assert rig.journal.order(order.client_order_id).average_fill_price == D("500.1")  # type: ignore[union-attr]


def test_a_dropped_stream_is_unhealthy_then_reconnects_and_reconciles_the_missed_fill(
    wired: tuple[FakeAlpaca, FakeAlpacaStream, AlpacaStream, Rig],
) -> None:
    fake, feed, stream, rig = wired
    reconciled: list[object] = []
    stream.on_reconnect = lambda: reconciled.append(
        reconcile(rig.manager, "alpaca", "reconnect", rig.clock)
    )
    order = rig.manager.submit(OrderRequest("core", "SPY", Side.BUY, D(10)))
    feed.drop()
    assert eventually(lambda: not rig.manager.brokers["alpaca"].health().healthy)
    refused = rig.manager.submit(OrderRequest("core", "SPY", Side.BUY, D(1)))
    assert "trade_updates stream down" in refused.reason
    fake.venue.fill(order.client_order_id, D(10), D(501))  # its event is lost with the socket
    feed.restore()
    assert eventually(lambda: len(reconciled) == 1)
    assert rig.manager.brokers["alpaca"].health().healthy
    stored = rig.journal.order(order.client_order_id)
    assert stored is not None
    assert (stored.status, stored.filled_quantity) == (S.FILLED, D(10))
