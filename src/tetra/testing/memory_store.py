"""An in-memory fake of the `Store` port for tests: no files, no server, same contract.

`InMemoryStore` keeps one Arrow table per catalog table. Writes go through the same
validation as the real stores (`prepare_batch`, `check_source_fits`) and replace rows by
natural key in one step, so a failed batch leaves nothing behind. Reads apply the `Query`
semantics (equality/IN filters, half-open time range, columns, natural-key order, limit) and
return exactly the catalog's Arrow types, as the DuckDB and PostgreSQL stores do.
"""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tetra.core.errors import SchemaVersionError, StoreError
from tetra.data import migrations
from tetra.data.batches import Rows, arrow_schema, prepare_batch
from tetra.data.ports import CoverageRow, Query, as_values, check_deletable
from tetra.data.schema import Table
from tetra.data.store_kind import StoreKind, check_source_fits

__all__ = ["InMemoryStore"]

_UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")


class InMemoryStore:
    """A `tetra.data.ports.Store` held in memory; see that port for the contract.

    Like the SQL stores it starts empty at schema version 0: call `migrate()` before use.
    It is safe to share between threads.
    """

    def __init__(self, kind: StoreKind = StoreKind.LIVE) -> None:
        self._kind = kind
        self._version = 0
        self._tables: dict[str, pa.Table] = {}
        self._closed = False
        self._lock = threading.RLock()

    @property
    def kind(self) -> StoreKind:
        return self._kind

    # -- schema ------------------------------------------------------------------------------

    def migrate(self) -> list[int]:
        """Bring the store to the latest schema version; return the versions applied."""
        with self._lock:
            self._require_open()
            self._refuse_newer()
            applied = [m.version for m in migrations.MIGRATIONS if m.version > self._version]
            self._version = max(self._version, migrations.LATEST_VERSION)
            self._claim_kind()
            return applied

    def schema_version(self) -> int:
        return self._version

    # -- data --------------------------------------------------------------------------------

    def upsert(self, table: str, rows: Rows) -> int:
        """Validate `rows` and insert them, overwriting rows with the same natural key."""
        target = migrations.table(table)
        batch = prepare_batch(target, rows)
        check_source_fits(self._kind, table, batch)
        if batch.num_rows == 0:
            return 0
        with self._lock:
            self._require_current()
            stored = self._stored(target)
            kept = stored.filter(pa.array(_keys_absent(target, stored, batch), type=pa.bool_()))
            self._tables[table] = pa.concat_tables([kept, batch])
        written: int = batch.num_rows
        return written

    def read_arrow(self, query: Query) -> pa.Table:
        """Return the rows `query` selects, ordered by natural key, in the catalog's types."""
        target = migrations.table(query.table)
        columns = list(query.columns or target.column_names)
        for name in (*columns, *query.where):
            target.column(name)
        with self._lock:
            self._require_current()
            stored = self._stored(target)
        selected = stored.filter(_mask(target, stored, query))
        ordered = selected.sort_by([(k, "ascending") for k in target.key])
        if query.limit is not None:
            ordered = ordered.slice(0, max(int(query.limit), 0))
        return ordered.select(columns)

    def read(self, query: Query) -> pd.DataFrame:
        """Return what `read_arrow` gives, as a DataFrame."""
        frame: pd.DataFrame = self.read_arrow(query).to_pandas()
        return frame

    def delete(self, query: Query) -> int:
        """Remove the rows `read(query)` would return; see `Store.delete`."""
        check_deletable(query)
        target = migrations.table(query.table)
        for name in query.where:
            target.column(name)
        with self._lock:
            self._require_current()
            stored = self._stored(target)
            doomed = _mask(target, stored, query)
            self._tables[query.table] = stored.filter(pc.invert(doomed))
        removed: int = pc.sum(doomed).as_py() or 0
        return removed

    def count(self, table: str) -> int:
        target = migrations.table(table)
        with self._lock:
            self._require_current()
            rows: int = self._stored(target).num_rows
            return rows

    def coverage(self, table: str = "market_data.ohlcv") -> list[CoverageRow]:
        """Return rows and first/last time per entity (`symbol`, else first key) and source."""
        target = migrations.table(table)
        time, entity = target.time_column, target.entity_column
        if time is None:
            raise KeyError(f"{table} has no time column for coverage")
        with self._lock:
            self._require_current()
            stored = self._stored(target)
        grouped = stored.group_by([entity, "source"]).aggregate(
            [(time, "count"), (time, "min"), (time, "max")]
        )
        ordered = grouped.sort_by([(entity, "ascending"), ("source", "ascending")])
        return [
            CoverageRow(
                dataset=table,
                symbol=row[entity],
                source=row["source"],
                rows=row[f"{time}_count"],
                first=row[f"{time}_min"],
                last=row[f"{time}_max"],
            )
            for row in ordered.to_pylist()
        ]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._tables.clear()

    def __enter__(self) -> InMemoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------------

    def _claim_kind(self) -> None:
        """Record the kind in ``ops.store_info``, as the SQL stores do, so reads agree."""
        info = migrations.table("ops.store_info")
        if self._stored(info).num_rows == 0:
            claim = {"key": ["kind"], "value": [self._kind.value], "source": ["tetra"]}
            self._tables[info.qualified_name] = pa.table(claim, schema=arrow_schema(info))

    def _stored(self, table: Table) -> pa.Table:
        return self._tables.get(table.qualified_name, arrow_schema(table).empty_table())

    def _require_open(self) -> None:
        if self._closed:
            raise StoreError("this in-memory store is closed")

    def _refuse_newer(self) -> None:
        if self._version > migrations.LATEST_VERSION:
            raise SchemaVersionError(
                f"this store is at schema version {self._version}, newer than the "
                f"{migrations.LATEST_VERSION} this Tetra knows"
            )

    def _require_current(self) -> None:
        self._require_open()
        self._refuse_newer()
        if self._version < migrations.LATEST_VERSION:
            raise StoreError(
                f"this store is at schema version {self._version}, older than "
                f"{migrations.LATEST_VERSION}; call migrate() first (`tetra store migrate`)"
            )


