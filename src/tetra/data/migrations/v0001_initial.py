"""Migration 1: every schema and table of Tetra's first release."""

from __future__ import annotations

from tetra.data.migrations.operations import CreateTable, Migration
from tetra.data.schema import Column, ColumnType, Table, col, key_col

T = ColumnType


def _source() -> Column:
    return key_col("source", T.TEXT, "Where the row came from: a vendor, 'sample', or 'tetra'.")


def _source_value() -> Column:
    return Column("source", T.TEXT, nullable=False, description="Where the row came from.")


_MARKET_DATA = (
    Table(
        "market_data",
        "ohlcv",
        (
            key_col("symbol", T.TEXT, "Ticker, e.g. AAPL or BTC."),
            key_col("interval", T.TEXT, "Bar length: 1d, 1h, 1m."),
            key_col("ts", T.TIMESTAMP, "Bar open, UTC; daily bars at midnight of the session."),
            col("open", T.DOUBLE, null=False, doc="Raw (unadjusted) open price."),
            col("high", T.DOUBLE, null=False, doc="Raw high price."),
            col("low", T.DOUBLE, null=False, doc="Raw low price."),
            col("close", T.DOUBLE, null=False, doc="Raw close price."),
            col("volume", T.DOUBLE, null=False, doc="Shares or coins traded."),
            col("vwap", T.DOUBLE, doc="Volume-weighted average price, when the vendor gives it."),
            col("trades", T.BIGINT, doc="Number of trades, when the vendor gives it."),
            _source(),
        ),
        key=("symbol", "interval", "ts", "source"),
        time_column="ts",
        description="Raw OHLCV bars; adjusted views derive from market_data.corporate_actions.",
    ),
    Table(
        "market_data",
        "symbols",
        (
            key_col("symbol", T.TEXT),
            col("name", T.TEXT, null=False),
            col("asset_class", T.TEXT, null=False, doc="equity, etf or crypto."),
            col("universe_group", T.TEXT, doc="largest_etfs, themed_etfs, largest_stocks, ..."),
            col("themes", T.JSON, doc="List of theme tags; the first is the primary theme."),
            col("sector", T.TEXT),
            col("exchange", T.TEXT),
            col("currency", T.TEXT, null=False),
            col("listed", T.DATE, doc="First trading day, when known."),
            _source_value(),
        ),
        key=("symbol",),
        description="Instruments of the universe and their classification.",
    ),
    Table(
        "market_data",
        "exchanges",
        (
            key_col("code", T.TEXT, "Short code, e.g. NYSE, NASDAQ, CRYPTO."),
            col("name", T.TEXT, null=False),
            col("mic", T.TEXT, doc="ISO 10383 market identifier code."),
            col("timezone", T.TEXT, null=False),
            col("calendar", T.TEXT, doc="exchange_calendars name, e.g. XNYS; 24/7 for crypto."),
            _source_value(),
        ),
        key=("code",),
    ),
    Table(
        "market_data",
        "corporate_actions",
        (
            key_col("symbol", T.TEXT),
            key_col("ex_date", T.DATE),
            key_col("action", T.TEXT, "split or dividend."),
            col("split_from", T.DOUBLE, doc="Shares before a split (4-for-1: 1)."),
            col("split_to", T.DOUBLE, doc="Shares after a split (4-for-1: 4)."),
            col("cash_amount", T.DOUBLE, doc="Dividend per share."),
            col("currency", T.TEXT),
            col("pay_date", T.DATE),
            col("record_date", T.DATE),
            col("declaration_date", T.DATE),
            _source(),
        ),
        key=("symbol", "ex_date", "action", "source"),
        time_column="ex_date",
    ),
)

