"""Migration 17: notional orders keep the amount they spend (see `tetra.execution.orders`)."""

from __future__ import annotations

from tetra.data.migrations.operations import AddColumn, Migration
from tetra.data.schema import ColumnType, col

MIGRATION = Migration(
    17,
    "notional orders",
    (
        AddColumn(
            "execution.orders",
            col(
                "notional",
                ColumnType.DECIMAL,
                doc="A notional order's amount of the quote currency; quantity is what filled.",
            ),
        ),
    ),
)
