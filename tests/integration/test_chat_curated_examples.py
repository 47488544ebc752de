"""Every curated chat example passes the guard and runs on both stores, with the same rows.

The examples are what models copy, so each must be correct SQL over the real schema: here each
one goes through `check_sql` (allowed: the default policy's readable tables) and runs through the
chat's own read-only executors, `DuckDBReadOnly` over a DuckDB store and `PostgresReadOnly` as
the ``tetra_chat`` role over a PostgreSQL store, both migrated and filled with the same rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tetra.adapters.stores import open_store
from tetra.adapters.stores.duckdb_readonly import DuckDBReadOnly
from tetra.adapters.stores.duckdb_store import DuckDBStore
from tetra.adapters.stores.postgres_readonly import PostgresReadOnly
from tetra.chat.examples import Example, curated_examples
from tetra.chat.guard import Dialect, check_sql
from tetra.chat.policy import TablePolicy
from tetra.chat.readonly import ReadOnlyExecutor
from tetra.data.migrations import catalog
from tetra.data.migrations.v0003_chat_role import CHAT_ROLE
from tetra.data.ports import Store
from tetra.testing import bars_frame

POLICY = TablePolicy.classify(catalog())


ALL_EXAMPLES = [pytest.param(e, id=e.question) for e in curated_examples()]


# --- the rows both stores hold -------------------------------------------------------------


def _ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def _symbols() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["QQQ", "IWM", "GLD", "SLV", "TSLA", "AAA"],
            "name": [
                "Invesco QQQ",
                "iShares Russell 2000",
                "SPDR Gold",
                "iShares Silver",
                "Tesla",
                "A",
            ],
            "asset_class": ["etf", "etf", "etf", "etf", "equity", "equity"],
            "universe_group": ["core", "core", "commodities", "commodities", "growth", "growth"],
            "themes": [[], [], [], [], ["ev"], ["quantum", "ai_infrastructure"]],
            "currency": "USD",
            "source": "test",
        }
    )


def _corporate_actions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["TSLA", "VYM", "VYM", "VYM"],
            "ex_date": [
                dt.date(2022, 8, 25),
                dt.date(2023, 3, 20),
                dt.date(2023, 6, 20),
                dt.date(2024, 3, 18),
            ],
            "action": ["split", "dividend", "dividend", "dividend"],
            "split_from": [1.0, None, None, None],
            "split_to": [3.0, None, None, None],
            "cash_amount": [None, 0.75, 0.80, 0.85],
            "currency": "USD",
            "source": "test",
        }
    )


def _indicators() -> pd.DataFrame:
    current = dt.date(9999, 12, 31)
    return pd.DataFrame(
        {
            "series_id": ["UNRATE", "UNRATE", "DGS2", "DGS2", "DGS2"],
            "date": [
                dt.date(2024, 4, 1),
                dt.date(2024, 5, 1),
                dt.date(2024, 5, 1),
                dt.date(2024, 5, 2),
                dt.date(2024, 5, 3),
            ],
            "realtime_start": [
                dt.date(2024, 5, 3),
                dt.date(2024, 6, 7),
                dt.date(2024, 5, 2),
                dt.date(2024, 5, 3),
                dt.date(2024, 5, 6),
            ],
            "realtime_end": [current] * 5,
            "value": [3.9, 4.0, 4.95, 4.88, 4.81],
            "source": "fred",
        }
    )


def _releases() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series_id": ["UNRATE", "DGS2"],
            "released": [dt.date(2024, 6, 7), dt.date(2024, 5, 6)],
            "title": ["Unemployment Rate", "2-Year Treasury Yield"],
            "units": ["Percent", "Percent"],
            "frequency": ["Monthly", "Daily"],
            "source": "fred",
        }
    )


def _articles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": ["n1", "n2", "n3"],
            "url": [
                "https://news.example/n1",
                "https://news.example/n2",
                "https://news.example/n3",
            ],
            "title": ["Amazon beats", "Microsoft slips", "Amazon and Microsoft"],
            "publisher": "Example Wire",
            "published_at": [
                _ts("2024-05-01 12:00"),
                _ts("2024-05-02 12:00"),
                _ts("2024-05-03 12:00"),
            ],
            "symbols": [["AMZN"], ["MSFT"], ["AMZN", "MSFT"]],
            "source": "newsapi",
        }
    )


def _sentiment() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": ["n1", "n2", "n3", "n3"],
            "symbol": ["AMZN", "MSFT", "AMZN", "MSFT"],
            "method": "vader",
            "score": [0.5, -0.25, 0.125, -0.75],
            "label": ["positive", "negative", "neutral", "negative"],
            "published_at": [
                _ts("2024-05-01 12:00"),
                _ts("2024-05-02 12:00"),
                _ts("2024-05-03 12:00"),
                _ts("2024-05-03 12:00"),
            ],
            "source": "newsapi",
        }
    )


def _earnings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["TSLA", "AAA"],
            "report_date": [dt.date(2024, 4, 23), dt.date(2024, 5, 7)],
            "fiscal_period": ["2024Q1", "2024Q1"],
            "time_of_day": ["amc", "bmo"],
            "eps_estimate": [0.5, 1.25],
            "source": "test",
        }
    )


def _coverage() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "dataset": "market_data.ohlcv",
            "symbol": ["QQQ", "IWM"],
            "source": "test",
            "calendar": "XNYS",
            "first": [dt.date(2024, 1, 2), dt.date(2024, 1, 2)],
            "last": [dt.date(2024, 10, 7), dt.date(2024, 10, 7)],
            "expected": [200, 200],
            "stored": [197, 200],
            "missing": [3, 0],
            "quarantined": [0, 0],
            "computed_at": _ts("2024-10-08"),
        }
    )


def _ingest_runs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "run_id": ["ingest-1", "ingest-2"],
            "mode": ["backfill", "daily"],
            "status": ["succeeded", "failed"],
            "started_at": [_ts("2024-10-07 20:00"), _ts("2024-10-08 20:00")],
            "finished_at": [_ts("2024-10-07 20:05"), _ts("2024-10-08 20:01")],
            "rows_written": [1200, 0],
            "rows_quarantined": [1, 0],
            "source": "pipeline",
        }
    )


def _quarantine() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": ["q1", "q2"],
            "dataset": "market_data.ohlcv",
            "reason": "high below low",
            "payload": [{"symbol": "QQQ"}, {"symbol": "IWM"}],
            "quarantined_at": _ts("2024-10-07 20:04"),
            "source": "pipeline",
        }
    )


def _strategies() -> dict[str, pd.DataFrame]:
    definitions = pd.DataFrame(
        {
            "strategy_id": ["s1"],
            "name": ["qqq_iwm_pair"],
            "kind": ["pair"],
            "config": [{"legs": ["QQQ", "IWM"]}],
            "created_at": _ts("2024-01-01"),
            "source": "test",
        }
    )
    runs = pd.DataFrame(
        {
            "run_id": ["demo", "other"],
            "strategy_id": "s1",
            "mode": "backtest",
            "status": "finished",
            "period_start": [dt.date(2024, 1, 2), dt.date(2024, 3, 1)],
            "period_end": [dt.date(2024, 6, 28), dt.date(2024, 6, 28)],
            "started_at": [_ts("2024-07-01 10:00"), _ts("2024-07-01 11:00")],
            "source": "test",
        }
    )
    performance = pd.DataFrame(
        {
            "run_id": ["demo", "other", "demo"],
            "metric": ["sharpe", "sharpe", "max_drawdown"],
            "value": [1.5, 0.75, -0.125],
            "source": "test",
        }
    )
    trades = pd.DataFrame(
        {
            "run_id": "demo",
            "trade_id": ["t1", "t2", "t3"],
            "symbol": ["QQQ", "QQQ", "IWM"],
            "side": ["long", "long", "short"],
            "quantity": [Decimal(10), Decimal(5), Decimal(8)],
            "entry_ts": [_ts("2024-02-01"), _ts("2024-03-01"), _ts("2024-02-15")],
            "entry_price": [Decimal("400.5"), Decimal(410), Decimal(200)],
            "exit_ts": [_ts("2024-02-10"), _ts("2024-03-20"), _ts("2024-02-28")],
            "exit_price": [Decimal("410.5"), Decimal(405), Decimal(195)],
            "pnl": [Decimal(100), Decimal(-25), Decimal(40)],
            "fees": [Decimal(1), Decimal(1), Decimal("0.5")],
            "source": "test",
        }
    )
    return {
        "strategies.definitions": definitions,
        "strategies.runs": runs,
        "strategies.performance": performance,
        "strategies.trades": trades,
    }


def _execution() -> dict[str, pd.DataFrame]:
    positions = pd.DataFrame(
        {
            "account": "acct-1",
            "symbol": ["QQQ", "QQQ", "IWM"],
            "ts": [_ts("2024-06-01"), _ts("2024-06-02"), _ts("2024-06-02")],
            "quantity": [Decimal(10), Decimal(15), Decimal(0)],
            "average_price": [Decimal(400), Decimal("402.5"), None],
            "source": "test",
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["o1", "o2"],
            "client_order_id": ["c1", "c2"],
            "broker": "paper",
            "account": "acct-1",
            "symbol": ["QQQ", "IWM"],
            "side": ["buy", "sell"],
            "order_type": ["limit", "market"],
            "quantity": [Decimal(5), Decimal(3)],
            "limit_price": [Decimal("399.5"), None],
            "time_in_force": "day",
            "status": ["accepted", "filled"],
            "ts_submitted": [_ts("2024-06-03 14:00"), _ts("2024-06-03 15:00")],
            "ts_updated": [_ts("2024-06-03 14:00"), _ts("2024-06-03 15:01")],
            "source": "test",
        }
    )
    return {"execution.positions": positions, "execution.orders": orders}


def sample_rows() -> dict[str, pd.DataFrame]:
    """Rows for every table a curated example reads, so that each example returns some."""
    return {
        "market_data.ohlcv": bars_frame(("QQQ", "IWM", "GLD", "SLV", "TSLA", "AAA"), periods=200),
        "market_data.symbols": _symbols(),
        "market_data.corporate_actions": _corporate_actions(),
        "economic_data.indicators": _indicators(),
        "economic_data.releases": _releases(),
        "news.articles": _articles(),
        "news.sentiment": _sentiment(),
        "events.earnings": _earnings(),
        "ops.coverage": _coverage(),
        "ops.ingest_runs": _ingest_runs(),
        "ops.quarantine": _quarantine(),
        **_strategies(),
        **_execution(),
    }


def fill(store: Store) -> None:
    for table, rows in sample_rows().items():
        store.upsert(table, rows)


# --- the stores and the chat's executors over them -----------------------------------------


@pytest.fixture(scope="module")
def duckdb_executor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBReadOnly]:
    """The chat's executor over a filled DuckDB store that stays open read-write, as in the API."""
    path: Path = tmp_path_factory.mktemp("chat_examples") / "store.duckdb"
    store = open_store(str(path))
    assert isinstance(store, DuckDBStore)
    fill(store)
    executor = DuckDBReadOnly.over(store.chat_connection())
    yield executor
    executor.close()
    store.close()