_ECONOMIC_DATA = (
    Table(
        "economic_data",
        "indicators",
        (
            key_col("series_id", T.TEXT, "FRED series id, e.g. CPIAUCSL."),
            key_col("date", T.DATE, "Observation period start."),
            key_col("realtime_start", T.DATE, "First day this value was known (its vintage)."),
            col("realtime_end", T.DATE),
            col("value", T.DOUBLE, doc="NULL where the vendor reports a missing value."),
            _source(),
        ),
        key=("series_id", "date", "realtime_start", "source"),
        time_column="date",
        description="Economic observations with vintages, so revisions cause no look-ahead.",
    ),
    Table(
        "economic_data",
        "releases",
        (
            key_col("series_id", T.TEXT),
            key_col("released", T.DATE, "Date the release was published."),
            col("release_name", T.TEXT),
            col("title", T.TEXT, doc="Series title, e.g. Consumer Price Index."),
            col("units", T.TEXT),
            col("frequency", T.TEXT),
            col("seasonal_adjustment", T.TEXT),
            _source(),
        ),
        key=("series_id", "released", "source"),
        time_column="released",
    ),
)

_EVENTS = (
    Table(
        "events",
        "earnings",
        (
            key_col("symbol", T.TEXT),
            key_col("report_date", T.DATE),
            col("fiscal_period", T.TEXT, doc="e.g. 2025Q3."),
            col("time_of_day", T.TEXT, doc="bmo (before open), amc (after close) or unknown."),
            col("eps_estimate", T.DOUBLE),
            col("eps_actual", T.DOUBLE),
            col("revenue_estimate", T.DOUBLE),
            col("revenue_actual", T.DOUBLE),
            _source(),
        ),
        key=("symbol", "report_date", "source"),
        time_column="report_date",
    ),
    Table(
        "events",
        "dividends",
        (
            key_col("symbol", T.TEXT),
            key_col("ex_date", T.DATE),
            col("declaration_date", T.DATE),
            col("record_date", T.DATE),
            col("pay_date", T.DATE),
            col("cash_amount", T.DOUBLE, null=False),
            col("currency", T.TEXT),
            col("frequency", T.BIGINT, doc="Payments a year."),
            _source(),
        ),
        key=("symbol", "ex_date", "source"),
        time_column="ex_date",
        description="Declared and upcoming dividends; past ones also in corporate_actions.",
    ),
    Table(
        "events",
        "economic_events",
        (
            key_col("event", T.TEXT, "e.g. FOMC rate decision, CPI, Nonfarm payrolls."),
            key_col("ts", T.TIMESTAMP, "Scheduled time, UTC."),
            col("country", T.TEXT),
            col("importance", T.TEXT, doc="low, medium or high."),
            col("actual", T.DOUBLE),
            col("forecast", T.DOUBLE),
            col("previous", T.DOUBLE),
            col("unit", T.TEXT),
            _source(),
        ),
        key=("event", "ts", "source"),
        time_column="ts",
    ),
)

_NEWS = (
    Table(
        "news",
        "articles",
        (
            key_col("article_id", T.TEXT, "Stable hash of the canonical URL."),
            col("url", T.TEXT, null=False),
            col("title", T.TEXT, null=False),
            col("summary", T.TEXT),
            col("publisher", T.TEXT),
            col("author", T.TEXT),
            col("published_at", T.TIMESTAMP, null=False),
            col("symbols", T.JSON, doc="Tickers the article is about."),
            _source(),
        ),
        key=("article_id", "source"),
        time_column="published_at",
    ),
    Table(
        "news",
        "sentiment",
        (
            key_col("article_id", T.TEXT),
            key_col("symbol", T.TEXT, "Ticker, or '*' for the article as a whole."),
            key_col("method", T.TEXT, "vendor, vader or loughran_mcdonald."),
            col("score", T.DOUBLE, null=False, doc="From -1 (bearish) to 1 (bullish)."),
            col("label", T.TEXT),
            col("relevance", T.DOUBLE),
            col("published_at", T.TIMESTAMP),
            _source(),
        ),
        key=("article_id", "symbol", "method", "source"),
        time_column="published_at",
    ),
)

