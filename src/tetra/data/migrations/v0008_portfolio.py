"""Migration 8: the `portfolio` schema: books with their versions, fills and confirmed holdings.

Money and quantities are DECIMAL (numeric(38, 12)), booked exactly. Like `strategies`, the
schema is private to the chat by default (only the local model may see it); the chat's
read-only role gets SELECT on it (PostgreSQL).
"""

from __future__ import annotations

from tetra.data.migrations.operations import CreateReadOnlyRole, CreateTable, Migration
from tetra.data.migrations.v0003_chat_role import CHAT_ROLE
from tetra.data.schema import ColumnType, Table, col, key_col

T = ColumnType

BOOKS = Table(
    "portfolio",
    "books",
    (
        key_col("name", T.TEXT),
        key_col("version", T.BIGINT, "1, 2, ...: a new one each time the definition changes."),
        col("saved_at", T.TIMESTAMP, null=False),
        col("digest", T.TEXT, null=False, doc="Fingerprint of the definition."),
        col("mode", T.TEXT, null=False, doc="recommend, paper or live."),
        col("definition", T.JSON, null=False, doc="Capital, strategies, symbols, recipients."),
        col("source", T.TEXT, null=False, doc="Where the row came from: 'tetra'."),
    ),
    key=("name", "version"),
    time_column="saved_at",
    description="Every version of every book's definition.",
)

FILLS = Table(
    "portfolio",
    "fills",
    (
        key_col("book", T.TEXT),
        key_col("fill_id", T.TEXT),
        col("at", T.TIMESTAMP, null=False),
        col("session", T.DATE, null=False, doc="Trading session the fill belongs to."),
        col("symbol", T.TEXT, null=False),
        col("quantity", T.DECIMAL, null=False, doc="Signed: positive bought, negative sold."),
        col("price", T.DECIMAL, null=False),
        col("fee", T.DECIMAL, null=False),
        col("strategy", T.TEXT, null=False, doc="Label of the strategy the fill is for."),
        col("decision_price", T.DECIMAL, doc="Price when the order was decided (slippage)."),
        col("order_id", T.TEXT),
        col("source", T.TEXT, null=False, doc="paper, broker name, or user."),
    ),
    key=("book", "fill_id"),
    time_column="session",
    description="Fills booked to each book's ledger.",
)

HOLDINGS = Table(
    "portfolio",
    "holdings",
    (
        key_col("book", T.TEXT),
        key_col("as_of", T.DATE),
        col("cash", T.DECIMAL, null=False),
        col("positions", T.JSON, null=False, doc="{symbol: {quantity, cost}} as strings."),
        col("confirmed_by", T.TEXT, null=False),
        col("confirmed_at", T.TIMESTAMP, null=False),
        col("source", T.TEXT, null=False, doc="Where the row came from: 'tetra'."),
    ),
    key=("book", "as_of"),
    time_column="as_of",
    description="Holdings the user confirmed for a book at a date.",
)

MIGRATION = Migration(
    8,
    "portfolio schema",
    (
        CreateTable(BOOKS),
        CreateTable(FILLS),
        CreateTable(HOLDINGS),
        CreateReadOnlyRole(CHAT_ROLE, ("portfolio.books", "portfolio.fills", "portfolio.holdings")),
    ),
)
