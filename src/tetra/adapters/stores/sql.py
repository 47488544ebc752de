"""SQL shared by the store adapters: per-dialect DDL from the catalog and compiled reads."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tetra.data.migrations import table as catalog_table
from tetra.data.ports import Query, Scalar, as_values, check_deletable
from tetra.data.schema import Column, ColumnType, Table

T = ColumnType
_PLAIN_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one engine spells types, placeholders and key constraints."""

    name: str
    types: Mapping[ColumnType, str]
    placeholder: str
    primary_keys: bool  # DuckDB skips them: its upsert is delete+insert, 4-6x faster to load

    def column_ddl(self, column: Column) -> str:
        null = "" if column.nullable else " NOT NULL"
        return f"{quote(column.name)} {self.types[column.type]}{null}"


DUCKDB = Dialect(
    name="duckdb",
    types={
        T.TEXT: "VARCHAR",
        T.DOUBLE: "DOUBLE",
        T.BIGINT: "BIGINT",
        T.BOOLEAN: "BOOLEAN",
        T.DATE: "DATE",
        T.TIMESTAMP: "TIMESTAMPTZ",
        T.DECIMAL: "DECIMAL(38, 12)",
        T.JSON: "JSON",
    },
    placeholder="?",
    primary_keys=False,
)

POSTGRES = Dialect(
    name="postgresql",
    types={
        # "C" collation: byte order compares several times faster in the key indexes.
        T.TEXT: 'text COLLATE "C"',
        T.DOUBLE: "double precision",
        T.BIGINT: "bigint",
        T.BOOLEAN: "boolean",
        T.DATE: "date",
        T.TIMESTAMP: "timestamptz",
        T.DECIMAL: "numeric(38, 12)",
        T.JSON: "jsonb",
    },
    placeholder="%s",
    primary_keys=True,
)


def quote(identifier: str) -> str:
    """Quote an identifier; names come from the catalog, never from users, but stay safe."""
    return '"' + identifier.replace('"', '""') + '"'


def qualified(table: Table) -> str:
    return f"{quote(table.schema)}.{quote(table.name)}"


def create_table(table: Table, dialect: Dialect) -> list[str]:
    """Return the statements that create `table` (and its schema) in `dialect`."""
    lines = [dialect.column_ddl(c) for c in table.columns]
    if dialect.primary_keys:
        lines.append(f"PRIMARY KEY ({', '.join(quote(k) for k in table.key)})")
    body = ",\n  ".join(lines)
    statements = [
        f"CREATE SCHEMA IF NOT EXISTS {quote(table.schema)}",
        f"CREATE TABLE IF NOT EXISTS {qualified(table)} (\n  {body}\n)",
    ]
    for number, columns in enumerate(table.indexes):
        name = quote(f"ix_{table.name}_{number}")
        cols = ", ".join(quote(c) for c in columns)
        statements.append(f"CREATE INDEX IF NOT EXISTS {name} ON {qualified(table)} ({cols})")
    return statements


def add_column(table: Table, column: Column, dialect: Dialect) -> list[str]:
    return [f"ALTER TABLE {qualified(table)} ADD COLUMN {dialect.column_ddl(column)}"]


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    sql: str
    params: tuple[Scalar, ...]
    table: Table
    columns: tuple[str, ...]


def read_only_role(role: str, tables: Sequence[str], timeout_seconds: float) -> list[str]:
    """Return PostgreSQL DDL creating `role` (once) and granting it SELECT on `tables` only.

    Creating the role needs CREATEROLE; without it the block warns and grants nothing, so a
    store user with table rights only can still migrate.
    """
    for name in (role, *(part for t in tables for part in t.split("."))):
        if not _PLAIN_IDENTIFIER.fullmatch(name):
            raise ValueError(f"{name!r} is not a plain lower-case SQL identifier")
    milliseconds = max(1, round(timeout_seconds * 1000))
    schemas = sorted({t.partition(".")[0] for t in tables})
    grants = [f"GRANT USAGE ON SCHEMA {s} TO {role};" for s in schemas]
    grants += [f"GRANT SELECT ON {t} TO {role};" for t in tables]
    create = (
        f"CREATE ROLE {role} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT "
        f"NOREPLICATION NOBYPASSRLS; ALTER ROLE {role} SET default_transaction_read_only = on; "
        f"ALTER ROLE {role} SET statement_timeout = {milliseconds};"
    )
    return [
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
        f"BEGIN {create} EXCEPTION WHEN insufficient_privilege THEN "
        f"RAISE WARNING 'cannot create role {role}: the chat will run without it'; END; "
        "END IF; "
        f"IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN {' '.join(grants)} "
        "END IF; END $$"
    ]


def compile_query(query: Query, dialect: Dialect) -> CompiledQuery:
    """Compile a `Query` into parameterised SQL; unknown tables or columns raise KeyError."""
    table = catalog_table(query.table)
    columns = tuple(query.columns or table.column_names)
    for name in (*columns, *query.where):
        table.column(name)
    clauses, params = _where(query, table, dialect)
    sql = f"SELECT {', '.join(quote(c) for c in columns)} FROM {qualified(table)}"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY " + ", ".join(quote(k) for k in table.key)
    if query.limit is not None:
        sql += f" LIMIT {int(query.limit)}"
    return CompiledQuery(sql, tuple(params), table, columns)


def compile_delete(query: Query, dialect: Dialect) -> tuple[str, str, tuple[Scalar, ...]]:
    """Return (count SQL, delete SQL, params) for the rows `query` selects."""
    check_deletable(query)
    table = catalog_table(query.table)
    for name in query.where:
        table.column(name)
    clauses, params = _where(query, table, dialect)
    condition = " AND ".join(clauses)
    return (
        f"SELECT COUNT(*) FROM {qualified(table)} WHERE {condition}",
        f"DELETE FROM {qualified(table)} WHERE {condition}",
        tuple(params),
    )


def _where(query: Query, table: Table, dialect: Dialect) -> tuple[list[str], list[Scalar]]:
    clauses: list[str] = []
    params: list[Scalar] = []
    for name, accepted in query.where.items():
        values = as_values(accepted)
        marks = ", ".join(dialect.placeholder for _ in values)
        clauses.append(f"{quote(name)} IN ({marks})" if values else "FALSE")
        params.extend(values)
    if query.start is not None or query.end is not None:
        if table.time_column is None:
            raise KeyError(f"{table.qualified_name} has no time column to range over")
        for bound, op in ((query.start, ">="), (query.end, "<")):
            if bound is not None:
                clauses.append(f"{quote(table.time_column)} {op} {dialect.placeholder}")
                params.append(bound)
    return clauses, params


def coverage_sql(table: Table) -> str:
    """Return SQL giving entity (as `symbol`), source, rows, first and last time per entity."""
    if table.time_column is None:
        raise KeyError(f"{table.qualified_name} has no time column for coverage")
    ts, entity = quote(table.time_column), quote(table.entity_column)
    return (
        f"SELECT {entity} AS symbol, source, COUNT(*) AS rows, MIN({ts}) AS first, "
        f"MAX({ts}) AS last FROM {qualified(table)} GROUP BY {entity}, source "
        f"ORDER BY {entity}, source"
    )
