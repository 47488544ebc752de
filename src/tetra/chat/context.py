"""Schema context: what a model is told about the database, read from the live store.

`load_schema_context` lists the readable tables' columns and types from information_schema,
adds the descriptions of the migrations' catalog and of ``glossary.toml``, samples example
values of enum-like text columns and the time span of each table. `SchemaContext.public_only`
is what a cloud model may see: private tables, their columns and their values are dropped.
`load_vocabulary` reads the symbols and economic series by name, for the offline translator;
`VocabularyCache` keeps them current.
"""

from __future__ import annotations

import json
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, Generic, TypeVar

from tetra.chat.guard import Dialect
from tetra.chat.policy import Privacy, TablePolicy
from tetra.chat.readonly import ReadOnlyExecutor
from tetra.data.migrations import catalog

__all__ = [
    "ColumnInfo",
    "Expiring",
    "SchemaContext",
    "TableInfo",
    "Vocabulary",
    "VocabularyCache",
    "load_schema_context",
    "load_vocabulary",
]

T = TypeVar("T")

_EXAMPLE_VALUES = 12
_TIME_COLUMNS = ("ts", "date", "ex_date", "report_date", "published_at", "as_of", "started_at")


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    name: str
    type: str
    description: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableInfo:
    name: str  # schema.table
    description: str
    privacy: Privacy
    columns: tuple[ColumnInfo, ...]
    empty: bool = False
    span: tuple[str, str] | None = None  # first and last value of its time column

    def render(self) -> str:
        """Return the table as commented DDL, the form models read best."""
        notes = [self.privacy.value, self.description.rstrip(".")]
        if self.empty:
            notes.append("EMPTY: no rows yet")
        elif self.span is not None:
            notes.append(f"rows from {self.span[0]} to {self.span[1]}")
        lines = [f"CREATE TABLE {self.name} ( -- {'; '.join(n for n in notes if n)}"]
        for index, column in enumerate(self.columns):
            comma = "," if index < len(self.columns) - 1 else ""
            note = column.description
            if column.examples:
                values = ", ".join("'" + v.replace("'", "''") + "'" for v in column.examples)
                note = f"{note} Values: {values}".strip()
            lines.append(f"  {column.name} {column.type}{comma}" + (f" -- {note}" if note else ""))
        lines.append(");")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class SchemaContext:
    """The readable tables of one store, in the SQL dialect queries must be written in."""

    dialect: Dialect
    tables: tuple[TableInfo, ...]

    @property
    def table_names(self) -> frozenset[str]:
        return frozenset(t.name for t in self.tables)

    def table(self, name: str) -> TableInfo:
        return next(t for t in self.tables if t.name == name)

    def public_only(self) -> SchemaContext:
        """Return the context without private tables: all a cloud model may see."""
        return replace(self, tables=tuple(t for t in self.tables if t.privacy is Privacy.PUBLIC))

    def render(self) -> str:
        return "\n\n".join(t.render() for t in self.tables)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Names the offline translator recognises: symbols, economic series, universe themes."""

    symbols: Mapping[str, str]  # symbol -> instrument name
    series: Mapping[str, str]  # series id -> title
    themes: frozenset[str] = frozenset()  # tags of market_data.symbols.themes ("quantum")


class Expiring(Generic[T]):
    """A value loaded on first use and again once older than `ttl_seconds`; thread-safe."""

    def __init__(
        self,
        load: Callable[[], T],
        *,
        ttl_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load, self._ttl, self._monotonic = load, ttl_seconds, monotonic
        self._loaded: tuple[float, T] | None = None
        self._lock = threading.Lock()

    def __call__(self) -> T:
        with self._lock:
            now = self._monotonic()
            if self._loaded is None or now - self._loaded[0] > self._ttl:
                self._loaded = (now, self._load())
            return self._loaded[1]

    def clear(self) -> None:
        """Forget the value: the next call loads it again."""
        with self._lock:
            self._loaded = None


class VocabularyCache(Expiring[Vocabulary]):
    """The store's current `Vocabulary`, so the offline translator recognises symbols and
    series a pipeline run added without a restart."""

    def __init__(
        self,
        executor: ReadOnlyExecutor,
        policy: TablePolicy,
        *,
        ttl_seconds: float = 300.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            lambda: load_vocabulary(executor, policy), ttl_seconds=ttl_seconds, monotonic=monotonic
        )


def load_schema_context(
    executor: ReadOnlyExecutor, dialect: Dialect, policy: TablePolicy
) -> SchemaContext:
    """Read the readable tables' columns from the store and describe them."""
    columns = _columns_by_table(executor, policy)
    tables = tuple(_describe(executor, name, columns[name], policy) for name in sorted(columns))
    return SchemaContext(dialect, tables)


