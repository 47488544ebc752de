"""What the SQL stores share: migrations, the kind claim, validation and typed reads.

Map: `SqlStore.migrate` bootstraps ``ops.schema_migrations`` and applies missing migrations,
one transaction each; `upsert` validates with `tetra.data.batches` and hands the batch to the
engine's `_write`; reads compile a `Query` and conform the result to the catalog's Arrow types
so both engines return identical frames. Subclasses supply the five engine primitives.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tetra.adapters.stores.sql import (
    CompiledQuery,
    Dialect,
    add_column,
    compile_delete,
    compile_query,
    coverage_sql,
    create_table,
    qualified,
    read_only_role,
)
from tetra.core.errors import SchemaVersionError, StoreError
from tetra.data.batches import ARROW_TYPES, Rows, arrow_schema, canonical_json, prepare_batch
from tetra.data.migrations import (
    LATEST_VERSION,
    MIGRATIONS,
    CreateReadOnlyRole,
    CreateTable,
    Migration,
)
from tetra.data.migrations import table as catalog_table
from tetra.data.ports import CoverageRow, Query, Scalar
from tetra.data.schema import ColumnType, Table
from tetra.data.store_kind import StoreKind, check_source_fits

MIGRATIONS_TABLE = "ops.schema_migrations"


class SqlStore(ABC):
    """A `tetra.data.ports.Store` over a SQL engine; see that port for the contract."""

    dialect: Dialect

    def __init__(self, kind: StoreKind) -> None:
        self._kind = kind
        self._current = False

    @property
    def kind(self) -> StoreKind:
        return self._kind

    # -- engine primitives -------------------------------------------------------------------

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[None]:
        """Return a context in which statements commit together or not at all."""

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Scalar] = ()) -> None: ...

    @abstractmethod
    def _fetch_rows(self, sql: str, params: Sequence[Scalar] = ()) -> list[tuple[object, ...]]: ...

    @abstractmethod
    def _fetch_arrow(self, sql: str, params: Sequence[Scalar], schema: pa.Schema) -> pa.Table:
        """Run a query; `schema` names the result's columns and the Arrow types expected."""

    @abstractmethod
    def _write(self, table: Table, batch: pa.Table) -> None:
        """Upsert a validated, non-empty batch atomically."""

    @abstractmethod
    def _table_exists(self, schema: str, name: str) -> bool: ...

    @abstractmethod
    def close(self) -> None: ...

    # -- schema ------------------------------------------------------------------------------

    def schema_version(self) -> int:
        if not self._table_exists("ops", "schema_migrations"):
            return 0
        rows = self._fetch_rows(f"SELECT MAX(version) FROM {MIGRATIONS_TABLE}")
        return _as_int(rows[0][0] or 0)

    def migrate(self) -> list[int]:
        with self._transaction():
            self._execute("CREATE SCHEMA IF NOT EXISTS ops")
            self._execute(
                f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (version BIGINT NOT NULL, "
                "name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
        current = self.schema_version()
        self._refuse_newer(current)
        applied = [m.version for m in MIGRATIONS if m.version > current]
        for migration in MIGRATIONS:
            if migration.version > current:
                self._apply(migration)
        self._claim_kind()
        self._after_migrate()
        self._current = True
        return applied

    def _refuse_newer(self, version: int) -> None:
        if version > LATEST_VERSION:
            raise SchemaVersionError(
                f"this store is at schema version {version}, newer than the {LATEST_VERSION} "
                "this Tetra knows; upgrade Tetra to use it (the store was left untouched)"
            )

    def _apply(self, migration: Migration) -> None:
        with self._transaction():
            for statement in self._migration_statements(migration):
                self._execute(statement)
            self._execute(
                f"INSERT INTO {MIGRATIONS_TABLE} (version, name) VALUES "
                f"({self.dialect.placeholder}, {self.dialect.placeholder})",
                (migration.version, migration.name),
            )

    def _migration_statements(self, migration: Migration) -> Iterator[str]:
        for operation in migration.operations:
            if isinstance(operation, CreateTable):
                yield from create_table(operation.table, self.dialect)
            elif isinstance(operation, CreateReadOnlyRole):
                if self.dialect.name == "postgresql":
                    yield from read_only_role(
                        operation.role, operation.tables, operation.timeout_seconds
                    )
            else:
                table = catalog_table(operation.qualified_name)
                yield from add_column(table, operation.column, self.dialect)

    def _claim_kind(self) -> None:
        mark = self.dialect.placeholder
        rows = self._fetch_rows(f"SELECT value FROM ops.store_info WHERE key = {mark}", ("kind",))
        if not rows:
            self._execute(
                f"INSERT INTO ops.store_info (key, value, source) VALUES ({mark}, {mark}, {mark})",
                ("kind", self._kind.value, "tetra"),
            )
        elif rows[0][0] != self._kind.value:
            raise StoreError(
                f"this store holds {rows[0][0]} data and cannot be opened as a {self._kind} "
                "store; sample and live data never share a store"
            )

    def _after_migrate(self) -> None:  # noqa: B027 - an optional hook, not an abstract step
        """Hook for engine extras once the schema is current (TimescaleDB, grants)."""

    def _require_current(self) -> None:
        if self._current:
            return
        version = self.schema_version()
        self._refuse_newer(version)
        if version < LATEST_VERSION:
            raise StoreError(
                f"this store is at schema version {version}, older than {LATEST_VERSION}; "
                "run `tetra store migrate` to upgrade it"
            )
        self._current = True

    # -- data --------------------------------------------------------------------------------

    def upsert(self, table: str, rows: Rows) -> int:
        target = catalog_table(table)
        batch = prepare_batch(target, rows)
        check_source_fits(self._kind, table, batch)
        if batch.num_rows == 0:
            return 0
        self._require_current()
        self._write(target, batch)
        written: int = batch.num_rows
        return written

    def read_arrow(self, query: Query) -> pa.Table:
        self._require_current()
        compiled = compile_query(query, self.dialect)
        schema = arrow_schema(compiled.table)
        expected = pa.schema([schema.field(name) for name in compiled.columns])
        result = self._fetch_arrow(compiled.sql, compiled.params, expected)
        return conform_result(compiled, result)

    def read(self, query: Query) -> pd.DataFrame:
        frame: pd.DataFrame = self.read_arrow(query).to_pandas()
        return frame

    def read_for_backup(self, query: Query) -> pa.Table:
        """Read like `read_arrow` but without the schema-version check.

        For backups and restores only: a restored store may be at an older version than this
        code, and its content must be checked before anything migrates it.
        """
        compiled = compile_query(query, self.dialect)
        schema = arrow_schema(compiled.table)
        expected = pa.schema([schema.field(name) for name in compiled.columns])
        return conform_result(compiled, self._fetch_arrow(compiled.sql, compiled.params, expected))

    def apply_grants(self) -> None:
        """Re-create the read-only roles' grants of every migration (PostgreSQL; else no-op).

        A restore loads tables without their privileges; this gives them back.
        """
        if self.dialect.name != "postgresql":
            return
        for migration in MIGRATIONS:
            for operation in migration.operations:
                if isinstance(operation, CreateReadOnlyRole):
                    for statement in read_only_role(
                        operation.role, operation.tables, operation.timeout_seconds
                    ):
                        self._execute(statement)

    def delete(self, query: Query) -> int:
        count_sql, delete_sql, params = compile_delete(query, self.dialect)
        self._require_current()
        with self._transaction():
            found = self._fetch_rows(count_sql, params)
            self._execute(delete_sql, params)
        return _as_int(found[0][0])

    def count(self, table: str) -> int:
        self._require_current()
        rows = self._fetch_rows(f"SELECT COUNT(*) FROM {qualified(catalog_table(table))}")
        return _as_int(rows[0][0])

    def coverage(self, table: str = "market_data.ohlcv") -> list[CoverageRow]:
        self._require_current()
        target = catalog_table(table)
        time_type = ARROW_TYPES[target.column(target.time_column or "source").type]
        expected = pa.schema(
            [
                ("symbol", pa.string()),
                ("source", pa.string()),
                ("rows", pa.int64()),
                ("first", time_type),
                ("last", time_type),
            ]
        )
        result = self._fetch_arrow(coverage_sql(target), (), expected)
        return [CoverageRow(dataset=table, **row) for row in result.to_pylist()]

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def conform_result(compiled: CompiledQuery, result: pa.Table) -> pa.Table:
    """Cast an engine's result to the catalog's Arrow types, normalising JSON text."""
    arrays = []
    fields = []
    for name in compiled.columns:
        column = compiled.table.column(name)
        values = result.column(name)
        if column.type is ColumnType.JSON:
            values = pa.array([_normal_json(v) for v in values.to_pylist()], type=pa.string())
        arrays.append(pc.cast(values, ARROW_TYPES[column.type]))
        fields.append(pa.field(name, ARROW_TYPES[column.type], nullable=column.nullable))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _as_int(value: object) -> int:
    if not isinstance(value, int):
        raise StoreError(f"expected a whole number from the store, got {value!r}")
    return value


def _normal_json(text: str | None) -> str | None:
    return None if text is None else canonical_json(text)
