"""Engine-neutral table definitions: the vocabulary the migrations and both stores share.

A `Table` names its columns with logical types (`ColumnType`); each store adapter renders them
into its own dialect. `Table.key` is the natural key that upserts match on, and
`Table.time_column` the column range reads filter on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class ColumnType(StrEnum):
    """Logical column types; each store maps them to its own SQL types."""

    TEXT = "text"
    DOUBLE = "double"
    BIGINT = "bigint"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"  # instant in UTC
    DECIMAL = "decimal"  # exact money and quantities: numeric(38, 12)
    JSON = "json"


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, logical type, nullability and a description for humans and LLMs."""

    name: str
    type: ColumnType
    nullable: bool = True
    description: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A table in a schema, with its natural key and the column that places rows in time."""

    schema: str
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    time_column: str | None = None
    description: str = ""
    indexes: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.qualified_name}: duplicate column names")
        unknown = [n for n in (*self.key, *(c for i in self.indexes for c in i)) if n not in names]
        if self.time_column is not None and self.time_column not in names:
            unknown.append(self.time_column)
        if unknown:
            raise ValueError(f"{self.qualified_name}: unknown columns {unknown}")
        if "source" not in names:
            raise ValueError(f"{self.qualified_name}: every table carries a source column")
        nullable_keys = [c.name for c in self.columns if c.name in self.key and c.nullable]
        if nullable_keys:
            raise ValueError(
                f"{self.qualified_name}: key columns must be NOT NULL: {nullable_keys}"
            )

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def entity_column(self) -> str:
        """The column naming what a row is about: `symbol` if present, else the first key."""
        return "symbol" if "symbol" in self.column_names else self.key[0]

    @property
    def value_columns(self) -> tuple[str, ...]:
        """Columns outside the natural key: the ones an upsert overwrites."""
        return tuple(n for n in self.column_names if n not in self.key)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.qualified_name} has no column {name!r}")

    def with_column(self, column: Column) -> Table:
        return replace(self, columns=(*self.columns, column))


def col(name: str, type_: ColumnType, *, null: bool = True, doc: str = "") -> Column:
    """Build a `Column` tersely; keeps the table listings in the migrations readable."""
    return Column(name, type_, nullable=null, description=doc)


def key_col(name: str, type_: ColumnType, doc: str = "") -> Column:
    """Build a NOT NULL column, as every natural-key column is."""
    return Column(name, type_, nullable=False, description=doc)
