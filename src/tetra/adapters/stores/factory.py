"""Open the store a URL names, migrated to the current schema."""

from __future__ import annotations

from pathlib import Path

from tetra.adapters.stores.base import SqlStore
from tetra.data.store_kind import StoreKind


def open_store(
    url: str | Path, kind: StoreKind = StoreKind.LIVE, *, migrate: bool = True
) -> SqlStore:
    """Open a store: ``postgresql://...`` for PostgreSQL, a path or ``duckdb:///path`` for DuckDB.

    With `migrate` (the default) the store is brought to the latest schema version first; a
    store newer than this code raises `SchemaVersionError` without being changed.
    """
    text = str(url)
    store: SqlStore
    if text.startswith(("postgresql://", "postgres://")):
        from tetra.adapters.stores.postgres_store import PostgresStore

        store = PostgresStore(text, kind)
    else:
        from tetra.adapters.stores.duckdb_store import DuckDBStore

        store = DuckDBStore(text.removeprefix("duckdb://"), kind)
    if migrate:
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
    return store
