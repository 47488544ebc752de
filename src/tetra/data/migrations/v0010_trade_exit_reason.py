"""Migration 10: why each stored trade closed (`strategies.trades.exit_reason`).

The fill model closes positions on stops, targets, trailing stops and time exits as well as
on the strategy's own orders; the reason is what a user reads first when a trade looks
wrong, so it is stored with the trade. Nullable: trades stored before it have none.
"""

from __future__ import annotations

from tetra.data.migrations.operations import AddColumn, Migration
from tetra.data.schema import ColumnType, col

MIGRATION = Migration(
    10,
    "trade exit reason",
    (
        AddColumn(
            "strategies.trades",
            col(
                "exit_reason",
                ColumnType.TEXT,
                doc="signal, stop_loss, take_profit, trailing_stop or time_exit; NULL while open.",
            ),
        ),
    ),
)