_DERIVED = (
    Table(
        "derived",
        "technical_indicators",
        (
            key_col("symbol", T.TEXT),
            key_col("interval", T.TEXT),
            key_col("ts", T.TIMESTAMP),
            key_col("indicator", T.TEXT, "e.g. sma, rsi, macd_signal."),
            key_col("params", T.TEXT, "Canonical parameter string, e.g. window=20."),
            col("value", T.DOUBLE),
            _source(),
        ),
        key=("symbol", "interval", "ts", "indicator", "params", "source"),
        time_column="ts",
    ),
    Table(
        "derived",
        "volatility_metrics",
        (
            key_col("symbol", T.TEXT),
            key_col("ts", T.TIMESTAMP),
            key_col("metric", T.TEXT, "realized, parkinson, garman_klass, ..."),
            key_col("window", T.BIGINT, "Window length in bars."),
            col("value", T.DOUBLE),
            _source(),
        ),
        key=("symbol", "ts", "metric", "window", "source"),
        time_column="ts",
    ),
    Table(
        "derived",
        "correlation_matrices",
        (
            key_col("as_of", T.DATE),
            key_col("window", T.BIGINT),
            key_col("symbol_a", T.TEXT),
            key_col("symbol_b", T.TEXT),
            col("value", T.DOUBLE),
            _source(),
        ),
        key=("as_of", "window", "symbol_a", "symbol_b", "source"),
        time_column="as_of",
        description="Pairwise return correlations, one row per pair and window.",
    ),
)

_STRATEGIES = (
    Table(
        "strategies",
        "definitions",
        (
            key_col("strategy_id", T.TEXT),
            col("name", T.TEXT, null=False),
            col("kind", T.TEXT, null=False, doc="pair, switch, fly, sma_crossover, ..."),
            col("config", T.JSON, null=False),
            col("created_at", T.TIMESTAMP, null=False),
            _source_value(),
        ),
        key=("strategy_id",),
    ),
    Table(
        "strategies",
        "runs",
        (
            key_col("run_id", T.TEXT),
            col("strategy_id", T.TEXT, null=False),
            col("mode", T.TEXT, null=False, doc="backtest, walk_forward, paper or live."),
            col("status", T.TEXT, null=False),
            col("params", T.JSON),
            col("period_start", T.DATE),
            col("period_end", T.DATE),
            col("started_at", T.TIMESTAMP, null=False),
            col("finished_at", T.TIMESTAMP),
            _source_value(),
        ),
        key=("run_id",),
        time_column="started_at",
    ),
    Table(
        "strategies",
        "signals",
        (
            key_col("run_id", T.TEXT),
            key_col("symbol", T.TEXT),
            key_col("ts", T.TIMESTAMP),
            key_col("signal", T.TEXT),
            col("value", T.DOUBLE),
            col("reason", T.TEXT),
            _source_value(),
        ),
        key=("run_id", "symbol", "ts", "signal"),
        time_column="ts",
    ),
    Table(
        "strategies",
        "trades",
        (
            key_col("run_id", T.TEXT),
            key_col("trade_id", T.TEXT),
            col("symbol", T.TEXT, null=False),
            col("side", T.TEXT, null=False, doc="long or short."),
            col("quantity", T.DECIMAL, null=False),
            col("entry_ts", T.TIMESTAMP, null=False),
            col("entry_price", T.DECIMAL, null=False),
            col("exit_ts", T.TIMESTAMP),
            col("exit_price", T.DECIMAL),
            col("pnl", T.DECIMAL),
            col("fees", T.DECIMAL),
            _source_value(),
        ),
        key=("run_id", "trade_id"),
        time_column="entry_ts",
    ),
    Table(
        "strategies",
        "performance",
        (
            key_col("run_id", T.TEXT),
            key_col("metric", T.TEXT, "sharpe, max_drawdown, total_return, ..."),
            col("value", T.DOUBLE),
            _source_value(),
        ),
        key=("run_id", "metric"),
    ),
)

