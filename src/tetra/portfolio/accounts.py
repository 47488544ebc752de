"""A book's ledger as of a date, rebuilt from what the `BookStore` keeps."""

from __future__ import annotations

import datetime as dt

from tetra.portfolio.book import Book
from tetra.portfolio.ledger import Holdings, Ledger
from tetra.portfolio.ports import BookStore


def ledger_as_of(books: BookStore, book: Book, through: dt.date) -> Ledger:
    """Return `book`'s ledger after every fill up to `through`'s session.

    It starts from the latest confirmed holdings at or before `through` (a `recommend` book's
    positions are what the user confirms), else from the book's capital in cash, and books
    the fills of later sessions on top.
    """
    start = books.holdings(book.name, as_of=through)
    if start is None:
        start = Holdings(dt.date.min, book.capital)
    ledger = Ledger.from_holdings(start)
    after = None if start.as_of == dt.date.min else start.as_of
    ledger.apply_all(books.fills(book.name, after=after, through=through))
    return ledger
