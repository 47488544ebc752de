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


@dataclass(frozen=True, slots=True)
class CreateReadOnlyRole:
    """Create a database role that may only SELECT from `tables` (PostgreSQL; DuckDB skips it).

    The role cannot log in until an administrator gives it a login and password (never in a
    migration); its sessions default to read-only transactions and a statement timeout. A store
    user without the right to create roles gets a warning instead of a failed migration.
    """

    role: str
    tables: tuple[str, ...]
    timeout_seconds: float = 30.0


Operation = CreateTable | AddColumn | CreateReadOnlyRole


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    operations: tuple[Operation, ...]
