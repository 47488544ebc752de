"""The broker port's contract, run on every adapter: paper, Alpaca, Binance and IB.

Alpaca and Binance run against their wire fakes on loopback; IB against `FakeIB`, which fakes
ib_async's ``IB`` object (not the TWS socket protocol: no maintained fake gateway exists).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
from broker_venues import Venue, open_venue

from tetra.core.clock import FixedClock
from tetra.execution import (
    Amendment,
    BrokerRejected,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
)
from tetra.execution.orders import TimeInForce

S = OrderStatus
D = Decimal
START = dt.datetime(2025, 3, 3, 14, 30, tzinfo=dt.UTC)
BROKERS = ["memory", "paper", "alpaca", "binance", "ibkr"]


@pytest.fixture(params=BROKERS)
def venue(request: pytest.FixtureRequest) -> Iterator[Venue]:
    with open_venue(request.param, FixedClock(START)) as opened:
        opened.price(opened.symbol, D(500))
        yield opened


def an_order(
    venue: Venue, side: Side = Side.BUY, quantity: str = "10", limit: str | None = None
) -> Order:
    request = OrderRequest(
        "core", venue.symbol, side, D(quantity),
        OrderType.LIMIT if limit else OrderType.MARKET,
        TimeInForce.GTC if limit else TimeInForce.DAY,
        D(limit) if limit else None,
    )  # fmt: skip
    return Order.from_request(request, str(uuid.uuid4()), venue.broker.name, START)


def test_a_market_order_fills_at_the_venue_price(venue: Venue) -> None:
    order = an_order(venue)
    venue.broker.submit(order)
    view = venue.broker.lookup(order)
    assert view is not None
    assert (view.status, view.filled_quantity, view.average_fill_price) == (S.FILLED, D(10), D(500))
    assert venue.broker.positions() == {venue.symbol: D(10)}


def test_a_working_order_is_open_until_cancelled(venue: Venue) -> None:
    order = an_order(venue, limit="400")
    assert venue.broker.submit(order).status is S.ACCEPTED
    assert [o.client_order_id for o in venue.broker.open_orders()] == [order.client_order_id]
    venue.broker.cancel(order)
    view = venue.broker.lookup(order)
    assert view is not None
    assert view.status is S.CANCELLED
    assert venue.broker.open_orders() == []
    venue.broker.cancel(order)  # cancelling a done order is no error


def test_a_partial_fill_shows_its_quantity_and_price(venue: Venue) -> None:
    if not venue.partial_fills:
        pytest.skip("this venue fills whole orders")
    order = an_order(venue, limit="400")
    venue.broker.submit(order)
    venue.fill_part(order, D(4), D("399.5"))
    view = venue.broker.lookup(order)
    assert view is not None
    assert (view.status, view.filled_quantity, view.average_fill_price) == (
        S.PARTIALLY_FILLED, D(4), D("399.5"),
    )  # fmt: skip


def test_a_refusal_raises_with_the_reason_and_leaves_no_order(venue: Venue) -> None:
    venue.reject_next()
    order = an_order(venue)
    with pytest.raises(BrokerRejected, match=r"insufficient (buying power|balance)") as refused:
        venue.broker.submit(order)
    assert not refused.value.duplicate
    view = venue.broker.lookup(order)  # none, or (IB keeps refused orders) a rejected one
    assert view is None or view.status is S.REJECTED
    assert venue.broker.open_orders() == []


def test_an_order_never_sent_is_not_found(venue: Venue) -> None:
    assert venue.broker.lookup(an_order(venue)) is None


def test_a_restarted_adapter_finds_the_orders_of_the_venue(venue: Venue) -> None:
    order = an_order(venue, limit="400")
    venue.broker.submit(order)
    again = venue.restart()
    view = again.lookup(order)
    assert view is not None
    assert view.status is S.ACCEPTED
    assert [o.client_order_id for o in again.open_orders()] == [order.client_order_id]


def test_the_same_client_order_id_never_makes_a_second_order(venue: Venue) -> None:
    order = an_order(venue, limit="400")
    first = venue.broker.submit(order)
    with pytest.raises(BrokerRejected) as refused:
        venue.broker.submit(order)
    assert refused.value.duplicate
    assert [o.broker_order_id for o in venue.broker.open_orders()] == [first.broker_order_id]


def test_cancel_all_leaves_nothing_open(venue: Venue) -> None:
    venue.broker.submit(an_order(venue, limit="400"))
    venue.broker.submit(an_order(venue, limit="390"))
    venue.broker.cancel_all()
    assert venue.broker.open_orders() == []


def test_a_healthy_venue_says_so_and_reports_an_account(venue: Venue) -> None:
    assert venue.broker.health().healthy
    assert venue.broker.account().equity > 0


def a_replacement(order: Order, quantity: str, limit: str) -> Order:
    amend = Amendment(quantity=D(quantity), limit_price=D(limit))
    return order.replaced_with(amend, str(uuid.uuid4()), START)


def test_a_replace_amends_a_working_order_under_a_new_client_id(venue: Venue) -> None:
    order = an_order(venue, limit="400")
    placed = venue.broker.submit(order)
    working = replace(order, status=S.ACCEPTED, broker_order_id=placed.broker_order_id)
    replacement = a_replacement(working, "6", "410")
    view = venue.broker.replace(working, replacement)
    assert (view.client_order_id, view.status, view.quantity) == (
        replacement.client_order_id, S.ACCEPTED, D(6),
    )  # fmt: skip
    assert [o.client_order_id for o in venue.broker.open_orders()] == [replacement.client_order_id]
    before = venue.broker.lookup(order)  # IB: the modified order answers to the new id
    assert before is None or before.status is S.CANCELLED
    found = venue.broker.lookup(replacement)
    assert found is not None
    assert (found.status, found.quantity) == (S.ACCEPTED, D(6))


def test_a_replacement_fills_by_its_new_quantity(venue: Venue) -> None:
    if not venue.partial_fills:
        pytest.skip("this venue fills whole orders")
    order = an_order(venue, limit="400")
    venue.broker.submit(order)
    working = replace(order, status=S.ACCEPTED)
    replacement = a_replacement(working, "6", "410")
    venue.broker.replace(working, replacement)
    venue.fill_part(replacement, D(6), D(410))
    view = venue.broker.lookup(replacement)
    assert view is not None
    assert (view.status, view.filled_quantity, view.average_fill_price) == (S.FILLED, D(6), D(410))
    assert venue.broker.positions() == {venue.symbol: D(6)}


def test_replacing_an_order_that_is_done_is_refused(venue: Venue) -> None:
    order = an_order(venue, limit="400")
    venue.broker.submit(order)
    venue.broker.cancel(order)
    working = replace(order, status=S.ACCEPTED)
    with pytest.raises(BrokerRejected) as refused:
        venue.broker.replace(working, a_replacement(working, "6", "410"))
    assert not refused.value.duplicate
    assert venue.broker.open_orders() == []


NOTIONAL_VENUES = {"memory", "paper", "alpaca", "binance"}


def a_notional_order(venue: Venue, amount: str) -> Order:
    crypto = venue.symbol == "BTC"
    request = OrderRequest(
        "core", venue.symbol, Side.BUY, D(0), OrderType.MARKET,
        TimeInForce.GTC if crypto else TimeInForce.DAY, notional=D(amount),
    )  # fmt: skip
    return Order.from_request(request, str(uuid.uuid4()), venue.broker.name, START)


def test_a_notional_market_order_buys_what_the_amount_pays_for(venue: Venue) -> None:
    order = a_notional_order(venue, "1234.5")
    if venue.broker.name not in NOTIONAL_VENUES:
        with pytest.raises(BrokerRejected, match="notional"):
            venue.broker.submit(order)
        assert venue.broker.open_orders() == []
        return
    venue.broker.submit(order)
    view = venue.broker.lookup(order)
    assert view is not None
    assert view.status is S.FILLED
    assert view.average_fill_price == D(500)
    # 1234.5 / 500 = 2.469: whole at 1e-9 (Alpaca, paper), down to Binance's 0.00001 step
    assert view.filled_quantity == D("2.469")
    assert venue.broker.positions() == {venue.symbol: D("2.469")}


def test_a_notional_limit_order_is_refused_before_sending(venue: Venue) -> None:
    if venue.broker.name == "memory":
        pytest.skip("the reference fake takes whatever it is given")
    order = replace(a_notional_order(venue, "1000"), order_type=OrderType.LIMIT, limit_price=D(1))
    with pytest.raises(BrokerRejected, match=r"notional|quoteOrderQty"):
        venue.broker.submit(order)
    assert venue.broker.open_orders() == []