_EXECUTION = (
    Table(
        "execution",
        "orders",
        (
            key_col("order_id", T.TEXT),
            col("client_order_id", T.TEXT, null=False),
            col("broker", T.TEXT, null=False, doc="paper, alpaca, ibkr or binance."),
            col("account", T.TEXT, null=False),
            col("symbol", T.TEXT, null=False),
            col("side", T.TEXT, null=False, doc="buy or sell."),
            col("order_type", T.TEXT, null=False, doc="market, limit, stop, stop_limit."),
            col("quantity", T.DECIMAL, null=False),
            col("limit_price", T.DECIMAL),
            col("stop_price", T.DECIMAL),
            col("time_in_force", T.TEXT, null=False),
            col("status", T.TEXT, null=False),
            col("ts_submitted", T.TIMESTAMP, null=False),
            col("ts_updated", T.TIMESTAMP, null=False),
            _source_value(),
        ),
        key=("order_id",),
        time_column="ts_submitted",
    ),
    Table(
        "execution",
        "fills",
        (
            key_col("fill_id", T.TEXT),
            col("order_id", T.TEXT, null=False),
            col("symbol", T.TEXT, null=False),
            col("side", T.TEXT, null=False),
            col("quantity", T.DECIMAL, null=False),
            col("price", T.DECIMAL, null=False),
            col("commission", T.DECIMAL, null=False),
            col("ts_event", T.TIMESTAMP, null=False),
            _source_value(),
        ),
        key=("fill_id",),
        time_column="ts_event",
    ),
    Table(
        "execution",
        "positions",
        (
            key_col("account", T.TEXT),
            key_col("symbol", T.TEXT),
            key_col("ts", T.TIMESTAMP, "When the position was observed."),
            col("quantity", T.DECIMAL, null=False),
            col("average_price", T.DECIMAL),
            _source(),
        ),
        key=("account", "symbol", "ts", "source"),
        time_column="ts",
    ),
)

_OPS = (
    Table(
        "ops",
        "store_info",
        (
            key_col("key", T.TEXT),
            col("value", T.TEXT, null=False),
            _source_value(),
        ),
        key=("key",),
        description="Facts about this store, e.g. whether it holds sample or live data.",
    ),
    Table(
        "ops",
        "ingest_runs",
        (
            key_col("run_id", T.TEXT),
            col("mode", T.TEXT, null=False, doc="daily, backfill or load."),
            col("status", T.TEXT, null=False, doc="running, success, partial or failed."),
            col("started_at", T.TIMESTAMP, null=False),
            col("finished_at", T.TIMESTAMP),
            col("rows_written", T.BIGINT),
            col("rows_quarantined", T.BIGINT),
            col("steps", T.JSON),
            col("errors", T.JSON),
            _source_value(),
        ),
        key=("run_id",),
        time_column="started_at",
    ),
    Table(
        "ops",
        "watermarks",
        (
            key_col("dataset", T.TEXT, "Qualified table name, e.g. market_data.ohlcv."),
            key_col("symbol", T.TEXT, "Symbol or series id; '*' for a dataset-wide mark."),
            col("last_ts", T.TIMESTAMP, null=False, doc="Newest point stored."),
            col("run_id", T.TEXT),
            col("updated_at", T.TIMESTAMP, null=False),
            _source(),
        ),
        key=("source", "dataset", "symbol"),
    ),
    Table(
        "ops",
        "quarantine",
        (
            key_col("record_id", T.TEXT, "Hash of dataset, source, reason and payload."),
            col("dataset", T.TEXT, null=False),
            col("natural_key", T.TEXT),
            col("reason", T.TEXT, null=False),
            col("payload", T.JSON, null=False, doc="The raw record as received."),
            col("run_id", T.TEXT),
            col("quarantined_at", T.TIMESTAMP, null=False),
            _source_value(),
        ),
        key=("record_id",),
        time_column="quarantined_at",
        description="Records rejected by validation, kept with the reason and raw payload.",
    ),
)

MIGRATION = Migration(
    1,
    "initial schemas",
    tuple(
        CreateTable(t)
        for t in (
            *_MARKET_DATA,
            *_ECONOMIC_DATA,
            *_EVENTS,
            *_NEWS,
            *_DERIVED,
            *_STRATEGIES,
            *_EXECUTION,
            *_OPS,
        )
    ),
)
