"""Binance's user data stream (WebSocket API, signed subscription) on loopback: fills, drops."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from tetra.adapters.brokers.binance import BinanceBroker, BinanceConfig
from tetra.adapters.brokers.binance.stream import BinanceStream
from tetra.core.clock import FixedClock
from tetra.data.store_kind import StoreKind
from tetra.execution import OrderRequest, OrderStatus, OrderType, Side, TimeInForce, reconcile
from tetra.testing import InMemoryStore
from tetra.testing.brokers import Rig, eventually, trading_rig
from tetra.testing.brokers.binance import API_KEY, SECRET_KEY, FakeBinance
from tetra.testing.brokers.binance_stream import FakeBinanceStream

S = OrderStatus
D = Decimal
START = dt.datetime(2025, 3, 3, 14, 30, tzinfo=dt.UTC)
Wired = tuple[FakeBinance, FakeBinanceStream, BinanceStream, Rig]


def config(fake: FakeBinance, feed: FakeBinanceStream, secret: str = SECRET_KEY) -> BinanceConfig:
    return BinanceConfig(API_KEY, secret, base_url=fake.base_url, stream_url=feed.url,
                         heartbeat_seconds=1.0, timeout_seconds=1.0)  # fmt: skip


@pytest.fixture
def wired() -> Iterator[Wired]:
    clock = FixedClock(START)
    with FakeBinance(clock) as fake, FakeBinanceStream(fake) as feed:
        fake.venue.prices["BTC"] = D(60000)
        fake.venue.fill_market_orders = False
        broker = BinanceBroker(config(fake, feed), clock)
        store = InMemoryStore(StoreKind.LIVE)
        store.migrate()
        rig = trading_rig(store, {"binance": broker}, clock=clock)
        stream = BinanceStream(broker, backoff_seconds=0.05).start()
        assert stream.wait_subscribed()
        yield fake, feed, stream, rig
        stream.stop()


def status_of(rig: Rig, client_order_id: str) -> OrderStatus | None:
    rig.manager.pump()
    stored = rig.journal.order(client_order_id)
    return None if stored is None else stored.status


def test_execution_reports_drive_fills_and_duplicates_book_once(wired: Wired) -> None:
    fake, feed, _, rig = wired
    feed.duplicate = True
    order = rig.manager.submit(OrderRequest("core", "BTC", Side.BUY, D("0.01")))
    assert order.status is S.ACCEPTED
    fake.venue.fill(order.client_order_id, D("0.004"), D("59990"))
    fake.venue.fill(order.client_order_id, D("0.006"), D("60010"))
    assert eventually(lambda: status_of(rig, order.client_order_id) is S.FILLED)
    fills = rig.journal.fills()
    assert list(fills["fill_id"]) == ["BTCUSDT-1", "BTCUSDT-2"]  # the REST fills' ids too
    stored = rig.journal.order(order.client_order_id)
    assert stored is not None
    assert stored.average_fill_price == D(60002)


def test_a_cancel_report_names_the_cancelled_order(wired: Wired) -> None:
    fake, _, _, rig = wired
    order = rig.manager.submit(
        OrderRequest("core", "BTC", Side.BUY, D("0.01"), OrderType.LIMIT, TimeInForce.GTC,
                     D(59000))
    )  # fmt: skip
    fake.venue.cancel(fake.venue.placed(order.client_order_id)[1])  # type: ignore[index]
    assert eventually(lambda: status_of(rig, order.client_order_id) is S.CANCELLED)


def test_a_dropped_stream_is_unhealthy_then_resubscribes_and_reconciles(wired: Wired) -> None:
    fake, feed, stream, rig = wired
    reconciled: list[object] = []
    stream.on_reconnect = lambda: reconciled.append(
        reconcile(rig.manager, "binance", "reconnect", rig.clock)
    )
    order = rig.manager.submit(OrderRequest("core", "BTC", Side.BUY, D("0.01")))
    feed.drop()
    assert eventually(lambda: not rig.manager.brokers["binance"].health().healthy)
    refused = rig.manager.submit(OrderRequest("core", "BTC", Side.BUY, D("0.01")))
    assert "binance user data stream down" in refused.reason
    fake.venue.fill(order.client_order_id, D("0.01"), D(60100))  # lost with the socket
    feed.restore()
    assert eventually(lambda: len(reconciled) == 1)
    assert stream.connections == 2
    assert feed.subscriptions == 2
    assert rig.manager.brokers["binance"].health().healthy
    stored = rig.journal.order(order.client_order_id)
    assert stored is not None
    assert (stored.status, stored.filled_quantity) == (S.FILLED, D("0.01"))


def test_a_terminated_event_stream_resubscribes(wired: Wired) -> None:
    _, feed, stream, _ = wired
    feed.terminate()
    assert eventually(lambda: stream.connections == 2)


def test_a_bad_signature_is_refused_and_the_stream_says_why() -> None:
    clock = FixedClock(START)
    with FakeBinance(clock) as fake, FakeBinanceStream(fake) as feed:
        broker = BinanceBroker(config(fake, feed, secret="wrong"), clock)
        stream = BinanceStream(broker, backoff_seconds=0.05).start()
        try:
            assert not stream.wait_subscribed(0.5)
            health = broker.health()
            assert not health.healthy
            assert "-1022" in health.reason
        finally:
            stream.stop()
