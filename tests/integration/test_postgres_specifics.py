"""What only the PostgreSQL store does: plain tables without TimescaleDB, key constraints,
byte-order collation, the COPY and merge write paths, and the TimescaleDB DDL it would run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest

from tetra.adapters.stores import open_store, postgres_store, timescale
from tetra.adapters.stores.postgres_store import PostgresStore
from tetra.data.ports import Query
from tetra.testing import InMemoryStore, bars_frame

OHLCV = "market_data.ohlcv"
RawSql = Callable[[str, str], list[tuple[Any, ...]]]


@pytest.fixture
def pg_store(reset_postgres: Callable[[], str]) -> Iterator[PostgresStore]:
    store = open_store(reset_postgres())
    assert isinstance(store, PostgresStore)
    yield store
    store.close()


@pytest.fixture
def write_paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record which write path each upsert takes: "copy" straight in, or "merge"."""
    taken: list[str] = []
    merge = PostgresStore._merge

    def recording_merge(self: PostgresStore, *args: Any) -> None:
        taken[-1] = "merge"
        merge(self, *args)

    write = PostgresStore._write

    def recording_write(self: PostgresStore, *args: Any) -> None:
        taken.append("copy")
        write(self, *args)

    monkeypatch.setattr(PostgresStore, "_merge", recording_merge)
    monkeypatch.setattr(PostgresStore, "_write", recording_write)
    return taken


@pytest.mark.postgres
def test_without_timescaledb_the_store_keeps_plain_tables(
    pg_store: PostgresStore, pg_url: str, raw_sql: RawSql
) -> None:
    relkinds = raw_sql(
        pg_url, "SELECT relkind FROM pg_class WHERE oid = 'market_data.ohlcv'::regclass"
    )
    views = raw_sql(pg_url, "SELECT to_regclass('market_data.ohlcv_weekly')")

    assert timescale.is_available(pg_store._fetch_rows) is False
    assert pg_store.timescale is False
    assert relkinds == [("r",)]
    assert views == [(None,)]


@pytest.mark.postgres
def test_ohlcv_primary_key_is_the_natural_key_in_order(
    pg_store: PostgresStore, pg_url: str, raw_sql: RawSql
) -> None:
    key = raw_sql(
        pg_url,
        "SELECT k.column_name FROM information_schema.table_constraints c "
        "JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name) "
        "WHERE c.table_schema = 'market_data' AND c.table_name = 'ohlcv' "
        "AND c.constraint_type = 'PRIMARY KEY' ORDER BY k.ordinal_position",
    )

    assert [name for (name,) in key] == ["symbol", "interval", "ts", "source"]


@pytest.mark.postgres
def test_every_text_column_collates_in_byte_order(
    pg_store: PostgresStore, pg_url: str, raw_sql: RawSql
) -> None:
    collations = raw_sql(
        pg_url,
        "SELECT DISTINCT collation_name FROM information_schema.columns "
        "WHERE table_schema IN ('market_data', 'economic_data', 'events', 'news', 'derived', "
        "'strategies', 'execution', 'ops') AND data_type = 'text' "
        "AND table_name <> 'schema_migrations'",
    )

    assert collations == [("C",)]


@pytest.mark.postgres
def test_symbols_come_back_in_byte_order(pg_store: PostgresStore) -> None:
    pg_store.upsert(OHLCV, bars_frame(("b", "B", "a", "A"), periods=1))

    symbols = pg_store.read(Query(OHLCV))["symbol"].tolist()

    assert symbols == ["A", "B", "a", "b"]


@pytest.mark.postgres
def test_new_range_is_copied_and_overlapping_revision_is_merged(
    pg_store: PostgresStore, write_paths: list[str]
) -> None:
    first = bars_frame(("AAA", "BBB"), periods=5, seed=1)
    revised = bars_frame(("AAA",), start="2024-01-05", periods=4, seed=2)
    reference = InMemoryStore()
    reference.migrate()

    for batch in (first, revised):
        pg_store.upsert(OHLCV, batch)
        reference.upsert(OHLCV, batch)

    assert write_paths == ["copy", "merge"]
    assert pg_store.count(OHLCV) == 12
    assert pg_store.read_arrow(Query(OHLCV)).equals(reference.read_arrow(Query(OHLCV)))


