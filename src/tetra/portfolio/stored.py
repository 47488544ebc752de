"""`StoredBooks`: the `BookStore` port over any `tetra.data.ports.Store` (DuckDB, PostgreSQL).

Rows go to the ``portfolio`` schema (migration 8) through the store's validated upserts, so
both SQL engines and the in-memory store behave alike; see `tetra.portfolio.ports` for the
contract. A batch of fills is checked against what is stored before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from tetra.core.errors import ValidationError
from tetra.data.ports import Query, Store
from tetra.portfolio.book import Book, book_from_dict
from tetra.portfolio.ledger import Fill, Holdings, Position
from tetra.portfolio.ports import BookVersion

BOOKS, FILLS, HOLDINGS = "portfolio.books", "portfolio.fills", "portfolio.holdings"
ONE_DAY = dt.timedelta(days=1)


class StoredBooks:
    """A `BookStore` kept in a Tetra store (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save_book(self, book: Book, *, at: dt.datetime) -> BookVersion:
        current = self.book(book.name)
        if current is not None and current.digest == book.digest():
            return current
        version = 1 if current is None else current.version + 1
        row = {
            "name": book.name,
            "version": version,
            "saved_at": at,
            "digest": book.digest(),
            "mode": book.mode.value,
            "definition": json.dumps(book.to_dict(), sort_keys=True),
            "source": "tetra",
        }
        self._store.upsert(BOOKS, pd.DataFrame([row]))
        return BookVersion(book.name, version, at, book.digest(), book)

    def book(self, name: str, version: int | None = None) -> BookVersion | None:
        versions = self.versions(name)
        if version is not None:
            versions = [v for v in versions if v.version == version]
        return versions[-1] if versions else None

    def versions(self, name: str) -> list[BookVersion]:
        rows = self._store.read_arrow(Query(BOOKS, where={"name": name})).to_pylist()
        return sorted((_version(row) for row in rows), key=lambda v: v.version)

    def books(self) -> list[BookVersion]:
        latest: dict[str, BookVersion] = {}
        for row in self._store.read_arrow(Query(BOOKS)).to_pylist():
            version = _version(row)
            if version.name not in latest or latest[version.name].version < version.version:
                latest[version.name] = version
        return [latest[name] for name in sorted(latest)]

    def record_fills(self, book: str, fills: Sequence[Fill]) -> int:
        if not fills:
            return 0
        ids = sorted({f.fill_id for f in fills})
        query = Query(FILLS, where={"book": book, "fill_id": ids})
        stored = {f.fill_id: f for f in map(_fill, self._store.read_arrow(query).to_pylist())}
        fresh = new_fills(stored, fills)
        if fresh:
            self._store.upsert(FILLS, pd.DataFrame([_fill_row(book, f) for f in fresh]))
        return len(fresh)

    def fills(
        self, book: str, *, after: dt.date | None = None, through: dt.date | None = None
    ) -> list[Fill]:
        query = Query(
            FILLS,
            where={"book": book},
            start=None if after is None else after + ONE_DAY,
            end=None if through is None else through + ONE_DAY,
        )
        fills = [_fill(row) for row in self._store.read_arrow(query).to_pylist()]
        return sorted(fills, key=lambda f: (f.at, f.fill_id))

    def confirm_holdings(self, book: str, holdings: Holdings, *, by: str, at: dt.datetime) -> None:
        row = {
            "book": book,
            "as_of": holdings.as_of,
            "cash": holdings.cash,
            "positions": json.dumps(positions_to_json(holdings), sort_keys=True),
            "confirmed_by": by,
            "confirmed_at": at,
            "source": "tetra",
        }
        self._store.upsert(HOLDINGS, pd.DataFrame([row]))

    def holdings(self, book: str, *, as_of: dt.date | None = None) -> Holdings | None:
        end = None if as_of is None else as_of + ONE_DAY
        rows = self._store.read_arrow(Query(HOLDINGS, where={"book": book}, end=end)).to_pylist()
        if not rows:
            return None
        row = max(rows, key=lambda r: r["as_of"])
        return Holdings(
            row["as_of"], _plain(row["cash"]), positions_from_json(json.loads(row["positions"]))
        )


def new_fills(stored: dict[str, Fill], fills: Sequence[Fill]) -> list[Fill]:
    """Return the fills not stored yet; raise if an id is reused with different numbers."""
    fresh: dict[str, Fill] = {}
    for fill in fills:
        known = stored.get(fill.fill_id) or fresh.get(fill.fill_id)
        if known is None:
            fresh[fill.fill_id] = fill
        elif not same_fill(known, fill):
            raise ValidationError(f"fill {fill.fill_id} is already booked with other numbers")
    return list(fresh.values())


def same_fill(a: Fill, b: Fill) -> bool:
    """Whether two fills agree on everything booked (Decimals compared by value)."""
    return (a.at, a.session, a.symbol, a.quantity, a.price, a.fee, a.strategy) == (
        b.at,
        b.session,
        b.symbol,
        b.quantity,
        b.price,
        b.fee,
        b.strategy,
    )


def positions_to_json(holdings: Holdings) -> dict[str, dict[str, str]]:
    return {
        s: {"quantity": str(p.quantity), "cost": str(p.cost)}
        for s, p in sorted(holdings.positions.items())
    }


def positions_from_json(data: dict[str, Any]) -> dict[str, Position]:
    return {s: Position(s, Decimal(v["quantity"]), Decimal(v["cost"])) for s, v in data.items()}


def _version(row: dict[str, Any]) -> BookVersion:
    book = book_from_dict(json.loads(row["definition"]))
    return BookVersion(row["name"], int(row["version"]), row["saved_at"], row["digest"], book)


def _fill_row(book: str, fill: Fill) -> dict[str, object]:
    return {
        "book": book,
        "fill_id": fill.fill_id,
        "at": fill.at,
        "session": fill.session,
        "symbol": fill.symbol,
        "quantity": fill.quantity,
        "price": fill.price,
        "fee": fill.fee,
        "strategy": fill.strategy,
        "decision_price": fill.decision_price,
        "order_id": fill.order_id,
        "source": "tetra",
    }


def _fill(row: dict[str, Any]) -> Fill:
    return Fill(
        fill_id=row["fill_id"],
        at=row["at"],
        session=row["session"],
        symbol=row["symbol"],
        quantity=_plain(row["quantity"]),
        price=_plain(row["price"]),
        fee=_plain(row["fee"]),
        strategy=row["strategy"],
        decision_price=None if row["decision_price"] is None else _plain(row["decision_price"]),
        order_id=row["order_id"],
    )


def _plain(value: Decimal) -> Decimal:
    """Drop the trailing zeros numeric(38, 12) pads with, keeping the value."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal
