"""Schema upgrades and refusals on real DuckDB files and PostgreSQL databases.

`store_url` gives a fresh, empty location of each SQL backend. A future migration is simulated
by appending one to the migration list where the store reads it (see `future_migration`).
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv
import pytest

import tetra.data.migrations
from tetra.adapters.stores import base, open_store, postgres_store
from tetra.adapters.stores.duckdb_store import DuckDBStore
from tetra.core.errors import SchemaVersionError, StoreError
from tetra.data.migrations import LATEST_VERSION, MIGRATIONS, AddColumn, Migration, catalog
from tetra.data.ports import Query
from tetra.data.schema import Column, ColumnType
from tetra.testing import bars_frame

OHLCV = "market_data.ohlcv"
RawSql = Callable[[str, str], list[tuple[Any, ...]]]

NEXT_VERSION = LATEST_VERSION + 1
ADD_NOTE = Migration(
    NEXT_VERSION,
    "add a note to bars",
    (AddColumn(OHLCV, Column("note", ColumnType.TEXT, description="Free text.")),),
)


@pytest.fixture
def future_migration(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Return a function that makes a next migration (a new ohlcv column) part of this Tetra."""

    def install() -> None:
        upgraded = (*MIGRATIONS, ADD_NOTE)
        for module in (base, tetra.data.migrations):
            monkeypatch.setattr(module, "MIGRATIONS", upgraded)
            monkeypatch.setattr(module, "LATEST_VERSION", ADD_NOTE.version)
        catalog.cache_clear()

    yield install
    monkeypatch.undo()
    catalog.cache_clear()


