"""Market hours in the order path: XNYS holidays, half days and weekends; crypto every day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tetra.core.clock import FixedClock
from tetra.data.calendars import is_open_at, next_open_after
from tetra.data.store_kind import StoreKind
from tetra.execution import MarketHours, Order, OrderRequest, OrderStatus, Side, TimeInForce
from tetra.testing import InMemoryStore
from tetra.testing.brokers import PRICES, InMemoryBroker, Rig, trading_rig

S = OrderStatus
CHRISTMAS = dt.datetime(2026, 12, 25, 15, 0, tzinfo=dt.UTC)  # a Friday, XNYS closed
HALF_DAY = dt.date(2026, 11, 27)  # the day after Thanksgiving: closes 13:00 New York (18:00 UTC)
SUNDAY = dt.datetime(2026, 12, 6, 16, 0, tzinfo=dt.UTC)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


def rig_at(instant: dt.datetime) -> tuple[Rig, InMemoryBroker]:
    clock = FixedClock(instant)
    broker = InMemoryBroker(clock, prices=dict(PRICES))
    store = InMemoryStore(StoreKind.LIVE)
    store.migrate()
    hours = MarketHours(crypto={"BTC", "ETH"})
    return trading_rig(store, {"memory": broker}, clock=clock, hours=hours), broker


def submit(instant: dt.datetime, symbol: str = "SPY", tif: TimeInForce = TimeInForce.DAY) -> Order:
    rig, broker = rig_at(instant)
    request = OrderRequest("core", symbol, Side.BUY, Decimal(1), time_in_force=tif)
    order = rig.manager.submit(request)
    stored = rig.journal.order(order.client_order_id)
    assert stored is not None  # stored either way
    assert stored.status is order.status
    sent = broker.orders_placed.get(order.client_order_id, 0)
    assert sent == (0 if order.status is S.REJECTED else 1)  # a refusal never reaches it
    return order


def test_a_day_order_on_a_holiday_is_refused_with_the_next_open() -> None:
    order = submit(CHRISTMAS)
    assert order.status is S.REJECTED
    assert order.reason.startswith("market closed: XNYS is closed at 2026-12-25 15:00 UTC")
    assert "opens 2026-12-28 14:30 UTC" in order.reason


def test_a_half_day_trades_until_its_early_close_and_no_later() -> None:
    assert submit(at(HALF_DAY, 17, 59)).status is S.FILLED
    refused = submit(at(HALF_DAY, 18, 0))
    assert refused.status is S.REJECTED
    assert "opens 2026-11-30 14:30 UTC" in refused.reason


def test_on_a_weekend_ioc_is_refused_and_an_at_the_open_order_is_sent() -> None:
    refused = submit(SUNDAY, tif=TimeInForce.IOC)
    assert refused.status is S.REJECTED
    assert "opens 2026-12-07 14:30 UTC" in refused.reason
    assert submit(SUNDAY, tif=TimeInForce.OPG).status is not S.REJECTED
    assert submit(SUNDAY, tif=TimeInForce.GTC).status is not S.REJECTED


def test_crypto_trades_on_a_sunday() -> None:
    assert submit(SUNDAY, symbol="BTC").status is S.FILLED


def test_a_regular_session_follows_new_york_daylight_saving() -> None:
    summer = dt.date(2026, 7, 6)  # New York on EDT: the open is 13:30 UTC
    assert submit(at(summer, 13, 30)).status is S.FILLED
    assert submit(at(summer, 13, 29)).status is S.REJECTED


def test_a_time_beyond_the_calendar_is_refused_not_guessed() -> None:
    order = submit(dt.datetime(2031, 1, 6, 15, 0, tzinfo=dt.UTC))
    assert order.status is S.REJECTED
    assert order.reason.startswith("market hours unknown for 2031-01-06 15:00 UTC")


def test_an_order_stored_while_open_is_not_sent_after_the_close_on_restart() -> None:
    rig, broker = rig_at(at(HALF_DAY, 17, 0))
    waiting = Order.from_request(
        OrderRequest("core", "SPY", Side.BUY, Decimal(1)), "crashed-1", "memory", rig.clock.now()
    )
    rig.journal.persist([waiting])  # persisted, then the process died before sending
    rig.journal.flush()
    rig.clock.advance(dt.timedelta(hours=2))  # restarted after the early close
    restarted = trading_rig(
        rig.store, {"memory": broker}, clock=rig.clock, hours=MarketHours(crypto=())
    )
    (recovered,) = restarted.manager.recover()
    assert recovered.status is S.REJECTED
    assert recovered.reason.startswith("market closed")
    assert broker.orders_placed.get("crashed-1", 0) == 0


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (at(HALF_DAY, 14, 29), at(HALF_DAY, 14, 30)),
        (CHRISTMAS, dt.datetime(2026, 12, 28, 14, 30, tzinfo=dt.UTC)),
    ],
)
def test_next_open_comes_from_the_exchange_calendar(
    instant: dt.datetime, expected: dt.datetime
) -> None:
    assert not is_open_at(instant)
    assert next_open_after(instant) == expected
    assert is_open_at(instant, "24/7")


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        is_open_at(dt.datetime(2026, 12, 7, 15, 0))
