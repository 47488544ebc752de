"""The order manager's fills reach the book's ledger exactly once (#14), on DuckDB and PostgreSQL.

The manager is wired as the composition roots wire it (`book_ledgers` over the store); the
venue is the in-memory broker, whose lookups give every fill with its execution id.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tetra.adapters.brokers.factory import book_ledgers
from tetra.core.clock import FixedClock
from tetra.data.ports import Store
from tetra.execution import OrderRequest, OrderStatus, Side
from tetra.portfolio import Fill, StoredBooks, ledger_as_of, parse_book
from tetra.testing.brokers import PRICES, InMemoryBroker, Rig, trading_rig

pytestmark = pytest.mark.parametrize(
    "store_maker", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

D = Decimal
S = OrderStatus
START = dt.datetime(2025, 3, 3, 14, 30, tzinfo=dt.UTC)  # a Monday, XNYS open
SESSION = START.date()
CAPITAL = D("100000")


def desk(
    store: Store, *, mode: str = "recommend", declared: bool = True
) -> tuple[Rig, InMemoryBroker]:
    """Return an order manager trading book ``alpha`` over the in-memory broker."""
    if declared:
        book = parse_book(
            "alpha",
            {
                "capital": str(CAPITAL),
                "symbols": ["SPY"],
                "mode": mode,
                "strategies": [{"strategy": "buy_and_hold", "weight": "1"}],
            },
        )
        StoredBooks(store).save_book(book, at=START)
    clock = FixedClock(START)
    broker = InMemoryBroker(clock, prices=dict(PRICES))
    broker.fill_market_orders = False
    rig = trading_rig(
        store, {"memory": broker}, clock=clock, book="alpha", ledger=book_ledgers(store)
    )
    return rig, broker


def order(rig: Rig, side: Side = Side.BUY, quantity: str = "10") -> str:
    return rig.manager.submit(OrderRequest("alpha", "SPY", side, D(quantity))).client_order_id


def ledger_fills(store: Store) -> list[Fill]:
    return StoredBooks(store).fills("alpha")


def test_partial_fills_and_a_sell_book_into_the_ledger_exactly(store: Store) -> None:
    rig, broker = desk(store)
    bought = order(rig)
    broker.fill(bought, D(4), D("499.5"))
    broker.fill(bought, D(6), D("500.25"))
    rig.manager.pump()
    sold = order(rig, Side.SELL, "3")
    broker.fill(sold, D(3), D("510.125"))
    rig.manager.pump()

    fills = ledger_fills(store)
    assert [(f.fill_id, f.order_id, f.session, f.symbol, f.quantity, f.price) for f in fills] == [
        ("memory:memory-x1", bought, SESSION, "SPY", D(4), D("499.5")),
        ("memory:memory-x2", bought, SESSION, "SPY", D(6), D("500.25")),
        ("memory:memory-x3", sold, SESSION, "SPY", D(-3), D("510.125")),
    ]
    version = StoredBooks(store).book("alpha")
    assert version is not None
    ledger = ledger_as_of(StoredBooks(store), version.book, SESSION)
    assert ledger.quantity("SPY") == D(7)
    assert ledger.cash == CAPITAL - D(4) * D("499.5") - D(6) * D("500.25") + D(3) * D("510.125")
    assert ledger.cash == D("96530.875")


def test_a_duplicated_fill_event_books_one_fill(store: Store) -> None:
    rig, broker = desk(store)
    placed = order(rig)
    broker.fill(placed, D(4), D("499.5"))
    broker.repeat_last_event()
    broker.repeat_last_event()
    rig.manager.pump()

    assert [f.quantity for f in ledger_fills(store)] == [D(4)]
    assert len(rig.journal.fills()) == 1


def test_a_restart_that_replays_the_events_books_nothing_twice(store: Store) -> None:
    rig, broker = desk(store)
    placed = order(rig)
    broker.fill(placed, D(4), D("499.5"))
    rig.manager.pump()

    restarted = rig.restart({"memory": broker})
    restarted.manager.recover()
    broker.repeat_last_event()  # the venue sends the 4 again to the new process
    restarted.manager.pump()
    broker.fill(placed, D(6), D("500.5"))
    restarted.manager.pump()

    assert [f.quantity for f in ledger_fills(store)] == [D(4), D(6)]
    stored = restarted.journal.order(placed)
    assert stored is not None
    assert (stored.status, stored.filled_quantity) == (S.FILLED, D(10))


def test_a_crash_after_the_ledger_and_before_the_journal_books_nothing_twice(
    store: Store,
) -> None:
    rig, broker = desk(store)
    rig.journal.flush = lambda: None  # type: ignore[method-assign]  # the crash: nothing flushed
    placed = order(rig)
    broker.fill(placed, D(10), D("499.5"))
    rig.manager.pump()
    assert [f.quantity for f in ledger_fills(store)] == [D(10)]
    assert rig.journal.execution_ids([placed]) == set()  # the journal lost its buffer

    restarted = rig.restart({"memory": broker})
    restarted.manager.recover()  # looks the order up: the venue gives the same fill again

    assert [f.quantity for f in ledger_fills(store)] == [D(10)]
    stored = restarted.journal.order(placed)
    assert stored is not None
    assert (stored.status, stored.filled_quantity) == (S.FILLED, D(10))


def test_a_paper_books_ledger_is_the_cycles_so_its_broker_fills_are_not_booked(
    store: Store,
) -> None:
    rig, broker = desk(store, mode="paper")
    placed = order(rig)
    broker.fill(placed, D(10), D("499.5"))
    rig.manager.pump()

    assert ledger_fills(store) == []
    assert len(rig.journal.fills(book="alpha")) == 1


def test_an_order_of_no_stored_book_stays_in_the_journal(store: Store) -> None:
    rig, broker = desk(store, declared=False)
    placed = order(rig)
    broker.fill(placed, D(10), D("499.5"))
    rig.manager.pump()

    assert ledger_fills(store) == []
    assert len(rig.journal.fills(book="alpha")) == 1
