"""Open the store a URL names, migrated to the current schema."""

from __future__ import annotations

from pathlib import Path

from tetra.adapters.stores import serving
from tetra.adapters.stores.base import SqlStore
from tetra.data.store_kind import StoreKind


def open_store(
    url: str | Path, kind: StoreKind = StoreKind.LIVE, *, migrate: bool = True
) -> SqlStore:
    """Open a store: ``postgresql://...`` for PostgreSQL, a path or ``duckdb:///path`` for DuckDB.

    With `migrate` (the default) the store is brought to the latest schema version first; a
    store newer than this code raises `SchemaVersionError` without being changed.

    A DuckDB file this process hosts (the server's) is shared, not reopened; one a live
    server holds in another process raises `StoreServed` (see `serving`), and one another
    process writes raises `StoreLocked` naming it.
    """
    text = str(url)
    store: SqlStore
    if text.startswith(("postgresql://", "postgres://")):
        from tetra.adapters.stores.postgres_store import PostgresStore

        store = PostgresStore(text, kind)
    else:
        store = _duckdb(text.removeprefix("duckdb://"), kind)
    if migrate:
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
    return store


def _duckdb(path: str, kind: StoreKind) -> SqlStore:
    from tetra.adapters.stores.duckdb_store import DuckDBStore

    if path == ":memory:":
        return DuckDBStore(path, kind)
    shared = serving.hosted(path)
    if isinstance(shared, DuckDBStore) and shared.kind is kind:
        return shared.share()
    record = serving.live_server(path)
    if record is not None:
        raise serving.StoreServed(Path(path).absolute(), record)
    return DuckDBStore(path, kind)
