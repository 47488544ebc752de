"""Versioned schema migrations, the single source of truth for both stores.

Each migration (one module per version: ``v0001_initial.py``, ...) is an immutable list of
engine-neutral operations; the current catalog is the fold of all of them (`catalog()`), so a
table is never defined twice. A store records the versions it has applied in
``ops.schema_migrations`` and applies the missing ones in order. To change the schema, add a
module with the next version and list it in `MIGRATIONS`; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from tetra.data.migrations import (
    v0001_initial,
    v0002_price_series_and_coverage,
    v0003_chat_role,
    v0004_risk,
    v0005_ml_features_predictions,
    v0006_simulation,
    v0007_run_owner,
    v0008_portfolio,
    v0009_execution,
    v0010_trade_exit_reason,
    v0011_cycle_reports,
    v0012_geopolitics_social,
    v0013_alerts,
    v0014_strategy_approvals,
    v0015_open_trade_marks,
    v0016_order_replace,
    v0017_notional_orders,
    v0018_report_failures,
    v0019_order_decision_price,
)
from tetra.data.migrations.operations import (
    AddColumn,
    CreateReadOnlyRole,
    CreateTable,
    Migration,
    Operation,
)
from tetra.data.schema import Table

__all__ = [
    "LATEST_VERSION",
    "MIGRATIONS",
    "AddColumn",
    "CreateReadOnlyRole",
    "CreateTable",
    "Migration",
    "Operation",
    "catalog",
    "schemas",
    "table",
]

MIGRATIONS: tuple[Migration, ...] = (
    v0001_initial.MIGRATION,
    v0002_price_series_and_coverage.MIGRATION,
    v0003_chat_role.MIGRATION,
    v0004_risk.MIGRATION,
    v0005_ml_features_predictions.MIGRATION,
    v0006_simulation.MIGRATION,
    v0007_run_owner.MIGRATION,
    v0008_portfolio.MIGRATION,
    v0009_execution.MIGRATION,
    v0010_trade_exit_reason.MIGRATION,
    v0011_cycle_reports.MIGRATION,
    v0012_geopolitics_social.MIGRATION,
    v0013_alerts.MIGRATION,
    v0014_strategy_approvals.MIGRATION,
    v0015_open_trade_marks.MIGRATION,
    v0016_order_replace.MIGRATION,
    v0017_notional_orders.MIGRATION,
    v0018_report_failures.MIGRATION,
    v0019_order_decision_price.MIGRATION,
)

LATEST_VERSION = MIGRATIONS[-1].version


@cache
def catalog() -> Mapping[str, Table]:
    """Return every table as of the latest migration, keyed by qualified name."""
    tables: dict[str, Table] = {}
    for migration in MIGRATIONS:
        for operation in migration.operations:
            if isinstance(operation, CreateTable):
                tables[operation.table.qualified_name] = operation.table
            elif isinstance(operation, AddColumn):
                table = tables[operation.qualified_name]
                tables[operation.qualified_name] = table.with_column(operation.column)
    return MappingProxyType(tables)


def table(qualified_name: str) -> Table:
    """Return the table of that qualified name, or raise KeyError listing the known ones."""
    try:
        return catalog()[qualified_name]
    except KeyError:
        known = ", ".join(sorted(catalog()))
        raise KeyError(f"unknown table {qualified_name!r}; known: {known}") from None


def schemas() -> tuple[str, ...]:
    """Return the schema names, in the order their tables were first created."""
    return tuple(dict.fromkeys(t.schema for t in catalog().values()))
