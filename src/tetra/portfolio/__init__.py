"""Portfolio: books (what a user runs), their exact Decimal ledger, and the port that keeps them.

Map: `book` (Book, StrategyAllocation, BookMode, parse_book), `ledger` (Fill, Position,
Holdings, Ledger, Valuation), `ports` (BookStore, BookVersion), `stored` (StoredBooks: the
port over any Tetra store), `accounts` (a book's ledger as of a date).
"""

from tetra.portfolio.accounts import ledger_as_of
from tetra.portfolio.book import (
    Book,
    BookMode,
    StrategyAllocation,
    book_from_dict,
    changed_fields,
    parse_book,
)
from tetra.portfolio.ledger import Fill, Holdings, Ledger, Position, Valuation
from tetra.portfolio.ports import BookStore, BookVersion
from tetra.portfolio.stored import StoredBooks

__all__ = [
    "Book",
    "BookMode",
    "BookStore",
    "BookVersion",
    "Fill",
    "Holdings",
    "Ledger",
    "Position",
    "StoredBooks",
    "StrategyAllocation",
    "Valuation",
    "book_from_dict",
    "changed_fields",
    "ledger_as_of",
    "parse_book",
]
