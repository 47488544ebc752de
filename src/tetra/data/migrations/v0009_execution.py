"""Migration 9: the order manager's columns and tables in the `execution` schema.

Migration 1 created ``execution.orders``, ``fills`` and ``positions``; the order manager keeps
them (``order_id`` is the client order id, a UUID unique for the account's life) and adds what
it needs: the book, the broker's own id, the filled quantity and average price, the reason of
a denial or rejection, and the number of state changes. New: ``order_events`` (every state
change, in order) and ``reconciliations`` (each comparison with a broker). Quantities and
prices are exact decimals. The schema stays private to the chat (migration 3 grants the read
role the first three tables; this one grants the new two).
"""

from __future__ import annotations

from tetra.data.migrations.operations import AddColumn, CreateReadOnlyRole, CreateTable, Migration
from tetra.data.migrations.v0003_chat_role import CHAT_ROLE
from tetra.data.schema import ColumnType, Table, col, key_col

T = ColumnType

ORDER_COLUMNS = (
    col("book", T.TEXT, doc="The book that placed the order."),
    col("broker_order_id", T.TEXT, doc="The broker's own id, once it acknowledged."),
    col("filled_quantity", T.DECIMAL),
    col("average_fill_price", T.DECIMAL),
    col("reason", T.TEXT, doc="Why it was denied, rejected or cancelled."),
    col("sequence", T.BIGINT, doc="State changes so far; numbers its order_events."),
)

FILL_COLUMNS = (
    col("book", T.TEXT),
    col("broker", T.TEXT, doc="paper, alpaca, binance or ibkr."),
)

POSITION_COLUMNS = (col("broker", T.TEXT, doc="paper, alpaca, binance or ibkr."),)

ORDER_EVENTS = Table(
    "execution",
    "order_events",
    (
        key_col("event_id", T.TEXT, "order id and sequence number."),
        col("order_id", T.TEXT, null=False),
        col("sequence", T.BIGINT, null=False),
        col("at", T.TIMESTAMP, null=False),
        col(
            "status",
            T.TEXT,
            null=False,
            doc="new, submitted, accepted, partially_filled, filled, cancelled, rejected, "
            "expired or unknown.",
        ),
        col("reason", T.TEXT),
        key_col("source", T.TEXT),
    ),
    key=("event_id",),
    time_column="at",
    description="Every state change of every order, in order.",
    indexes=(("order_id",),),
)

RECONCILIATIONS = Table(
    "execution",
    "reconciliations",
    (
        key_col("run_id", T.TEXT),
        col("broker", T.TEXT, null=False),
        col("at", T.TIMESTAMP, null=False),
        col("trigger", T.TEXT, null=False, doc="start_of_day, reconnect or manual."),
        col("fixed", T.JSON, doc="Differences fixed (a missed fill booked, a state adopted)."),
        col("reported", T.JSON, doc="Differences left for a person: nothing safe to do."),
        key_col("source", T.TEXT),
    ),
    key=("run_id",),
    time_column="at",
    description="Each comparison of Tetra's orders and positions with a broker's.",
)

MIGRATION = Migration(
    9,
    "order manager",
    (
        *(AddColumn("execution.orders", column) for column in ORDER_COLUMNS),
        *(AddColumn("execution.fills", column) for column in FILL_COLUMNS),
        *(AddColumn("execution.positions", column) for column in POSITION_COLUMNS),
        CreateTable(ORDER_EVENTS),
        CreateTable(RECONCILIATIONS),
        CreateReadOnlyRole(
            CHAT_ROLE, (ORDER_EVENTS.qualified_name, RECONCILIATIONS.qualified_name)
        ),
    ),
)
