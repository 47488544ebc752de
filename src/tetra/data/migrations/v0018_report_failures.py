"""Migration 18: `reports.failures`, the report runs that raised before their report was stored.

A scheduled `tetra report sod|eod` that fails (the cycle, building, narrating, storing) leaves
a row here with the error's class and message, so the next report and the monitor page list
it as failed, with its reason, rather than as missed. One row per report id: a later failure
replaces it; a stored report of the same id supersedes it (`tetra.monitoring.run_issues`).
"""

from __future__ import annotations

from tetra.data.migrations.operations import CreateReadOnlyRole, CreateTable, Migration
from tetra.data.migrations.v0003_chat_role import CHAT_ROLE
from tetra.data.schema import ColumnType, Table, col, key_col

T = ColumnType

FAILURES = Table(
    "reports",
    "failures",
    (
        key_col("report_id", T.TEXT, "kind:book:session of the report that was not stored."),
        col("kind", T.TEXT, null=False, doc="sod or eod."),
        col("book", T.TEXT, null=False),
        col("session", T.DATE, null=False),
        col("failed_at", T.TIMESTAMP, null=False),
        col("error", T.TEXT, null=False, doc="The error's class and message."),
        col("source", T.TEXT, null=False, doc="Where the row came from: 'tetra'."),
    ),
    key=("report_id",),
    time_column="session",
    description="Report runs that failed before their report was stored.",
)

MIGRATION = Migration(
    18,
    "report failures",
    (CreateTable(FAILURES), CreateReadOnlyRole(CHAT_ROLE, (FAILURES.qualified_name,))),
)
