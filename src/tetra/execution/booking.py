"""Fills into the books' ledgers: the port the order manager posts through, and what it posts.

The order manager keeps every execution in its journal (`execution` schema); a fill of an
order that belongs to a book is also booked into that book's exact ledger (`portfolio`
schema, `tetra.portfolio.ledger.Fill`) through `BookLedgers`, which any
`tetra.portfolio.BookStore` satisfies (the composition roots hand in `StoredBooks`; tests may
use `tetra.testing.InMemoryBookStore`). `LedgerPosting.post` turns one execution into one
ledger fill:

- ``fill_id`` = ``<broker>:<execution id>``: a broker's execution id is stable (a stream event
  and a lookup name the same fill), so redelivered events and restarts book nothing twice:
  the ledger is idempotent by (book, fill_id);
- ``order_id`` = our client order id; ``session`` = the exchange session of the fill
  (`MarketHours.session_of`: crypto the UTC date); ``quantity`` signed (+ buy, - sell);
  price and fee (the commission) as Decimal, to the 12 places the stores keep (brokers that
  speak floats, like IB, carry binary noise beyond them); ``decision_price`` the order's (a
  recommendation's close, so the EOD report shows each fill's slippage against it).

Which orders post:

- an order of a name that is no stored book (``tetra trade --book x`` for an undeclared x)
  has no ledger: its fills stay in the journal only;
- a **paper** book's ledger is kept by the daily cycle, not here. The cycle fills yesterday's
  recommendations at today's open with the backtests' costs (`tetra.cycle.paper`) and books
  those fills itself, in a replay too, where no order is ever sent; the orders it sends to
  the paper broker are a rehearsal of the order path whose fills (at the latest close) stay
  in the journal. One source of truth, and the one that makes a paper book follow its
  backtest; posting the paper broker's fills as well would book every trade twice;
- every other book (``recommend`` approved by the user, ``live``) posts every fill.

A fill reconciliation infers (`missed_fill`: the broker filled more than the journal holds)
has an id of our making, not the broker's, so the ledger may already hold the real fills it
stands for (the ledger is written before the journal, and a crash between the two leaves
the journal behind). It is therefore posted against what the ledger holds for the order:
only the quantity beyond it, at the price that makes the broker's average.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Protocol

from tetra.execution.hours import MarketHours
from tetra.execution.orders import Fill, Order, Side
from tetra.portfolio import BookMode, BookVersion
from tetra.portfolio import Fill as LedgerFill

ZERO = Decimal(0)
PLACES = Decimal("1e-12")  # what the stores keep: numeric(38, 12)


class BookLedgers(Protocol):
    """The books' ledgers as the order manager sees them (a `tetra.portfolio.BookStore`).

    Contract (the BookStore's, tested by its contract suite on every store):
    - `book(name)` returns the book's latest stored version, None for a name that is no book;
    - `record_fills(book, fills)` is idempotent by ``(book, fill_id)``: a fill already stored
      is skipped; it returns how many were new, and raises `ValidationError` (storing nothing)
      when an id comes back with other numbers;
    - `fills(book)` returns every fill booked to the book.
    """

    def book(self, name: str) -> BookVersion | None: ...

    def record_fills(self, book: str, fills: Sequence[LedgerFill]) -> int: ...

    def fills(self, book: str) -> list[LedgerFill]: ...


class LedgerPosting:
    """Posts the fills of books' orders into their ledgers (see the module docstring)."""

    def __init__(self, ledgers: BookLedgers, hours: MarketHours) -> None:
        self.ledgers = ledgers
        self.hours = hours

    def post(self, order: Order, fill: Fill, *, reconciled: bool = False) -> bool:
        """Book `fill` of `order` (as it was before the fill); return whether it was posted.

        `reconciled` marks a fill reconciliation inferred: it posts only what the ledger
        does not hold yet for the order. Not posted: orders of no book, or of a paper book.
        """
        version = self.ledgers.book(order.book)
        if version is None or version.book.mode is BookMode.PAPER:
            return False
        booked = self._beyond_ledger(order, fill) if reconciled else fill
        if booked is not None:
            self.ledgers.record_fills(order.book, [self.ledger_fill(order, booked)])
        return True

    def ledger_fill(self, order: Order, fill: Fill) -> LedgerFill:
        """Return the ledger's fill of one execution of `order`."""
        quantity = _fit(fill.quantity)
        return LedgerFill(
            fill_id=f"{order.broker}:{fill.execution_id}",
            at=fill.at,
            session=self.hours.session_of(order.symbol, fill.at),
            symbol=order.symbol,
            quantity=quantity if order.side is Side.BUY else -quantity,
            price=_fit(fill.price),
            fee=_fit(fill.commission),
            decision_price=order.decision_price,
            order_id=order.client_order_id,
        )

    def _beyond_ledger(self, order: Order, fill: Fill) -> Fill | None:
        """Return the part of a reconciled `fill` the ledger does not hold, or None."""
        held = [f for f in self.ledgers.fills(order.book) if f.order_id == order.client_order_id]
        quantity = sum((abs(f.quantity) for f in held), ZERO)
        paid = sum((abs(f.quantity) * f.price for f in held), ZERO)
        before = (order.average_fill_price or ZERO) * order.filled_quantity
        spent = before + fill.price * fill.quantity
        missing = order.filled_quantity + fill.quantity - quantity
        if missing <= 0 or spent <= paid:
            return None
        price = ((spent - paid) / missing).quantize(PLACES)
        return replace(fill, quantity=missing, price=price)


def _fit(value: Decimal) -> Decimal:
    """Round to the stores' 12 places (a no-op for every broker that sends decimal text)."""
    exponent = value.as_tuple().exponent
    return value.quantize(PLACES) if isinstance(exponent, int) and exponent < -12 else value
