"""What one execution becomes in a book's ledger: id, session, sign, exact price and fee."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tetra.execution import Fill, LedgerPosting, MarketHours, Order, OrderRequest, Side
from tetra.testing import InMemoryBookStore

D = Decimal
FRIDAY_EVENING = dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC)  # 18:30 New York, Friday
SUNDAY_EVENING = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)  # 20:00 New York, Sunday
CHRISTMAS = dt.datetime(2026, 12, 25, 15, 0, tzinfo=dt.UTC)  # XNYS closed


def posting() -> LedgerPosting:
    return LedgerPosting(InMemoryBookStore(), MarketHours(crypto={"BTC"}))


def an_order(symbol: str, side: Side) -> Order:
    request = OrderRequest("alpha", symbol, side, D(2), decision_price=D("500.5"))
    return Order.from_request(request, "cid-1", "ibkr", FRIDAY_EVENING)


def test_a_sell_books_a_negative_quantity_with_its_fee_under_the_brokers_execution_id() -> None:
    execution = Fill("0001f4e5.01", "cid-1", D(2), D("501.25"), FRIDAY_EVENING, D("0.35"))

    booked = posting().ledger_fill(an_order("SPY", Side.SELL), execution)

    assert (booked.fill_id, booked.order_id) == ("ibkr:0001f4e5.01", "cid-1")
    assert (booked.quantity, booked.price, booked.fee) == (D(-2), D("501.25"), D("0.35"))
    assert (booked.at, booked.decision_price) == (FRIDAY_EVENING, D("500.5"))
    assert booked.session == dt.date(2026, 12, 4)  # the New York date, not the UTC one


def test_float_noise_beyond_the_stores_twelve_places_is_rounded_off() -> None:
    noisy = D(repr(0.1 + 0.2))  # 0.30000000000000004, as IB's floats arrive
    execution = Fill("x", "cid-1", D(2), noisy, FRIDAY_EVENING, D(repr(1.1 * 3)))

    booked = posting().ledger_fill(an_order("BTC", Side.BUY), execution)

    assert (booked.price, booked.fee) == (D("0.300000000000"), D("3.300000000000"))


@pytest.mark.parametrize(
    ("symbol", "at", "session"),
    [
        ("SPY", SUNDAY_EVENING, dt.date(2026, 12, 7)),  # overnight trading: Monday's session
        ("SPY", CHRISTMAS, dt.date(2026, 12, 28)),  # no session that day: the next one
        ("BTC", FRIDAY_EVENING, dt.date(2026, 12, 4)),  # crypto: the UTC date
        ("BTC", SUNDAY_EVENING, dt.date(2026, 12, 7)),
    ],
)
def test_a_fill_belongs_to_its_exchange_session(
    symbol: str, at: dt.datetime, session: dt.date
) -> None:
    assert MarketHours(crypto={"BTC"}).session_of(symbol, at) == session
