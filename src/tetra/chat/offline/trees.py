"""Small helpers every sqlglot builder of the offline translator shares.

Builders write their clauses as DuckDB text parsed into sqlglot trees (`select`, `where`);
the translator renders the finished tree in the store's own dialect. `built` wraps a tree
with its explanation and the tables it reads; `span` puts a period in words.
"""

from __future__ import annotations

from sqlglot import exp

from tetra.chat.offline.parse import ALL_TIME, Period
from tetra.chat.offline.sql import OHLCV, Built

__all__ = ["DIALECT", "built", "select", "span", "where"]

DIALECT = "duckdb"


def select(*columns: str) -> exp.Select:
    """Return a SELECT of `columns` (DuckDB text)."""
    return exp.select(*columns, dialect=DIALECT)


def where(query: exp.Select, *conditions: str | None) -> exp.Select:
    """Return `query` with each condition that is not None ANDed to its WHERE."""
    for condition in conditions:
        if condition:
            query = query.where(condition, dialect=DIALECT)
    return query


def built(tree: exp.Select, explanation: str, *tables: frozenset[str] | str) -> Built:
    """Return the query of `tree`, reading market_data.ohlcv and `tables`."""
    names: set[str] = {OHLCV}
    for table in tables:
        names |= {table} if isinstance(table, str) else set(table)
    return Built(tree.sql(dialect=DIALECT, pretty=True), explanation, frozenset(names), tree)


def span(period: Period, whose: str = "its", row: str = "bar") -> str:
    """Return the period in words; "over all the history" for all of it."""
    return "over all the history" if period == ALL_TIME else period.describe(whose, row)
