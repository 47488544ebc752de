"""The contracts between Tetra's core and the outside world that stores and sources implement.

`Store` is the persistence port. Two adapters implement it (DuckDB for the embedded default,
PostgreSQL for servers) and `tetra.testing.InMemoryStore` fakes it; all three pass the same
contract suite in ``tests/contract``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import pandas as pd
import pyarrow as pa

from tetra.data.batches import Rows
from tetra.data.store_kind import StoreKind

__all__ = ["CoverageRow", "Query", "Scalar", "Store", "StoreKind", "as_values", "check_deletable"]

Scalar = str | int | float | bool | dt.date | dt.datetime


@dataclass(frozen=True, slots=True)
class Query:
    """A read of one table: equality/IN filters, a half-open time range, columns and row cap.

    `where` maps a column to a value or a sequence of accepted values. `start` (inclusive) and
    `end` (exclusive) bound the table's time column. Rows come back ordered by the natural key.
    """

    table: str
    where: Mapping[str, Scalar | Sequence[Scalar]] = field(default_factory=dict)
    start: dt.date | dt.datetime | None = None
    end: dt.date | dt.datetime | None = None
    columns: Sequence[str] | None = None
    limit: int | None = None


def check_deletable(query: Query) -> None:
    """Raise ValueError unless `query` can name rows to delete (see `Store.delete`)."""
    if query.columns is not None or query.limit is not None:
        raise ValueError("a delete takes where and a time range, not columns or a limit")
    if not query.where and query.start is None and query.end is None:
        raise ValueError(f"refusing to delete every row of {query.table}: give a where")


def as_values(accepted: Scalar | Sequence[Scalar]) -> list[Scalar]:
    """Return a `Query.where` entry as the list of values it accepts."""
    if isinstance(accepted, str) or not isinstance(accepted, Sequence):
        return [accepted]
    return list(accepted)


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """How much of one dataset a store holds for one symbol and source."""

    dataset: str
    symbol: str
    source: str
    rows: int
    first: dt.date | dt.datetime
    last: dt.date | dt.datetime


@runtime_checkable
class Store(Protocol):
    """Persistence for every table of the catalog (`tetra.data.migrations`).

    Contract:
    - `migrate()` brings a new or older store to the latest schema version and returns the
      versions it applied; a store newer than this code raises `SchemaVersionError` and is
      left untouched. Running it again applies nothing.
    - `upsert(table, rows)` validates the whole batch first (`tetra.data.batches`): any invalid
      row raises `InvalidBatch` listing every problem and nothing is written. Valid rows are
      inserted or, where the natural key exists, overwritten; all or nothing. Writing the same
      batch twice leaves the store as after once. Rows whose source does not fit the store's
      kind (`sample` rows in a live store, or the reverse) raise `SourceMismatch`.
    - `read(query)` returns the matching rows as a DataFrame with the catalog's columns,
      ordered by natural key; `read_arrow` the same as an Arrow table. Timestamps are UTC.
    - `delete(query)` removes exactly the rows `read(query)` would return (its `where` and
      time range; `columns` and `limit` must be unset) in one transaction and returns how
      many it removed; deleting again removes 0. A query with neither `where` nor a time
      range raises ValueError: a whole table is never emptied by accident.
    - `count(table)` is the number of rows; `coverage(table)` per entity (the `symbol`
      column, else the first key column, e.g. a FRED series id) and source the row count and
      first/last time; a table without a time column raises KeyError.
    """

    @property
    def kind(self) -> StoreKind: ...

    def migrate(self) -> list[int]: ...

    def schema_version(self) -> int: ...

    def upsert(self, table: str, rows: Rows) -> int: ...

    def read(self, query: Query) -> pd.DataFrame: ...

    def read_arrow(self, query: Query) -> pa.Table: ...

    def delete(self, query: Query) -> int: ...

    def count(self, table: str) -> int: ...

    def coverage(self, table: str = "market_data.ohlcv") -> list[CoverageRow]: ...

    def close(self) -> None: ...
