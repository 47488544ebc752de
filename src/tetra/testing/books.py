"""An in-memory fake of the `BookStore` port: dictionaries, same contract, for users' tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tetra.portfolio import Book, BookVersion, Fill, Holdings
from tetra.portfolio.stored import new_fills

__all__ = ["InMemoryBookStore"]


class InMemoryBookStore:
    """A `tetra.portfolio.BookStore` held in dictionaries; see the port for the contract."""

    def __init__(self) -> None:
        self._versions: dict[str, list[BookVersion]] = {}
        self._fills: dict[str, dict[str, Fill]] = {}
        self._holdings: dict[str, dict[dt.date, Holdings]] = {}

    def save_book(self, book: Book, *, at: dt.datetime) -> BookVersion:
        versions = self._versions.setdefault(book.name, [])
        if versions and versions[-1].digest == book.digest():
            return versions[-1]
        saved = BookVersion(book.name, len(versions) + 1, at, book.digest(), book)
        versions.append(saved)
        return saved

    def book(self, name: str, version: int | None = None) -> BookVersion | None:
        versions = [v for v in self._versions.get(name, []) if version in (None, v.version)]
        return versions[-1] if versions else None

    def versions(self, name: str) -> list[BookVersion]:
        return list(self._versions.get(name, []))

    def books(self) -> list[BookVersion]:
        return [self._versions[name][-1] for name in sorted(self._versions)]

    def record_fills(self, book: str, fills: Sequence[Fill]) -> int:
        stored = self._fills.setdefault(book, {})
        fresh = new_fills(stored, fills)
        stored.update((f.fill_id, f) for f in fresh)
        return len(fresh)

    def fills(
        self, book: str, *, after: dt.date | None = None, through: dt.date | None = None
    ) -> list[Fill]:
        chosen = [
            f
            for f in self._fills.get(book, {}).values()
            if (after is None or f.session > after) and (through is None or f.session <= through)
        ]
        return sorted(chosen, key=lambda f: (f.at, f.fill_id))

    def confirm_holdings(self, book: str, holdings: Holdings, *, by: str, at: dt.datetime) -> None:
        self._holdings.setdefault(book, {})[holdings.as_of] = holdings

    def holdings(self, book: str, *, as_of: dt.date | None = None) -> Holdings | None:
        dates = [d for d in self._holdings.get(book, {}) if as_of is None or d <= as_of]
        return self._holdings[book][max(dates)] if dates else None