@pytest.fixture(scope="module")
def postgres_url(postgres_databases: Callable[[str], str]) -> str:
    """Give a filled throwaway database of this module's own."""
    url = postgres_databases("tetra_chat_examples")
    store = open_store(url)
    try:
        fill(store)
    finally:
        store.close()
    return url


@pytest.fixture(scope="module")
def postgres_executor(postgres_url: str) -> Iterator[PostgresReadOnly]:
    """The chat's executor over the filled PostgreSQL store, as its read-only role."""
    executor = PostgresReadOnly(postgres_url, role=CHAT_ROLE)
    yield executor
    executor.close()


def run_like_the_chat(
    example: Example, dialect: Dialect, executor: ReadOnlyExecutor
) -> pd.DataFrame:
    guarded = check_sql(example.sql_for(dialect), dialect=dialect, allowed_tables=POLICY.readable)
    return executor.run(guarded.sql).frame


def comparable(frame: pd.DataFrame) -> tuple[list[str], list[tuple[object, ...]]]:
    """Return the columns and the rows in one spelling for both engines, rows sorted.

    DuckDB gives dates as naive timestamps and decimals as floats; psycopg gives `date` and
    `Decimal`. Ties in ORDER BY may come back in either order, so rows are sorted.
    """
    rows = [tuple(_comparable(v) for v in row) for row in frame.itertuples(index=False)]
    return [str(c) for c in frame.columns], sorted(rows, key=repr)