def load_vocabulary(executor: ReadOnlyExecutor, policy: TablePolicy) -> Vocabulary:
    """Read symbol names and economic series titles, where those tables are readable."""
    symbols: dict[str, str] = {}
    series: dict[str, str] = {}
    themes: set[str] = set()
    if "market_data.symbols" in policy.readable:
        frame = executor.run("SELECT symbol, name, themes FROM market_data.symbols").frame
        symbols = {str(s): str(n or s) for s, n in zip(frame["symbol"], frame["name"], strict=True)}
        themes = {theme for tags in frame["themes"] for theme in _tags(tags)}
    if "economic_data.indicators" in policy.readable:
        frame = executor.run("SELECT DISTINCT series_id FROM economic_data.indicators").frame
        series = {str(s): str(s) for s in frame["series_id"]}
    if "economic_data.releases" in policy.readable:
        frame = executor.run(
            "SELECT series_id, MAX(title) AS title FROM economic_data.releases GROUP BY series_id"
        ).frame
        titles = zip(frame["series_id"], frame["title"], strict=True)
        series.update({str(s): str(t or s) for s, t in titles})
    return Vocabulary(symbols, series, frozenset(themes))


def _tags(value: object) -> list[str]:
    """Return the themes of one row: DuckDB gives JSON text, PostgreSQL a decoded list."""
    if isinstance(value, str):
        value = json.loads(value)
    return [str(tag) for tag in value] if isinstance(value, list) else []


def _columns_by_table(
    executor: ReadOnlyExecutor, policy: TablePolicy
) -> dict[str, list[tuple[str, str]]]:
    frame = executor.run(
        "SELECT table_schema, table_name, column_name, data_type "
        "FROM information_schema.columns ORDER BY table_schema, table_name, ordinal_position"
    ).frame
    columns: dict[str, list[tuple[str, str]]] = {}
    for schema, table, column, type_ in frame.itertuples(index=False):
        name = f"{schema}.{table}".lower()
        if name in policy.readable:
            columns.setdefault(name, []).append((str(column), str(type_).upper()))
    return columns


def _describe(
    executor: ReadOnlyExecutor, name: str, columns: list[tuple[str, str]], policy: TablePolicy
) -> TableInfo:
    notes = _glossary().get(name, {})
    catalogued = catalog().get(name)
    empty = executor.run(f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM {name} LIMIT 1) AS t").frame
    is_empty = int(empty["n"].iloc[0]) == 0
    sampled = set(notes.get("examples", ())) if not is_empty else set()
    infos = tuple(
        ColumnInfo(
            column,
            type_,
            _column_description(name, column, notes),
            _examples(executor, name, column) if column in sampled else (),
        )
        for column, type_ in columns
    )
    description = notes.get("description") or (catalogued.description if catalogued else "")
    span = None if is_empty else _span(executor, name, [c for c, _ in columns])
    return TableInfo(name, description, policy.privacy_of([name]), infos, is_empty, span)


def _column_description(table: str, column: str, notes: Mapping[str, Any]) -> str:
    noted = notes.get("columns", {}).get(column)
    if noted:
        return str(noted)
    catalogued = catalog().get(table)
    if catalogued is not None and column in catalogued.column_names:
        return catalogued.column(column).description
    return ""


def _examples(executor: ReadOnlyExecutor, table: str, column: str) -> tuple[str, ...]:
    frame = executor.run(
        f'SELECT CAST("{column}" AS VARCHAR) AS v, COUNT(*) AS n FROM {table} '
        f'WHERE "{column}" IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {_EXAMPLE_VALUES}'
    ).frame
    return tuple(str(v) for v in frame["v"])


def _span(executor: ReadOnlyExecutor, table: str, columns: list[str]) -> tuple[str, str] | None:
    time_column = next((c for c in _TIME_COLUMNS if c in columns), None)
    if time_column is None:
        return None
    frame = executor.run(
        f'SELECT CAST(CAST(MIN("{time_column}") AS DATE) AS VARCHAR) AS first, '
        f'CAST(CAST(MAX("{time_column}") AS DATE) AS VARCHAR) AS last FROM {table}'
    ).frame
    first, last = frame["first"].iloc[0], frame["last"].iloc[0]
    return None if first is None else (str(first), str(last))


@cache
def _glossary() -> Mapping[str, Mapping[str, Any]]:
    text = resources.files("tetra.chat").joinpath("glossary.toml").read_text(encoding="utf-8")
    tables: Mapping[str, Mapping[str, Any]] = tomllib.loads(text)["tables"]
    return tables