def _keys_absent(table: Table, stored: pa.Table, batch: pa.Table) -> list[bool]:
    """Return, per stored row, whether its natural key is absent from `batch`."""
    incoming = set(_key_tuples(table, batch))
    return [key not in incoming for key in _key_tuples(table, stored)]


def _key_tuples(table: Table, data: pa.Table) -> list[tuple[object, ...]]:
    return list(zip(*(data.column(k).to_pylist() for k in table.key), strict=True))


def _mask(table: Table, data: pa.Table, query: Query) -> pa.Array:
    mask = pa.array([True] * data.num_rows, type=pa.bool_())
    for name, accepted in query.where.items():
        values = as_values(accepted)
        column = data.column(name)
        accepted_array = pa.array(values, type=column.type)
        mask = pc.and_(mask, pc.fill_null(pc.is_in(column, value_set=accepted_array), False))
    if query.start is None and query.end is None:
        return mask
    if table.time_column is None:
        raise KeyError(f"{table.qualified_name} has no time column to range over")
    for bound, compare in ((query.start, pc.greater_equal), (query.end, pc.less)):
        if bound is not None:
            column, scalar = _comparable(data.column(table.time_column), bound)
            mask = pc.and_(mask, pc.fill_null(compare(column, scalar), False))
    return mask


def _comparable(
    column: pa.ChunkedArray, bound: dt.date | dt.datetime
) -> tuple[pa.ChunkedArray, pa.Scalar]:
    """Line a bound up with a time column the way SQL does: a date is midnight UTC."""
    if isinstance(bound, dt.datetime):
        instant = bound if bound.tzinfo is not None else bound.replace(tzinfo=dt.UTC)
        if pa.types.is_date32(column.type):
            column = pc.cast(column, _UTC_TIMESTAMP)
        return column, pa.scalar(instant, type=_UTC_TIMESTAMP)
    if pa.types.is_timestamp(column.type):
        midnight = dt.datetime.combine(bound, dt.time(), tzinfo=dt.UTC)
        return column, pa.scalar(midnight, type=_UTC_TIMESTAMP)
    return column, pa.scalar(bound, type=pa.date32())
