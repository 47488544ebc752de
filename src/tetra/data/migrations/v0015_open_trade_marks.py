"""Migration 15: open trades carry their mark and unrealised P&L (see `tetra.model.trades`)."""

from __future__ import annotations

from tetra.data.migrations.operations import AddColumn, Migration
from tetra.data.schema import Column, ColumnType

TRADES = "strategies.trades"

MIGRATION = Migration(
    15,
    "open trade marks",
    (
        AddColumn(
            TRADES,
            Column(
                "mark_price",
                ColumnType.DECIMAL,
                description="Open trades: the run's last close the trade is valued at.",
            ),
        ),
        AddColumn(
            TRADES,
            Column(
                "unrealised_pnl",
                ColumnType.DECIMAL,
                description="Open trades: P&L if closed at mark_price, net of fees paid.",
            ),
        ),
    ),
)
