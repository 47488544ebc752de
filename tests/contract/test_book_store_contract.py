"""The BookStore port's contract, on DuckDB, PostgreSQL, the in-memory store, and the fake."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tetra.adapters.stores import open_store
from tetra.core.errors import ValidationError
from tetra.data.ports import Store
from tetra.portfolio import (
    Book,
    BookStore,
    Fill,
    Holdings,
    Position,
    StoredBooks,
    ledger_as_of,
    parse_book,
)
from tetra.testing import InMemoryBookStore, InMemoryStore

D = Decimal
T0 = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(
    params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres), "memory", "fake"]
)
def books(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BookStore]:
    if request.param == "fake":
        yield InMemoryBookStore()
        return
    store: Store
    if request.param == "memory":
        store = InMemoryStore()
        store.migrate()
    elif request.param == "duckdb":
        store = open_store(str(tmp_path / "books.duckdb"))
    else:
        store = open_store(request.getfixturevalue("reset_postgres")())
    yield StoredBooks(store)
    store.close()


def a_book(capital: str = "50000", weight: str = "0.5") -> Book:
    return parse_book(
        "core",
        {
            "capital": capital,
            "symbols": ["SPY", "TLT"],
            "mode": "paper",
            "strategies": [{"strategy": "buy_and_hold", "weight": weight}],
        },
    )


def a_fill(n: int, session: dt.date, quantity: str, price: str = "100.25") -> Fill:
    at = dt.datetime.combine(session, dt.time(21), dt.UTC) + dt.timedelta(seconds=n)
    return Fill(
        f"f{n}", at, session, "SPY", D(quantity), D(price), D("0.35"), "buy_and_hold", D("100")
    )


def test_saving_a_changed_book_adds_a_version_and_the_same_one_does_not(books: BookStore) -> None:
    first = books.save_book(a_book(), at=T0)
    same = books.save_book(a_book(), at=T0 + dt.timedelta(hours=1))
    changed = books.save_book(a_book(weight="0.75"), at=T0 + dt.timedelta(hours=2))

    assert (first.version, same.version, changed.version) == (1, 1, 2)
    assert [v.version for v in books.versions("core")] == [1, 2]
    latest = books.book("core")
    assert latest is not None
    assert latest.book.strategies[0].weight == D("0.75")
    old = books.book("core", 1)
    assert old is not None
    assert old.book == a_book()
    assert books.book("nobody") is None
    assert [v.name for v in books.books()] == ["core"]


def test_fills_are_idempotent_by_id_and_exact(books: BookStore) -> None:
    day = dt.date(2024, 5, 2)
    fills = [a_fill(1, day, "10"), a_fill(2, day, "-3.5", "101.123456")]

    assert books.record_fills("core", fills) == 2
    assert books.record_fills("core", fills) == 0

    stored = books.fills("core")
    assert stored == fills
    assert stored[1].price == D("101.123456")
    assert stored[1].slippage == D("-3.932096")


def test_a_reused_fill_id_with_other_numbers_stores_nothing(books: BookStore) -> None:
    day = dt.date(2024, 5, 2)
    books.record_fills("core", [a_fill(1, day, "10")])

    with pytest.raises(ValidationError, match="f1 is already booked"):
        books.record_fills("core", [a_fill(2, day, "1"), a_fill(1, day, "11")])

    assert [f.fill_id for f in books.fills("core")] == ["f1"]


def test_fills_are_read_by_session_window(books: BookStore) -> None:
    days = [dt.date(2024, 5, d) for d in (1, 2, 3)]
    books.record_fills("core", [a_fill(n, day, "1") for n, day in enumerate(days)])

    assert [f.session for f in books.fills("core", after=days[0], through=days[1])] == [days[1]]
    assert len(books.fills("core", through=days[2])) == 3
    assert books.fills("other") == []


def test_holdings_are_the_latest_confirmed_at_or_before_a_date(books: BookStore) -> None:
    spy = {"SPY": Position("SPY", D("12.5"), D("1250.125"))}
    books.confirm_holdings("core", Holdings(dt.date(2024, 5, 1), D("9000.5"), spy), by="me", at=T0)
    books.confirm_holdings("core", Holdings(dt.date(2024, 5, 8), D("1")), by="me", at=T0)

    found = books.holdings("core", as_of=dt.date(2024, 5, 7))

    assert found == Holdings(dt.date(2024, 5, 1), D("9000.5"), spy)
    latest = books.holdings("core")
    assert latest is not None
    assert latest.cash == D("1")
    assert books.holdings("core", as_of=dt.date(2024, 4, 30)) is None


def test_the_ledger_as_of_a_date_starts_from_holdings_and_adds_later_fills(
    books: BookStore,
) -> None:
    book = a_book()
    spy = {"SPY": Position("SPY", D("10"), D("1000"))}
    books.confirm_holdings("core", Holdings(dt.date(2024, 5, 1), D("49000"), spy), by="me", at=T0)
    books.record_fills(
        "core",
        [a_fill(1, dt.date(2024, 5, 1), "99"), a_fill(2, dt.date(2024, 5, 2), "-4", "110")],
    )

    ledger = ledger_as_of(books, book, dt.date(2024, 5, 2))

    assert ledger.quantity("SPY") == D("6")
    assert ledger.realised == D("40")  # 4 x (110 - 100): the 1 May fill is in the holdings
    assert ledger.cash == D("49000") + D("440") - D("0.35")
