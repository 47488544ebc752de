"""Migration 2: price series that are not bars (CoinGecko), and stored coverage."""

from __future__ import annotations

from tetra.data.migrations.operations import CreateTable, Migration
from tetra.data.schema import ColumnType, Table, col, key_col

T = ColumnType

PRICE_SERIES = Table(
    "market_data",
    "price_series",
    (
        key_col("symbol", T.TEXT),
        key_col("ts", T.TIMESTAMP, "Time of the point, UTC."),
        col("price", T.DOUBLE, null=False),
        col("market_cap", T.DOUBLE),
        col(
            "volume", T.DOUBLE, doc="Traded volume over the preceding 24 hours, in quote currency."
        ),
        key_col("source", T.TEXT),
    ),
    key=("symbol", "ts", "source"),
    time_column="ts",
    description="Price points without OHLC, e.g. CoinGecko market charts.",
)

COVERAGE = Table(
    "ops",
    "coverage",
    (
        key_col("dataset", T.TEXT, "Qualified table name, e.g. market_data.ohlcv."),
        key_col("symbol", T.TEXT),
        key_col("source", T.TEXT),
        col("calendar", T.TEXT, null=False, doc="XNYS or 24/7."),
        col("first", T.DATE),
        col("last", T.DATE),
        col("expected", T.BIGINT, null=False, doc="Sessions the calendar has from first to end."),
        col("stored", T.BIGINT, null=False),
        col("missing", T.BIGINT, null=False),
        col("gaps", T.JSON, doc="Missing ranges: [[first, last], ...]."),
        col("quarantined", T.BIGINT, null=False),
        col("computed_at", T.TIMESTAMP, null=False),
    ),
    key=("dataset", "symbol", "source"),
    description="Per symbol and dataset: what is stored against what the calendar expects.",
)

MIGRATION = Migration(
    2, "price series and coverage", (CreateTable(PRICE_SERIES), CreateTable(COVERAGE))
)
