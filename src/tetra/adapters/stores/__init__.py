"""Store adapters: DuckDB (embedded default) and PostgreSQL/TimescaleDB (servers).

`open_store` picks one from a URL: a file path or ``duckdb:///path`` for DuckDB,
``postgresql://...`` for PostgreSQL.
"""

from tetra.adapters.stores.factory import open_store

__all__ = ["open_store"]
