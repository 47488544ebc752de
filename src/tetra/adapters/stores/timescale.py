"""TimescaleDB features for the PostgreSQL store, applied only when the extension exists.

With the extension available, `market_data.ohlcv` becomes a hypertable chunked by 1 year
(about 252 daily bars per symbol per chunk: a few hundred thousand rows for the universe,
sized to keep recent chunks in memory), compressed after 90 days segmented by symbol and
ordered by time, and `market_data.ohlcv_weekly` is a continuous aggregate of weekly bars
refreshed daily. DDL follows the TimescaleDB 2.x documentation (`create_hypertable` with
`by_range`, `ALTER TABLE ... SET (timescaledb.compress ...)`, `add_compression_policy`,
`CREATE MATERIALIZED VIEW ... WITH (timescaledb.continuous)`, `add_continuous_aggregate_policy`).
Without the extension the plain tables stay, indexed by their natural key (symbol first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tetra.data.ports import Scalar

Execute = Callable[[str, Sequence[Scalar]], None]
FetchRows = Callable[[str, Sequence[Scalar]], list[tuple[object, ...]]]

HYPERTABLE_STATEMENTS = (
    "CREATE EXTENSION IF NOT EXISTS timescaledb",
    "SELECT create_hypertable('market_data.ohlcv', by_range('ts', INTERVAL '1 year'), "
    "migrate_data => true, if_not_exists => true)",
    "ALTER TABLE market_data.ohlcv SET (timescaledb.compress, "
    "timescaledb.compress_segmentby = 'symbol, \"interval\", source', "
    "timescaledb.compress_orderby = 'ts DESC')",
    "SELECT add_compression_policy('market_data.ohlcv', INTERVAL '90 days', if_not_exists => true)",
    """CREATE MATERIALIZED VIEW IF NOT EXISTS market_data.ohlcv_weekly
WITH (timescaledb.continuous) AS
SELECT symbol, source,
       time_bucket(INTERVAL '1 week', ts) AS week,
       first(open, ts) AS open, max(high) AS high, min(low) AS low,
       last(close, ts) AS close, sum(volume) AS volume
FROM market_data.ohlcv
WHERE "interval" = '1d'
GROUP BY symbol, source, week
WITH NO DATA""",
    "SELECT add_continuous_aggregate_policy('market_data.ohlcv_weekly', "
    "start_offset => INTERVAL '1 month', end_offset => INTERVAL '1 day', "
    "schedule_interval => INTERVAL '1 day', if_not_exists => true)",
)


def is_available(fetch_rows: FetchRows) -> bool:
    """Tell whether the server can load the timescaledb extension."""
    rows = fetch_rows(
        "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')", ()
    )
    return bool(rows[0][0])


def enable(execute: Execute, fetch_rows: FetchRows) -> bool:
    """Apply the TimescaleDB layout when the extension is available; return whether it was."""
    if not is_available(fetch_rows):
        return False
    for statement in HYPERTABLE_STATEMENTS:
        execute(statement, ())
    return True