def _comparable(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.date | pd.Timestamp):
        stamp = pd.Timestamp(value)
        return (stamp.tz_convert("UTC") if stamp.tzinfo else stamp).isoformat()
    if isinstance(value, Decimal | int | float | np.number) and not isinstance(value, bool):
        return round(float(value), 9)
    return str(value)


# --- the specification ----------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
@pytest.mark.parametrize("example", ALL_EXAMPLES)
def test_curated_example_passes_the_guard_over_the_readable_tables(
    example: Example, dialect: Dialect
) -> None:
    guarded = check_sql(example.sql_for(dialect), dialect=dialect, allowed_tables=POLICY.readable)

    assert guarded.tables == example.tables


@pytest.mark.parametrize("example", ALL_EXAMPLES)
def test_curated_example_returns_rows_on_a_duckdb_store(
    example: Example, duckdb_executor: DuckDBReadOnly
) -> None:
    frame = run_like_the_chat(example, "duckdb", duckdb_executor)

    assert len(frame) > 0


@pytest.mark.postgres
@pytest.mark.parametrize("example", ALL_EXAMPLES)
def test_curated_example_returns_rows_on_a_postgres_store(
    example: Example, postgres_executor: PostgresReadOnly
) -> None:
    frame = run_like_the_chat(example, "postgres", postgres_executor)

    assert len(frame) > 0


@pytest.mark.postgres
@pytest.mark.parametrize("example", ALL_EXAMPLES)
def test_curated_example_gives_the_same_rows_on_duckdb_and_postgres(
    example: Example, duckdb_executor: DuckDBReadOnly, postgres_executor: PostgresReadOnly
) -> None:
    on_duckdb = run_like_the_chat(example, "duckdb", duckdb_executor)

    on_postgres = run_like_the_chat(example, "postgres", postgres_executor)

    assert comparable(on_postgres) == comparable(on_duckdb)


def test_curated_examples_cover_every_table_they_are_run_against() -> None:
    read = set().union(*(e.tables for e in curated_examples()))

    assert read <= set(sample_rows())
