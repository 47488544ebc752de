"""End to end over the fake Alpaca on loopback: an approved order's fills reach the book's ledger.

A `recommend` book's recommendation is approved (`send_recommendations`, what `tetra trade
approve` and the API call), the venue fills it in two parts over the ``trade_updates``
stream (every event sent twice), and the ledger in DuckDB holds the position and the cash to
the last digit. Events delivered again, to the same process or to a restarted one, and a
crash between the ledger's write and the journal's, change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from tetra.adapters.brokers.alpaca import AlpacaBroker, AlpacaConfig
from tetra.adapters.brokers.alpaca.stream import AlpacaStream
from tetra.adapters.brokers.factory import book_ledgers
from tetra.adapters.stores import open_store
from tetra.core.clock import FixedClock
from tetra.cycle.decide import Recommendation
from tetra.cycle.orders import send_recommendations
from tetra.data.ports import Store
from tetra.execution import BrokerEvent, OrderStatus, reconcile
from tetra.portfolio import Ledger, StoredBooks, ledger_as_of, parse_book
from tetra.testing.brokers import Rig, eventually, trading_rig
from tetra.testing.brokers.alpaca import KEY_ID, SECRET, FakeAlpaca
from tetra.testing.brokers.alpaca_stream import FakeAlpacaStream

D = Decimal
S = OrderStatus
START = dt.datetime(2025, 3, 3, 14, 30, tzinfo=dt.UTC)  # a Monday, XNYS open
SESSION = START.date()
DECIDED = dt.date(2025, 2, 28)  # the session whose close the recommendation was made at
CAPITAL = D("25000")
PAID = D(4) * D("499.5") + D(6) * D("500.25")  # 4,999.50
DECISION = D("499.87")  # the recommendation's close


@dataclass
class Desk:
    """A process trading through the fake Alpaca: its adapter, stream and order manager."""

    fake: FakeAlpaca
    feed: FakeAlpacaStream
    store: Store
    stream: AlpacaStream
    rig: Rig
    delivered: list[BrokerEvent]  # every event the stream handed this process's adapter

    def ledger(self) -> Ledger:
        books = StoredBooks(self.store)
        version = books.book("alpha")
        assert version is not None
        return ledger_as_of(books, version.book, SESSION)

    def fills_delivered(self, count: int) -> bool:
        """Wait until the stream has handed this process `count` fill events."""
        return eventually(lambda: sum(e.fill is not None for e in self.delivered) >= count)

    def filled(self, client_order_id: str, quantity: Decimal) -> bool:
        def done() -> bool:
            self.rig.manager.pump()
            stored = self.rig.journal.order(client_order_id)
            return stored is not None and stored.filled_quantity == quantity

        return eventually(done)

    def restart(self) -> Desk:
        """Stop this process's stream and start a new process over the same store and venue."""
        self.stream.stop()
        return connect(self.fake, self.feed, self.store)


def connect(fake: FakeAlpaca, feed: FakeAlpacaStream, store: Store) -> Desk:
    clock = FixedClock(START)
    config = AlpacaConfig(KEY_ID, SECRET, base_url=fake.base_url, stream_url=feed.url)
    broker = AlpacaBroker(config, clock)
    delivered: list[BrokerEvent] = []
    accept = broker.accept_event

    def recording(event: BrokerEvent) -> None:
        delivered.append(event)
        accept(event)

    broker.accept_event = recording  # type: ignore[method-assign]
    ledgers = book_ledgers(store)
    rig = trading_rig(store, {"alpaca": broker}, clock=clock, book="alpha", ledger=ledgers)
    rig.manager.recover()
    stream = AlpacaStream(broker, backoff_seconds=0.05).start()
    assert stream.wait_listening()
    return Desk(fake, feed, store, stream, rig, delivered)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    store = open_store(str(tmp_path / "tetra.duckdb"))
    book = parse_book(
        "alpha",
        {
            "capital": str(CAPITAL),
            "symbols": ["SPY"],
            "mode": "recommend",
            "strategies": [{"strategy": "buy_and_hold", "weight": "1"}],
        },
    )
    StoredBooks(store).save_book(book, at=START)
    with FakeAlpaca(FixedClock(START)) as fake, FakeAlpacaStream(fake) as feed:
        fake.venue.prices["SPY"] = D(500)
        fake.venue.fill_market_orders = False
        feed.duplicate = True
        opened = connect(fake, feed, store)
        yield opened
        opened.stream.stop()
    store.close()


