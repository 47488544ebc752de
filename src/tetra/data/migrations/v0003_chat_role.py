"""Migration 3: the read-only role the database chat connects as on PostgreSQL."""

from __future__ import annotations

from tetra.data.migrations.operations import CreateReadOnlyRole, Migration

CHAT_ROLE = "tetra_chat"

# What the chat may read as of this migration; later tables get their own grants.
CHAT_TABLES = (
    "market_data.ohlcv",
    "market_data.symbols",
    "market_data.exchanges",
    "market_data.corporate_actions",
    "market_data.price_series",
    "economic_data.indicators",
    "economic_data.releases",
    "events.earnings",
    "events.dividends",
    "events.economic_events",
    "news.articles",
    "news.sentiment",
    "derived.technical_indicators",
    "derived.volatility_metrics",
    "derived.correlation_matrices",
    "strategies.definitions",
    "strategies.runs",
    "strategies.signals",
    "strategies.trades",
    "strategies.performance",
    "execution.orders",
    "execution.fills",
    "execution.positions",
    "ops.coverage",
    "ops.ingest_runs",
    "ops.quarantine",
)

MIGRATION = Migration(3, "chat read-only role", (CreateReadOnlyRole(CHAT_ROLE, CHAT_TABLES),))
