"""The server store: PostgreSQL 15+, with TimescaleDB features when the extension is there.

Writes stream CSV through COPY. When none of the batch's key ranges exist yet (the common
bulk-load case) rows COPY straight into the table; otherwise they COPY into a temporary
staging table and merge with INSERT ... ON CONFLICT, skipping rows that did not change.
Reads run ``COPY (SELECT ...) TO STDOUT`` and parse the CSV with Arrow.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv

from tetra.adapters.stores import timescale
from tetra.adapters.stores.base import SqlStore
from tetra.adapters.stores.sql import POSTGRES, qualified, quote
from tetra.core.errors import StoreError
from tetra.data.ports import Scalar
from tetra.data.schema import Table
from tetra.data.store_kind import StoreKind

_COPY_CHUNK_ROWS = 50_000


class PostgresStore(SqlStore):
    """A store in a PostgreSQL database; safe to share between threads (one connection)."""

    dialect = POSTGRES

    def __init__(self, url: str, kind: StoreKind = StoreKind.LIVE) -> None:
        super().__init__(kind)
        self._lock = threading.RLock()
        try:
            self._connection = psycopg.connect(url, autocommit=True)
        except psycopg.Error as error:
            raise StoreError(f"cannot connect to PostgreSQL: {_scrub(str(error))}") from error
        self._connection.execute("SET TimeZone = 'UTC'")
        self._connection.execute("SET DateStyle = 'ISO, YMD'")
        self.timescale = False

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock, self._connection.transaction():
            yield

    def _execute(self, sql: str, params: Sequence[Scalar] = ()) -> None:
        with self._lock:
            self._connection.execute(sql.encode(), list(params) or None)

    def _fetch_rows(self, sql: str, params: Sequence[Scalar] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            return self._connection.execute(sql.encode(), list(params) or None).fetchall()

    def _fetch_arrow(self, sql: str, params: Sequence[Scalar], schema: pa.Schema) -> pa.Table:
        with self._lock:
            cursor = psycopg.ClientCursor(self._connection)
            inlined = cursor.mogrify(sql, list(params) or None)
            with cursor.copy(f"COPY ({inlined}) TO STDOUT (FORMAT csv, HEADER true)") as copy:
                data = b"".join(bytes(chunk) for chunk in copy)
        return _parse_csv(data, schema)

    def _table_exists(self, schema: str, name: str) -> bool:
        rows = self._fetch_rows("SELECT to_regclass(%s) IS NOT NULL", (f"{schema}.{name}",))
        return bool(rows[0][0])

    def _after_migrate(self) -> None:
        self.timescale = timescale.enable(self._execute, self._fetch_rows)

    def _write(self, table: Table, batch: pa.Table) -> None:
        with self._lock:
            if self._ranges_are_new(table, batch):
                try:
                    with self._connection.transaction():
                        self._copy(qualified(table), table, batch)
                    return
                except psycopg.errors.UniqueViolation:
                    pass  # a concurrent writer got there first: merge instead
            with self._connection.transaction():
                self._merge(table, batch)

    def _ranges_are_new(self, table: Table, batch: pa.Table) -> bool:
        """Tell whether no stored row falls in any of the batch's per-series time ranges."""
        time = table.time_column
        if time is None or time not in table.key:
            return False
        series = [k for k in table.key if k != time]
        ranges = batch.group_by(series).aggregate([(time, "min"), (time, "max")]).to_pylist()
        values = ", ".join("(" + ", ".join(["%s"] * (len(series) + 2)) + ")" for _ in ranges)
        params = [r[c] for r in ranges for c in (*series, f"{time}_min", f"{time}_max")]
        joins = " AND ".join(f"t.{quote(c)} = v.{quote(c)}" for c in series)
        names = ", ".join(quote(c) for c in (*series, "lo", "hi"))
        rows = self._fetch_rows(
            f"SELECT EXISTS (SELECT 1 FROM {qualified(table)} t JOIN (VALUES {values}) "
            f"AS v({names}) ON {joins} AND t.{quote(time)} BETWEEN v.lo AND v.hi)",
            params,
        )
        return not rows[0][0]

    def _merge(self, table: Table, batch: pa.Table) -> None:
        self._execute(
            f"CREATE TEMP TABLE _tetra_stage (LIKE {qualified(table)}) ON COMMIT DROP"
        )
        self._copy("_tetra_stage", table, batch)
        self._execute(_merge_sql(table))

    def _copy(self, target: str, table: Table, batch: pa.Table) -> None:
        columns = ", ".join(quote(c) for c in table.column_names)
        options = pa_csv.WriteOptions(include_header=False, quoting_style="needed")
        with self._connection.cursor() as cursor, cursor.copy(
            f"COPY {target} ({columns}) FROM STDIN (FORMAT csv)"
        ) as copy:
            for chunk in batch.to_batches(max_chunksize=_COPY_CHUNK_ROWS):
                buffer = io.BytesIO()
                pa_csv.write_csv(chunk, buffer, options)
                copy.write(buffer.getvalue())

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def _merge_sql(table: Table) -> str:
    columns = ", ".join(quote(c) for c in table.column_names)
    keys = ", ".join(quote(k) for k in table.key)
    head = f"INSERT INTO {qualified(table)} ({columns}) SELECT {columns} FROM _tetra_stage"
    if not table.value_columns:
        return f"{head} ON CONFLICT ({keys}) DO NOTHING"
    values = table.value_columns
    assignments = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in values)
    old = ", ".join(f"{qualified(table)}.{quote(c)}" for c in values)
    new = ", ".join(f"EXCLUDED.{quote(c)}" for c in values)
    return (
        f"{head} ON CONFLICT ({keys}) DO UPDATE SET {assignments} "
        f"WHERE ({old}) IS DISTINCT FROM ({new})"
    )


def _parse_csv(data: bytes, schema: pa.Schema) -> pa.Table:
    convert = pa_csv.ConvertOptions(
        column_types={f.name: f.type for f in schema},
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        timestamp_parsers=[pa_csv.ISO8601],
    )
    return pa_csv.read_csv(io.BytesIO(data), convert_options=convert)


def _scrub(message: str) -> str:
    """Drop a password from a connection error before it can reach a log."""
    return re.sub(r"(password=)\S+|(://[^:/@]+:)[^@]+@", r"\1\2***@", message)
