"""Migration 11: the `cycle` schema (runs and recommendations) and the `reports` schema.

A cycle run is recorded once per (book, session): rerunning a day replaces its rows. A
report is data first (its typed payload as JSON); every delivery attempt is kept, so a
failed send never loses the report. Both schemas hold private book data: the chat's
read-only role may read them (PostgreSQL) and the chat's policy keeps them to local models.
"""

from __future__ import annotations

from tetra.data.migrations.operations import CreateReadOnlyRole, CreateTable, Migration
from tetra.data.migrations.v0003_chat_role import CHAT_ROLE
from tetra.data.schema import ColumnType, Table, col, key_col

T = ColumnType

RUNS = Table(
    "cycle",
    "runs",
    (
        key_col("book", T.TEXT),
        key_col("session", T.DATE, "The close the cycle decided at."),
        col("book_version", T.BIGINT, null=False),
        col("anchor", T.DATE, null=False, doc="First day of the sleeves' backtests."),
        col("status", T.TEXT, null=False, doc="done or failed."),
        col("equity", T.DECIMAL, doc="Ledger equity at the session's close."),
        col("cash", T.DECIMAL),
        col("summary", T.JSON, doc="Valuation, positions, sleeve equities, fills booked."),
        col("error", T.TEXT),
        col("ran_at", T.TIMESTAMP, null=False),
        col("source", T.TEXT, null=False, doc="Where the row came from: 'tetra'."),
    ),
    key=("book", "session"),
    time_column="session",
    description="One daily decision cycle per book and session.",
)

RECOMMENDATIONS = Table(
    "cycle",
    "recommendations",
    (
        key_col("book", T.TEXT),
        key_col("session", T.DATE),
        key_col("symbol", T.TEXT),
        col("quantity", T.DECIMAL, null=False, doc="Signed order: positive buy, negative sell."),
        col("held", T.DECIMAL, null=False),
        col("target", T.DECIMAL, null=False),
        col("price", T.DECIMAL, null=False, doc="Decision price: the session's close."),
        col("allowed", T.BOOLEAN, null=False, doc="The risk gate's verdict."),
        col("reasoning", T.JSON, null=False, doc="Rule, indicators, track record per strategy."),
        col("risk", T.JSON, null=False),
        col("source", T.TEXT, null=False, doc="Where the row came from: 'tetra'."),
    ),
    key=("book", "session", "symbol"),
    time_column="session",
    description="The orders each cycle recommends, with their reasoning.",
)

REPORTS = Table(
    "reports",
    "reports",
    (
        key_col("report_id", T.TEXT, "kind:book:session."),
        col("kind", T.TEXT, null=False, doc="sod or eod."),
        col("book", T.TEXT, null=False),
        col("session", T.DATE, null=False),
        col("created_at", T.TIMESTAMP, null=False),
        col("payload", T.JSON, null=False, doc="The typed report payload."),
        col("source", T.TEXT, null=False, doc="Where the row came from: 'tetra'."),
    ),
    key=("report_id",),
    time_column="session",
    description="Start- and end-of-day reports as data.",
)

DELIVERIES = Table(
    "reports",
    "deliveries",
    (
        key_col("report_id", T.TEXT),
        key_col("attempt", T.BIGINT),
        col("at", T.TIMESTAMP, null=False),
        col("status", T.TEXT, null=False, doc="sent or failed."),
        col("recipients", T.JSON, null=False),
        col("error", T.TEXT),
        col("source", T.TEXT, null=False, doc="Where the row came from: 'tetra'."),
    ),
    key=("report_id", "attempt"),
    time_column="at",
    description="Every attempt to email a report.",
)

TABLES = (RUNS, RECOMMENDATIONS, REPORTS, DELIVERIES)

MIGRATION = Migration(
    11,
    "cycle and reports schemas",
    (
        *(CreateTable(t) for t in TABLES),
        CreateReadOnlyRole(CHAT_ROLE, tuple(t.qualified_name for t in TABLES)),
    ),
)
