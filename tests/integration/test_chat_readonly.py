"""Chat's read-only execution refuses writes and cuts slow queries even without the guard.

Every query here goes straight to the executor, as if `tetra.chat.guard` had been bypassed.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
import pytest

from tetra.adapters.stores import open_store
from tetra.adapters.stores.duckdb_readonly import DuckDBReadOnly
from tetra.adapters.stores.duckdb_store import DuckDBStore
from tetra.adapters.stores.postgres_readonly import PostgresReadOnly
from tetra.adapters.stores.sql import read_only_role
from tetra.chat.readonly import QueryFailed, QueryTimedOut
from tetra.data.migrations.v0003_chat_role import CHAT_ROLE
from tetra.data.ports import Query
from tetra.testing import bars_frame

OHLCV = "market_data.ohlcv"
TIMEOUT_SECONDS = 1.0
RawSql = Callable[[str, str], list[tuple[Any, ...]]]

WRITES = [
    "CREATE TABLE market_data.evil (a INTEGER)",
    f"INSERT INTO {OHLCV} SELECT * FROM {OHLCV}",
    f"UPDATE {OHLCV} SET close = 0",
    f"DELETE FROM {OHLCV}",
    f"DROP TABLE {OHLCV}",
    f"WITH gone AS (DELETE FROM {OHLCV} RETURNING *) SELECT count(*) FROM gone",
]


def _seed(url: str) -> int:
    store = open_store(url)
    try:
        store.upsert(OHLCV, bars_frame(symbols=("AAA", "BBB"), periods=5))
        return store.count(OHLCV)
    finally:
        store.close()


def _table_names(url: str, raw_sql: RawSql) -> list[tuple[Any, ...]]:
    return raw_sql(
        url,
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema = 'market_data' ORDER BY 1, 2",
    )


@pytest.fixture
def duckdb_path(tmp_path: Path) -> str:
    path = str(tmp_path / "store.duckdb")
    _seed(path)
    return path


@pytest.fixture(params=["own read-only file", "store's sandboxed instance"])
def duckdb_readonly(request: pytest.FixtureRequest, duckdb_path: str) -> Iterator[DuckDBReadOnly]:
    """The chat's own read-only connection (CLI), or one to the API's read-write store."""
    if request.param == "own read-only file":
        executor = DuckDBReadOnly(duckdb_path, timeout_seconds=TIMEOUT_SECONDS)
        yield executor
        executor.close()
        return
    store = DuckDBStore(duckdb_path)
    store.migrate()
    executor = DuckDBReadOnly.over(store.chat_connection(), timeout_seconds=TIMEOUT_SECONDS)
    yield executor
    executor.close()
    store.close()


def test_duckdb_readonly_over_refuses_a_connection_that_is_not_sandboxed(
    duckdb_path: str,
) -> None:
    store = DuckDBStore(duckdb_path)
    try:
        with pytest.raises(QueryFailed, match="external access"):
            DuckDBReadOnly.over(store._connection.cursor())
    finally:
        store.close()


def test_duckdb_store_still_writes_after_handing_out_a_chat_connection(
    duckdb_path: str,
) -> None:
    store = DuckDBStore(duckdb_path)
    store.migrate()
    try:
        executor = DuckDBReadOnly.over(store.chat_connection())
        store.upsert(OHLCV, bars_frame(symbols=("CCC",), periods=5))
        store.upsert(
            "market_data.symbols",
            pd.DataFrame(
                {
                    "symbol": ["CCC"],
                    "name": ["C Corp"],
                    "asset_class": ["equity"],
                    "themes": [["quantum"]],
                    "currency": ["USD"],
                    "source": ["test"],
                }
            ),
        )

        counted = executor.run(f"SELECT count(*) AS n FROM {OHLCV}").frame["n"].iloc[0]
        themes = executor.run("SELECT themes FROM market_data.symbols").frame["themes"]
    finally:
        store.close()

    assert counted == 15
    assert "quantum" in str(themes.iloc[0])


def test_duckdb_store_still_reads_after_handing_out_a_chat_connection(duckdb_path: str) -> None:
    # DuckDB 2 refuses a relation query while an earlier execute() result is unread; handing
    # out the chat connection once left one behind and every later read on the store failed.
    store = DuckDBStore(duckdb_path)
    store.migrate()
    try:
        store.chat_connection().close()
        store.chat_connection().close()  # the second call reads the locked setting again
        symbols = store.read(Query("market_data.symbols", columns=["symbol"]))
    finally:
        store.close()

    assert symbols.empty


@pytest.fixture
def pg_seeded(reset_postgres: Callable[[], str]) -> str:
    url = reset_postgres()
    _seed(url)
    return url


@pytest.fixture
def pg_readonly(pg_seeded: str) -> Iterator[PostgresReadOnly]:
    executor = PostgresReadOnly(pg_seeded, timeout_seconds=TIMEOUT_SECONDS)
    yield executor
    executor.close()


def test_duckdb_readonly_reads_rows_with_timing(duckdb_readonly: DuckDBReadOnly) -> None:
    result = duckdb_readonly.run(f"SELECT symbol, count(*) AS n FROM {OHLCV} GROUP BY symbol")

    assert sorted(result.frame["symbol"]) == ["AAA", "BBB"]
    assert result.elapsed_seconds >= 0


@pytest.mark.parametrize("sql", WRITES)
def test_duckdb_readonly_refuses_writes(
    duckdb_readonly: DuckDBReadOnly, duckdb_path: str, sql: str
) -> None:
    before = duckdb_readonly.run(f"SELECT count(*) AS n FROM {OHLCV}").frame["n"].iloc[0]

    with pytest.raises(QueryFailed):
        duckdb_readonly.run(sql)

    after = duckdb_readonly.run(f"SELECT count(*) AS n FROM {OHLCV}").frame["n"].iloc[0]
    assert after == before == 10
    tables = duckdb_readonly.run(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'evil'"
    )
    assert tables.frame["n"].iloc[0] == 0


def test_duckdb_readonly_cannot_copy_to_a_file(
    duckdb_readonly: DuckDBReadOnly, tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"

    with pytest.raises(QueryFailed, match="disabled"):
        duckdb_readonly.run(f"COPY {OHLCV} TO '{target}'")

    assert not target.exists()


def test_duckdb_readonly_cannot_read_a_file(
    duckdb_readonly: DuckDBReadOnly, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")

    for sql in (f"SELECT * FROM read_csv('{secret}')", f"SELECT * FROM '{secret}'"):
        with pytest.raises(QueryFailed):
            duckdb_readonly.run(sql)


def test_duckdb_readonly_cannot_reopen_its_sandbox(
    duckdb_readonly: DuckDBReadOnly, tmp_path: Path
) -> None:
    for sql in (
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "INSTALL httpfs",
        f"ATTACH '{tmp_path / 'other.duckdb'}' AS scratch",
    ):
        with pytest.raises(QueryFailed):
            duckdb_readonly.run(sql)

    assert not (tmp_path / "other.duckdb").exists()


def test_duckdb_readonly_cuts_a_slow_query_at_the_timeout(
    duckdb_readonly: DuckDBReadOnly,
) -> None:
    with pytest.raises(QueryTimedOut):
        # A bare count(*) over range(1e10) finishes in about a second here; hashing is slower.
        duckdb_readonly.run("SELECT sum(hash(range)) FROM range(100000000000)")

    assert duckdb_readonly.run("SELECT 42 AS answer").frame["answer"].iloc[0] == 42


def test_duckdb_store_file_is_unchanged_after_hostile_queries(
    duckdb_path: str, raw_sql: RawSql
) -> None:
    executor = DuckDBReadOnly(duckdb_path, timeout_seconds=TIMEOUT_SECONDS)
    try:
        for sql in WRITES:
            with pytest.raises(QueryFailed):
                executor.run(sql)
    finally:
        executor.close()

    assert raw_sql(duckdb_path, f"SELECT count(*) FROM {OHLCV}") == [(10,)]
    assert ("market_data", "evil") not in _table_names(duckdb_path, raw_sql)


@pytest.mark.postgres
def test_postgres_readonly_reads_rows_with_timing(pg_readonly: PostgresReadOnly) -> None:
    result = pg_readonly.run(f"SELECT symbol, count(*) AS n FROM {OHLCV} GROUP BY symbol")

    assert sorted(result.frame["symbol"]) == ["AAA", "BBB"]
    assert result.elapsed_seconds >= 0


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        *WRITES,
        f"SELECT 1; DELETE FROM {OHLCV}",
        "SELECT nextval('market_data.nope')",
    ],
)
def test_postgres_readonly_refuses_writes(
    pg_readonly: PostgresReadOnly, pg_seeded: str, raw_sql: RawSql, sql: str
) -> None:
    tables_before = _table_names(pg_seeded, raw_sql)

    with pytest.raises(QueryFailed):
        pg_readonly.run(sql)

    assert raw_sql(pg_seeded, f"SELECT count(*) FROM {OHLCV}") == [(10,)]
    assert _table_names(pg_seeded, raw_sql) == tables_before


@pytest.mark.postgres
def test_postgres_readonly_stays_read_only_after_the_session_is_changed(
    pg_readonly: PostgresReadOnly, pg_seeded: str, raw_sql: RawSql
) -> None:
    for sql in ("SET default_transaction_read_only = off", "SET statement_timeout = 0"):
        with contextlib.suppress(QueryFailed):
            pg_readonly.run(sql)

    with pytest.raises(QueryFailed, match="read-only"):
        pg_readonly.run(f"INSERT INTO {OHLCV} SELECT * FROM {OHLCV}")
    with pytest.raises(QueryTimedOut):
        pg_readonly.run("SELECT pg_sleep(5)")
    assert raw_sql(pg_seeded, f"SELECT count(*) FROM {OHLCV}") == [(10,)]


@pytest.mark.postgres
def test_postgres_readonly_cuts_a_slow_query_at_the_timeout(
    pg_readonly: PostgresReadOnly,
) -> None:
    with pytest.raises(QueryTimedOut):
        pg_readonly.run("SELECT pg_sleep(5)")

    assert pg_readonly.run("SELECT 42 AS answer").frame["answer"].iloc[0] == 42


@pytest.mark.postgres
def test_postgres_chat_role_from_the_migrations_can_select_and_nothing_else(
    pg_seeded: str,
) -> None:
    with psycopg.connect(pg_seeded, autocommit=True) as admin:
        admin.execute(f'SET ROLE "{CHAT_ROLE}"'.encode())
        rows = admin.execute(f"SELECT count(*) FROM {OHLCV}".encode()).fetchall()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            admin.execute(b"SELECT count(*) FROM ops.watermarks")
        refused = (psycopg.errors.InsufficientPrivilege, psycopg.errors.ReadOnlySqlTransaction)
        with pytest.raises(refused):
            admin.execute(f"DELETE FROM {OHLCV}".encode())
        with pytest.raises(refused):
            admin.execute(b"CREATE TABLE market_data.evil (a INTEGER)")
        admin.execute(b"SET default_transaction_read_only = off")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            admin.execute(f"DELETE FROM {OHLCV}".encode())
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            admin.execute(b"CREATE TABLE market_data.evil (a INTEGER)")
        # A superuser may COPY to a server file even in a read-only transaction; the role may
        # not, which is why production chat must connect as it.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            admin.execute(f"COPY {OHLCV} TO '/tmp/tetra_chat_{uuid.uuid4().hex}.csv'".encode())

    assert rows == [(10,)]


@pytest.mark.postgres
def test_postgres_readonly_switched_to_the_chat_role_cannot_read_ungranted_tables(
    pg_seeded: str,
) -> None:
    executor = PostgresReadOnly(pg_seeded, timeout_seconds=TIMEOUT_SECONDS, role=CHAT_ROLE)
    try:
        assert executor.run(f"SELECT count(*) AS n FROM {OHLCV}").frame["n"].iloc[0] == 10
        with pytest.raises(QueryFailed, match="permission denied"):
            executor.run("SELECT * FROM ops.watermarks")
    finally:
        executor.close()


def test_chat_role_ddl_rejects_a_name_that_is_not_a_plain_identifier() -> None:
    with pytest.raises(ValueError, match="identifier"):
        read_only_role('chat"; DROP ROLE postgres; --', ["market_data.ohlcv"], 30.0)


@pytest.mark.postgres
def test_postgres_readonly_with_a_missing_role_fails_cleanly(pg_seeded: str) -> None:
    with pytest.raises(QueryFailed, match="cannot switch to the role 'no_such_role'"):
        PostgresReadOnly(pg_seeded, role="no_such_role")


# --- streaming in batches (exports) -----------------------------------------------------------

BIG = "SELECT range AS n, 'row ' || CAST(range AS VARCHAR) AS label FROM range(10000)"
BIG_POSTGRES = "SELECT n, 'row ' || n AS label FROM generate_series(0, 9999) AS n"


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_readonly(
    request: pytest.FixtureRequest, duckdb_path: str
) -> Iterator[tuple[DuckDBReadOnly | PostgresReadOnly, str]]:
    if request.param == "duckdb":
        executor: DuckDBReadOnly | PostgresReadOnly = DuckDBReadOnly(
            duckdb_path, timeout_seconds=TIMEOUT_SECONDS
        )
        big = BIG
    else:
        executor = request.getfixturevalue("pg_readonly")
        big = BIG_POSTGRES
    yield executor, big
    if request.param == "duckdb":
        executor.close()


def test_run_batches_hands_every_row_over_in_order_in_bounded_frames(
    any_readonly: tuple[DuckDBReadOnly | PostgresReadOnly, str],
) -> None:
    executor, big = any_readonly
    frames: list[pd.DataFrame] = []

    elapsed = executor.run_batches(big + " ORDER BY n", frames.append, batch_rows=4096)

    assert elapsed >= 0
    assert len(frames) >= 3
    assert max(len(f) for f in frames) <= 4096
    rows = pd.concat(frames, ignore_index=True)
    assert rows["n"].tolist() == list(range(10_000))
    assert list(rows.columns) == ["n", "label"]


def test_run_batches_of_an_empty_result_gives_one_frame_naming_the_columns(
    any_readonly: tuple[DuckDBReadOnly | PostgresReadOnly, str],
) -> None:
    executor, _ = any_readonly
    frames: list[pd.DataFrame] = []

    executor.run_batches(f"SELECT symbol, close FROM {OHLCV} WHERE 1 = 0", frames.append)

    assert [(len(f), list(f.columns)) for f in frames] == [(0, ["symbol", "close"])]


@pytest.mark.parametrize("sql", WRITES)
def test_run_batches_refuses_writes_like_run(
    any_readonly: tuple[DuckDBReadOnly | PostgresReadOnly, str], sql: str
) -> None:
    executor, _ = any_readonly

    with pytest.raises(QueryFailed):
        executor.run_batches(sql, lambda frame: None)

    assert executor.run(f"SELECT count(*) AS n FROM {OHLCV}").frame["n"].iloc[0] == 10


def test_run_batches_stops_when_the_consumer_fails_and_the_executor_stays_usable(
    any_readonly: tuple[DuckDBReadOnly | PostgresReadOnly, str],
) -> None:
    executor, big = any_readonly

    def full_disk(frame: pd.DataFrame) -> None:
        raise OSError("no space left on device")

    with pytest.raises(OSError, match="no space"):
        executor.run_batches(big, full_disk, batch_rows=2048)

    assert executor.run("SELECT 42 AS answer").frame["answer"].iloc[0] == 42
