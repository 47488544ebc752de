"""The order manager over the wire fakes: Alpaca's and Binance's formats and their faults."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from tetra.adapters.brokers.alpaca import AlpacaBroker, AlpacaConfig
from tetra.adapters.brokers.binance import BinanceBroker, BinanceConfig
from tetra.core.clock import FixedClock
from tetra.data.store_kind import StoreKind
from tetra.execution import OrderRequest, OrderStatus, OrderType, Side, TimeInForce
from tetra.testing import InMemoryStore
from tetra.testing.brokers import Rig, trading_rig
from tetra.testing.brokers.alpaca import KEY_ID, SECRET, FakeAlpaca
from tetra.testing.brokers.binance import API_KEY, SECRET_KEY, FakeBinance

S = OrderStatus
D = Decimal
START = dt.datetime(2025, 3, 3, 14, 30, tzinfo=dt.UTC)


def fresh_store() -> InMemoryStore:
    store = InMemoryStore(StoreKind.LIVE)
    store.migrate()
    return store


@pytest.fixture
def alpaca() -> Iterator[tuple[FakeAlpaca, Rig]]:
    clock = FixedClock(START)
    with FakeAlpaca(clock, crypto=frozenset({"BTC"}), delay=0.3) as fake:
        fake.venue.prices.update({"SPY": D(500), "BTC": D(60000)})
        config = AlpacaConfig(KEY_ID, SECRET, base_url=fake.base_url, timeout_seconds=0.1)
        broker = AlpacaBroker(config, clock, crypto=frozenset({"BTC"}))
        yield fake, trading_rig(fresh_store(), {"alpaca": broker}, clock=clock)


@pytest.fixture
def binance() -> Iterator[tuple[FakeBinance, Rig]]:
    clock = FixedClock(START)
    with FakeBinance(clock, delay=0.3, tick_size=D("0.5")) as fake:
        fake.venue.prices.update({"BTC": D(60000)})
        config = BinanceConfig(API_KEY, SECRET_KEY, base_url=fake.base_url, timeout_seconds=0.1)
        yield (
            fake,
            trading_rig(fresh_store(), {"binance": BinanceBroker(config, clock)}, clock=clock),
        )


@pytest.mark.parametrize("fault", ["timeout_after_accept", "500_after_accept", "drop_after_accept"])
def test_alpaca_lost_answers_are_looked_up_and_never_resent(
    alpaca: tuple[FakeAlpaca, Rig], fault: str
) -> None:
    fake, rig = alpaca
    fake.script(fault)
    order = rig.manager.submit(OrderRequest("core", "SPY", Side.BUY, D(3)))
    assert order.status is S.FILLED
    assert fake.venue.orders_placed == {order.client_order_id: 1}
    assert [m for m, p in fake.requests if p == "/v2/orders"] == ["POST"]


def test_alpaca_rate_limit_is_not_sent_and_says_so(alpaca: tuple[FakeAlpaca, Rig]) -> None:
    fake, rig = alpaca
    fake.script("429")
    order = rig.manager.submit(OrderRequest("core", "SPY", Side.BUY, D(3)))
    assert order.status is S.REJECTED
    assert "rate limited; retry after 1 s" in order.reason
    assert fake.venue.received == []


def test_alpaca_crypto_symbols_are_normalised_both_ways(alpaca: tuple[FakeAlpaca, Rig]) -> None:
    fake, rig = alpaca
    order = rig.manager.submit(
        OrderRequest("core", "BTC", Side.BUY, D("0.5"), time_in_force=TimeInForce.GTC)
    )
    assert order.status is S.FILLED
    broker = rig.manager.brokers["alpaca"]
    assert broker.positions() == {"BTC": D("0.5")}
    assert fake.positions_json()[0]["symbol"] == "BTCUSD"


def test_alpaca_stream_duplicates_book_one_fill(alpaca: tuple[FakeAlpaca, Rig]) -> None:
    from tetra.adapters.brokers.alpaca.parsing import trade_update

    fake, rig = alpaca
    fake.venue.fill_market_orders = False
    order = rig.manager.submit(OrderRequest("core", "SPY", Side.BUY, D(3)))
    broker = rig.manager.brokers["alpaca"]
    assert isinstance(broker, AlpacaBroker)
    message = {
        "event": "fill", "execution_id": "e-1", "timestamp": "2025-03-03T14:30:01Z",
        "price": "500.25", "qty": "3", "position_qty": "3",
        "order": {"id": order.broker_order_id, "client_order_id": order.client_order_id,
                  "symbol": "SPY", "status": "filled"},
    }  # fmt: skip
    for _ in range(2):
        event = trade_update(message)
        assert event is not None
        broker.accept_event(event)
    rig.manager.pump()
    (stored,) = rig.journal.orders()
    assert (stored.status, stored.average_fill_price) == (S.FILLED, D("500.25"))
    assert len(rig.journal.fills()) == 1


@pytest.mark.parametrize("fault", ["timeout_after_accept", "503_after_accept", "-1007"])
def test_binance_unknown_outcomes_are_looked_up_and_never_resent(
    binance: tuple[FakeBinance, Rig], fault: str
) -> None:
    fake, rig = binance
    fake.script(fault)
    order = rig.manager.submit(
        OrderRequest("core", "BTC", Side.BUY, D("0.01"), time_in_force=TimeInForce.GTC)
    )
    assert order.status is S.FILLED
    assert order.filled_quantity == D("0.01")
    assert fake.venue.orders_placed == {order.client_order_id: 1}
    assert fake.orders_posted() == 1


@pytest.mark.parametrize(
    ("quantity", "limit", "reason"),
    [
        (
            "0.000015",
            "60000",
            "LOT_SIZE: quantity 0.000015 is off the step 0.00001; 0.00001 is valid",
        ),
        ("0.00001", "60000", "NOTIONAL: notional 0.6 is below 5"),
        ("0.00001", "0.25", "PRICE_FILTER: price 0.25 rounds to 0 on the tick 0.5"),
    ],
)
def test_binance_filter_violations_are_refused_before_sending(
    binance: tuple[FakeBinance, Rig], quantity: str, limit: str, reason: str
) -> None:
    fake, rig = binance
    request = OrderRequest(
        "core", "BTC", Side.BUY, D(quantity), OrderType.LIMIT, TimeInForce.GTC, D(limit)
    )
    order = rig.manager.submit(request)
    assert order.status is S.REJECTED
    assert reason in order.reason
    assert fake.orders_posted() == 0


def test_binance_prices_are_rounded_to_the_tick_in_the_safe_direction(
    binance: tuple[FakeBinance, Rig],
) -> None:
    fake, rig = binance
    for side, price in ((Side.BUY, "59000.49"), (Side.SELL, "61000.01")):
        rig.manager.submit(
            OrderRequest(
                "core", "BTC", side, D("0.001"), OrderType.LIMIT, TimeInForce.GTC, D(price)
            )
        )
    assert [p["price"] for m, path, p in fake.requests if m == "POST"] == ["59000", "61000.5"]


def test_binance_signature_with_a_wrong_secret_is_refused(binance: tuple[FakeBinance, Rig]) -> None:
    fake, _ = binance
    config = BinanceConfig(API_KEY, "wrong", base_url=fake.base_url)
    from tetra.execution import BrokerRejected

    with pytest.raises(BrokerRejected, match="Signature for this request is not valid"):
        BinanceBroker(config, FixedClock(START)).account()


def limit_request(symbol: str, quantity: str, limit: str) -> OrderRequest:
    return OrderRequest(
        "core", symbol, Side.BUY, D(quantity), OrderType.LIMIT, TimeInForce.GTC, D(limit)
    )


def test_alpaca_replace_is_a_patch_that_makes_a_new_order(
    alpaca: tuple[FakeAlpaca, Rig],
) -> None:
    fake, rig = alpaca
    order = rig.manager.submit(limit_request("SPY", "10", "490"))
    replacement = rig.manager.replace(order.client_order_id, limit_price=D(495))
    assert ("PATCH", f"/v2/orders/{order.broker_order_id}") in fake.requests
    assert replacement.status is S.ACCEPTED
    assert replacement.broker_order_id not in (None, order.broker_order_id)
    original = rig.journal.order(order.client_order_id)
    assert original is not None
    assert original.status is S.CANCELLED  # Alpaca says "replaced"


def test_alpaca_replace_whose_answer_is_lost_is_looked_up_by_the_new_id(
    alpaca: tuple[FakeAlpaca, Rig],
) -> None:
    fake, rig = alpaca
    order = rig.manager.submit(limit_request("SPY", "10", "490"))
    fake.script("500_after_accept")
    replacement = rig.manager.replace(order.client_order_id, quantity=D(4))
    assert replacement.status is S.ACCEPTED
    assert sum(1 for method, _ in fake.requests if method == "PATCH") == 1
    assert [o.client_order_id for o in rig.manager.open_orders()] == [replacement.client_order_id]


def test_binance_replace_is_a_cancel_replace(binance: tuple[FakeBinance, Rig]) -> None:
    fake, rig = binance
    order = rig.manager.submit(limit_request("BTC", "0.01", "59000"))
    replacement = rig.manager.replace(order.client_order_id, limit_price=D("59100.3"))
    [params] = [p for m, path, p in fake.requests if path == "/api/v3/order/cancelReplace"]
    assert (params["cancelReplaceMode"], params["cancelOrigClientOrderId"]) == (
        "STOP_ON_FAILURE", order.client_order_id,
    )  # fmt: skip
    assert params["price"] == "59100"  # a buy's price rounds down to the 0.5 tick
    assert (replacement.status, replacement.limit_price) == (S.ACCEPTED, D("59100.3"))
    original = rig.journal.order(order.client_order_id)
    assert original is not None
    assert original.status is S.CANCELLED


def test_binance_partial_cancel_replace_failure_cancels_the_original_and_says_why(
    binance: tuple[FakeBinance, Rig],
) -> None:
    fake, rig = binance
    order = rig.manager.submit(limit_request("BTC", "0.01", "59000"))
    fake.script("reject")  # cancel goes through, the new order fails: HTTP 409, -2021
    replacement = rig.manager.replace(order.client_order_id, quantity=D("0.02"))
    assert replacement.status is S.REJECTED
    assert "partially failed" in replacement.reason
    assert "insufficient balance" in replacement.reason
    original = rig.journal.order(order.client_order_id)
    assert original is not None
    assert (original.status, original.replaced_by) == (S.CANCELLED, None)
    assert rig.manager.open_orders() == []
