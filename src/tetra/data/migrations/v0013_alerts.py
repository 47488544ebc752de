"""Migration 13: ``ops.alerts``, the state of Tetra's own alerts (one row per rule and subject).

A row is firing or resolved; `notified_state` is the state last delivered, so a delivery that
failed is retried on the next check and a state is never announced twice. The chat cannot
read it (not among its public tables, not granted to its role).
"""

from __future__ import annotations

from tetra.data.migrations.operations import CreateTable, Migration
from tetra.data.schema import ColumnType, Table, col, key_col

T = ColumnType

ALERTS = Table(
    "ops",
    "alerts",
    (
        key_col("alert_id", T.TEXT, "rule:subject"),
        col("rule", T.TEXT, null=False, doc="stale_data, failed_run, quarantine_spike, ..."),
        col("subject", T.TEXT, null=False, doc="What the rule found wrong: a dataset, a book."),
        col("severity", T.TEXT, null=False, doc="warning or critical."),
        col("state", T.TEXT, null=False, doc="firing or resolved."),
        col("message", T.TEXT, null=False),
        col("first_seen", T.TIMESTAMP, null=False, doc="When this firing episode began."),
        col("last_seen", T.TIMESTAMP, null=False, doc="Last check that found it firing."),
        col("resolved_at", T.TIMESTAMP),
        col("notified_state", T.TEXT, doc="The state last delivered; null before any."),
        col("notified_at", T.TIMESTAMP),
        col("delivery_error", T.TEXT, doc="Why the last delivery failed, if it did."),
        col("source", T.TEXT, null=False, doc="Where the row came from: 'tetra'."),
    ),
    key=("alert_id",),
    time_column="last_seen",
    description="Tetra's alerts: stale data, failed runs, quarantine spikes, halted books.",
)

MIGRATION = Migration(13, "ops.alerts", (CreateTable(ALERTS),))