@pytest.mark.postgres
def test_copy_and_merge_paths_store_the_same_content(
    reset_postgres: Callable[[], str], write_paths: list[str]
) -> None:
    bars = bars_frame(("AAA", "BBB"), periods=6, seed=3)
    with open_store(reset_postgres()) as copied:
        copied.upsert(OHLCV, bars)
        via_copy = copied.read(Query(OHLCV))
    with open_store(reset_postgres()) as merged:
        merged.upsert(OHLCV, bars.iloc[[0, 6]])  # a stored row inside each series' range
        merged.upsert(OHLCV, bars)
        via_merge = merged.read(Query(OHLCV))

    assert write_paths == ["copy", "copy", "merge"]
    pd.testing.assert_frame_equal(via_merge, via_copy)


@pytest.mark.postgres
def test_merge_leaves_unchanged_rows_untouched(
    pg_store: PostgresStore, pg_url: str, raw_sql: RawSql
) -> None:
    bars = bars_frame(periods=4)
    pg_store.upsert(OHLCV, bars)
    before = raw_sql(pg_url, "SELECT ts, xmin::text FROM market_data.ohlcv ORDER BY ts")
    revised = bars.copy()
    revised.loc[3, "volume"] = 1.0

    pg_store.upsert(OHLCV, revised)

    after = raw_sql(pg_url, "SELECT ts, xmin::text FROM market_data.ohlcv ORDER BY ts")
    assert after[:3] == before[:3]  # same row versions: no rewrite, no bloat
    assert after[3] != before[3]


@pytest.mark.postgres
def test_copy_chunks_of_a_large_batch_all_arrive(
    pg_store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_store, "_COPY_CHUNK_ROWS", 7)

    pg_store.upsert(OHLCV, bars_frame(("AAA", "BBB", "CCC"), periods=20))

    assert pg_store.count(OHLCV) == 60


# -- TimescaleDB DDL: the extension cannot be installed here, so the statements are checked
# as text against the TimescaleDB 2.x documentation.


def _statement(*words: str) -> str:
    matches = [s for s in timescale.HYPERTABLE_STATEMENTS if all(w in s for w in words)]
    assert len(matches) == 1, words
    return matches[0]


def test_hypertable_is_created_by_range_on_ts() -> None:
    statement = _statement("create_hypertable")

    assert "by_range('ts', INTERVAL '1 year')" in statement
    assert "if_not_exists => true" in statement


def test_compression_segments_by_series_with_interval_quoted() -> None:
    statement = _statement("compress_segmentby")

    assert "timescaledb.compress_segmentby = 'symbol, \"interval\", source'" in statement
    assert "timescaledb.compress_orderby = 'ts DESC'" in statement


def test_weekly_bars_are_a_continuous_aggregate_of_daily_bars() -> None:
    statement = _statement("MATERIALIZED VIEW")

    assert "WITH (timescaledb.continuous)" in statement
    assert "WHERE \"interval\" = '1d'" in statement
    assert "time_bucket(INTERVAL '1 week', ts)" in statement


def test_policies_are_idempotent() -> None:
    policies = [s for s in timescale.HYPERTABLE_STATEMENTS if "_policy(" in s]

    assert len(policies) == 2
    assert all("if_not_exists => true" in s for s in policies)


def test_enable_runs_nothing_when_the_extension_is_missing() -> None:
    executed: list[str] = []

    enabled = timescale.enable(lambda sql, params: executed.append(sql), lambda sql, p: [(False,)])

    assert enabled is False
    assert executed == []


def test_enable_runs_every_statement_in_order_when_the_extension_exists() -> None:
    executed: list[str] = []

    enabled = timescale.enable(lambda sql, params: executed.append(sql), lambda sql, p: [(True,)])

    assert enabled is True
    assert executed == list(timescale.HYPERTABLE_STATEMENTS)
