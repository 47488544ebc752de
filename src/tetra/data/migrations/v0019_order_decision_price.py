"""Migration 19: an order keeps the price it was decided at (a recommendation's close)."""

from __future__ import annotations

from tetra.data.migrations.operations import AddColumn, Migration
from tetra.data.schema import ColumnType, col

MIGRATION = Migration(
    19,
    "order decision price",
    (
        AddColumn(
            "execution.orders",
            col(
                "decision_price",
                ColumnType.DECIMAL,
                doc="The price the order was decided at (the recommendation's close), if any.",
            ),
        ),
    ),
)
