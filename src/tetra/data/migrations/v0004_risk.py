"""Migration 4: the risk schema: kill switches that survive a restart, and the risk journal."""

from __future__ import annotations

from tetra.data.migrations.operations import CreateTable, Migration
from tetra.data.schema import ColumnType, Table, col, key_col

T = ColumnType

KILL_SWITCHES = Table(
    "risk",
    "kill_switches",
    (
        key_col("scope", T.TEXT, "'*' for every book, else a book id."),
        col("engaged", T.BOOLEAN, null=False, doc="True while the switch holds the scope halted."),
        col("reason", T.TEXT, null=False),
        col("changed_by", T.TEXT, null=False, doc="Who flipped it: a user, 'api' or 'cli'."),
        col("changed_at", T.TIMESTAMP, null=False),
        col("source", T.TEXT, null=False, doc="Where the row came from: 'tetra'."),
    ),
    key=("scope",),
    time_column="changed_at",
    description="The current kill switch per scope (global '*' or a book).",
)

RISK_EVENTS = Table(
    "risk",
    "events",
    (
        key_col("event_id", T.TEXT),
        col("book", T.TEXT, null=False, doc="Book id, or '*' for a global event."),
        col("at", T.TIMESTAMP, null=False),
        col("kind", T.TEXT, null=False, doc="kill_switch, transition or intervention."),
        col("previous_state", T.TEXT, doc="active, reducing or halted (transitions)."),
        col("current_state", T.TEXT, doc="active, reducing or halted (transitions)."),
        col("code", T.TEXT, doc="A limit kind or a pre-trade denial code."),
        col("reason", T.TEXT, null=False),
        col("source", T.TEXT, null=False, doc="Where the row came from: 'tetra'."),
    ),
    key=("event_id",),
    time_column="at",
    description="Journal of kill-switch changes, trading-state transitions and interventions.",
)

MIGRATION = Migration(4, "risk schema", (CreateTable(KILL_SWITCHES), CreateTable(RISK_EVENTS)))
