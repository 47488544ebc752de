"""The port books are kept behind: definitions with their versions, fills and confirmed holdings.

Adapters: `tetra.portfolio.stored.StoredBooks` over any `tetra.data.ports.Store` (DuckDB,
PostgreSQL, the in-memory store) and the fake `tetra.testing.books.InMemoryBookStore`; one
contract suite (`tests/contract/test_book_store_contract.py`) runs on all of them. The order
manager books broker fills through `tetra.execution.booking.BookLedgers`, a part of this port.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tetra.portfolio.book import Book
from tetra.portfolio.ledger import Fill, Holdings


@dataclass(frozen=True, slots=True)
class BookVersion:
    """One stored version of a book's definition."""

    name: str
    version: int
    saved_at: dt.datetime
    digest: str
    book: Book


class BookStore(Protocol):
    """Where books, their fills and their confirmed holdings live.

    Contract:
    - `save_book` stores a new version (1, 2, ...) only when the definition changed; saving the
      same definition again returns the current version unchanged.
    - `book` returns the latest version (or the one asked for), None for an unknown name.
    - `record_fills` is idempotent by ``(book, fill_id)``: a fill already stored is skipped, and
      returns how many were new; the same id with different numbers raises `ValidationError`
      and stores nothing of the batch.
    - `fills` returns a book's fills ordered by (`at`, `fill_id`), those of sessions after
      `after` and up to `through` (both optional, inclusive of `through`).
    - `confirm_holdings` stores what the user holds at a date (replacing that date's record);
      `holdings` returns the latest record at or before `as_of` (any date if None), or None.
    """

    def save_book(self, book: Book, *, at: dt.datetime) -> BookVersion: ...

    def book(self, name: str, version: int | None = None) -> BookVersion | None: ...

    def versions(self, name: str) -> list[BookVersion]: ...

    def books(self) -> list[BookVersion]: ...

    def record_fills(self, book: str, fills: Sequence[Fill]) -> int: ...

    def fills(
        self, book: str, *, after: dt.date | None = None, through: dt.date | None = None
    ) -> list[Fill]: ...

    def confirm_holdings(
        self, book: str, holdings: Holdings, *, by: str, at: dt.datetime
    ) -> None: ...

    def holdings(self, book: str, *, as_of: dt.date | None = None) -> Holdings | None: ...
