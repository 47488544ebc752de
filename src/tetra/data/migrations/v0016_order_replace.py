"""Migration 16: replaced orders keep their link (see `tetra.execution.orders`).

A replace (amend) is a new order with its own client order id: ``replaces`` names the
original on the replacement, ``replaced_by`` the replacement on the original (set when the
replace is sent, cleared if the broker refuses it).
"""

from __future__ import annotations

from tetra.data.migrations.operations import AddColumn, Migration
from tetra.data.schema import ColumnType, col

ORDERS = "execution.orders"

MIGRATION = Migration(
    16,
    "order replace links",
    (
        AddColumn(ORDERS, col("replaces", ColumnType.TEXT, doc="The order this one replaces.")),
        AddColumn(
            ORDERS,
            col("replaced_by", ColumnType.TEXT, doc="The replacement sent for this order."),
        ),
    ),
)
