"""The engine-neutral operations a migration is made of."""

from __future__ import annotations

from dataclasses import dataclass

from tetra.data.schema import Column, Table


@dataclass(frozen=True, slots=True)
class CreateTable:
    """Create a table (and its schema, if missing)."""

    table: Table


@dataclass(frozen=True, slots=True)
class AddColumn:
    """Add a nullable column to an existing table."""

    qualified_name: str
    column: Column


Operation = CreateTable | AddColumn


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    operations: tuple[Operation, ...]