def approve(desk: Desk) -> str:
    """Approve book alpha's recommendation to buy 10 SPY; return its client order id."""
    wanted = Recommendation("SPY", D(10), D(0), D(10), DECISION, ({"strategy": "buy_and_hold"},))
    (order,) = send_recommendations(desk.rig.manager, "alpha", DECIDED, [wanted])
    assert order.status is S.ACCEPTED
    return order.client_order_id


def test_an_approved_order_filled_in_two_parts_books_the_ledger_exactly(desk: Desk) -> None:
    placed = approve(desk)
    first = desk.fake.venue.fill(placed, D(4), D("499.5"))
    second = desk.fake.venue.fill(placed, D(6), D("500.25"))
    assert desk.filled(placed, D(10))

    ledger = desk.ledger()
    assert ledger.quantity("SPY") == D(10)
    assert ledger.positions["SPY"].cost == PAID
    assert ledger.cash == CAPITAL - PAID
    assert ledger.cash == D("20000.5")
    assert [(f.fill_id, f.order_id, f.session, f.decision_price) for f in ledger.fills] == [
        (f"alpaca:{first.execution_id}", placed, SESSION, DECISION),
        (f"alpaca:{second.execution_id}", placed, SESSION, DECISION),
    ]
    assert [f.slippage for f in ledger.fills] == [D("-1.48"), D("2.28")]

    desk.fake.venue.repeat_last_event()  # delivered again to this process
    assert desk.fills_delivered(5)  # 2 fills, each sent twice, and the repeat
    desk.rig.manager.pump()
    restarted = desk.restart()
    desk.fake.venue.repeat_last_event()  # and to the next one, whose adapter has not seen it
    assert restarted.fills_delivered(2)
    restarted.rig.manager.pump()

    again = restarted.ledger()
    assert (again.quantity("SPY"), again.cash, len(again.fills)) == (D(10), CAPITAL - PAID, 2)


def test_a_restart_between_two_partial_fills_books_each_once(desk: Desk) -> None:
    placed = approve(desk)
    desk.fake.venue.fill(placed, D(4), D("499.5"))
    assert desk.filled(placed, D(4))

    restarted = desk.restart()
    desk.fake.venue.repeat_last_event()  # the first part again, to the new process
    assert restarted.fills_delivered(2)
    restarted.rig.manager.pump()
    desk.fake.venue.fill(placed, D(6), D("500.25"))
    assert restarted.filled(placed, D(10))

    ledger = restarted.ledger()
    assert (ledger.quantity("SPY"), ledger.cash, len(ledger.fills)) == (D(10), CAPITAL - PAID, 2)
    # the second part was booked from the order as the new process read it from the journal
    assert [f.decision_price for f in ledger.fills] == [DECISION, DECISION]


def test_a_crash_before_the_journal_is_written_books_no_reconciled_fill_twice(
    desk: Desk,
) -> None:
    placed = approve(desk)
    desk.rig.journal.flush = lambda: None  # type: ignore[method-assign]  # the crash
    desk.fake.venue.fill(placed, D(4), D("499.5"))
    desk.fake.venue.fill(placed, D(6), D("500.25"))
    assert eventually(lambda: (desk.rig.manager.pump(), len(desk.ledger().fills) == 2)[1])

    restarted = desk.restart()  # Alpaca's lookup gives totals only: a reconciled fill of 10

    stored = restarted.rig.journal.order(placed)
    assert stored is not None
    assert (stored.status, stored.filled_quantity) == (S.FILLED, D(10))
    ledger = restarted.ledger()
    assert (ledger.quantity("SPY"), ledger.cash, len(ledger.fills)) == (D(10), CAPITAL - PAID, 2)


def test_a_fill_lost_with_the_stream_is_booked_by_reconciliation(desk: Desk) -> None:
    placed = approve(desk)
    desk.fake.venue.fill(placed, D(4), D("499.5"))
    assert desk.filled(placed, D(4))
    desk.feed.drop()
    desk.fake.venue.fill(placed, D(6), D("500.25"))  # its event is lost with the socket

    result = reconcile(desk.rig.manager, "alpaca", "reconnect", desk.rig.clock)

    assert [d.kind for d in result.fixed] == ["missed_fill"]
    ledger = desk.ledger()
    assert (ledger.quantity("SPY"), ledger.cash) == (D(10), CAPITAL - PAID)
    reconciled = [f for f in ledger.fills if f.fill_id.startswith(f"alpaca:{placed}:reconciled:")]
    assert [(f.quantity, f.price) for f in reconciled] == [(D(6), D("500.25"))]