def snapshot(raw_sql: RawSql, url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Return what a refused open must not change: versions, tables, columns and rows."""
    return {
        "versions": raw_sql(url, "SELECT version, name FROM ops.schema_migrations ORDER BY 1"),
        "columns": raw_sql(
            url,
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_schema IN ('market_data', 'ops') ORDER BY 1, 2, 3",
        ),
        "bars": raw_sql(
            url, "SELECT symbol, CAST(ts AS VARCHAR), close FROM market_data.ohlcv ORDER BY 1, 2"
        ),
    }


def test_store_newer_than_this_code_is_refused_and_left_unchanged(
    store_url: str, raw_sql: RawSql
) -> None:
    with open_store(store_url) as store:
        store.upsert(OHLCV, bars_frame(periods=3))
    raw_sql(store_url, "INSERT INTO ops.schema_migrations (version, name) VALUES (99, 'future')")
    before = snapshot(raw_sql, store_url)

    with pytest.raises(SchemaVersionError, match="99"):
        open_store(store_url)

    assert snapshot(raw_sql, store_url) == before


def test_store_newer_than_this_code_is_refused_even_without_migrate(
    store_url: str, raw_sql: RawSql
) -> None:
    open_store(store_url).close()
    raw_sql(store_url, "INSERT INTO ops.schema_migrations (version, name) VALUES (99, 'future')")

    with open_store(store_url, migrate=False) as store, pytest.raises(SchemaVersionError):
        store.read(Query(OHLCV))


def test_older_store_is_upgraded_keeping_its_data(
    store_url: str, raw_sql: RawSql, future_migration: Callable[[], None]
) -> None:
    with open_store(store_url) as store:
        store.upsert(OHLCV, bars_frame(periods=3))
    future_migration()

    with open_store(store_url, migrate=False) as store:
        applied = store.migrate()
        version = store.schema_version()
        bars = store.read(Query(OHLCV))

    assert applied == [NEXT_VERSION]
    assert version == NEXT_VERSION
    assert len(bars) == 3
    assert bars["note"].isna().all()
    columns = raw_sql(
        store_url,
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'market_data' AND table_name = 'ohlcv' AND column_name = 'note'",
    )
    assert columns == [("note",)]


def test_upgraded_store_takes_rows_with_the_new_column(
    store_url: str, future_migration: Callable[[], None]
) -> None:
    open_store(store_url).close()
    future_migration()

    with open_store(store_url) as store:
        store.upsert(OHLCV, bars_frame(periods=2).assign(note=["split day", None]))
        notes = store.read(Query(OHLCV))["note"].tolist()

    assert notes[0] == "split day"
    assert pd.isna(notes[1])


def test_older_store_used_without_migrate_asks_to_run_tetra_store_migrate(
    store_url: str, future_migration: Callable[[], None]
) -> None:
    open_store(store_url).close()
    future_migration()

    with (
        open_store(store_url, migrate=False) as store,
        pytest.raises(StoreError, match="run `tetra store migrate`"),
    ):
        store.count(OHLCV)


def test_upgrade_applies_only_the_missing_migrations(
    store_url: str, future_migration: Callable[[], None]
) -> None:
    open_store(store_url).close()
    future_migration()
    open_store(store_url).close()

    with open_store(store_url, migrate=False) as store:
        assert store.migrate() == []


def test_file_that_is_not_a_duckdb_database_gives_store_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(os.urandom(8192))

    with pytest.raises(StoreError, match="not a valid DuckDB database") as raised:
        open_store(junk)

    assert str(junk) in str(raised.value)


def test_unreachable_postgres_gives_store_error_without_the_password() -> None:
    url = "postgresql://tetra:Sup3r-Secret@127.0.0.1:1/tetra"

    with pytest.raises(StoreError, match="cannot connect to PostgreSQL") as raised:
        open_store(url)

    chain = "".join(traceback.format_exception(raised.value))
    assert "Sup3r-Secret" not in chain


@pytest.mark.parametrize(
    "message",
    [
        "could not connect: password=Sup3r-Secret host=db",
        "bad url postgresql://tetra:Sup3r-Secret@db:5432/tetra",
    ],
)
def test_connection_errors_are_scrubbed_of_passwords(message: str) -> None:
    assert "Sup3r-Secret" not in postgres_store._scrub(message)


@pytest.mark.postgres
def test_failure_in_a_later_copy_chunk_leaves_nothing_written(
    monkeypatch: pytest.MonkeyPatch, reset_postgres: Callable[[], str]
) -> None:
    url = reset_postgres()
    monkeypatch.setattr(postgres_store, "_COPY_CHUNK_ROWS", 2)
    monkeypatch.setattr(postgres_store, "pa_csv", CorruptSecondChunk())

    with open_store(url) as store:
        with pytest.raises(psycopg.errors.DataError):
            store.upsert(OHLCV, bars_frame(periods=6))

        assert store.count(OHLCV) == 0


@pytest.mark.postgres
def test_failure_in_a_later_chunk_of_a_merge_keeps_the_old_rows(
    monkeypatch: pytest.MonkeyPatch, reset_postgres: Callable[[], str]
) -> None:
    url = reset_postgres()
    with open_store(url) as store:
        store.upsert(OHLCV, bars_frame(periods=6, seed=1))
        before = store.read(Query(OHLCV))
        monkeypatch.setattr(postgres_store, "_COPY_CHUNK_ROWS", 2)
        monkeypatch.setattr(postgres_store, "pa_csv", CorruptSecondChunk())

        with pytest.raises(psycopg.errors.DataError):
            store.upsert(OHLCV, bars_frame(periods=6, seed=2))

        assert store.read(Query(OHLCV)).equals(before)


def test_failure_after_the_delete_of_a_duckdb_upsert_keeps_the_old_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(tmp_path / "store.duckdb") as store:
        store.upsert(OHLCV, bars_frame(periods=6, seed=1))
        before = store.read(Query(OHLCV))
        assert isinstance(store, DuckDBStore)
        monkeypatch.setattr(store, "_connection", FailingInsert(store._connection))

        with pytest.raises(duckdb.IOException, match="simulated"):
            store.upsert(OHLCV, bars_frame(periods=6, seed=2))

        after = store.read(Query(OHLCV))
    pd.testing.assert_frame_equal(after, before)


class FailingInsert:
    """Stands in for a DuckDB connection whose INSERTs fail, as on a full disk.

    The upsert's DELETE has then already run inside the transaction.
    """

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.startswith("INSERT INTO"):
            raise duckdb.IOException("disk full (simulated)")
        return self._connection.execute(sql, *args)


class CorruptSecondChunk:
    """Stands in for `pyarrow.csv` in the PostgreSQL store: the second chunk is garbage.

    The server then rejects the COPY part-way, after it has taken the first chunk.
    """

    def __init__(self) -> None:
        self._chunks = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(pyarrow.csv, name)

    def write_csv(self, chunk: pa.RecordBatch, sink: Any, options: Any) -> None:
        self._chunks += 1
        if self._chunks == 2:
            sink.write(b"not,a,bar\n")
            return
        pyarrow.csv.write_csv(chunk, sink, options)
