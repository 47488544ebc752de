"""Migration 7: the owner of each pipeline run, so a run left `running` can be declared dead.

``ops.ingest_runs.owner`` is ``host:pid:start`` of the process that started the run (see
`tetra.data.pipeline.owners`). The next run, and the server at start-up, mark a `running` run
whose owner is gone as `abandoned`, with when and why in its `errors`.
"""

from __future__ import annotations

from tetra.data.migrations.operations import AddColumn, Migration
from tetra.data.schema import ColumnType, col

MIGRATION = Migration(
    7,
    "pipeline run owner",
    (
        AddColumn(
            "ops.ingest_runs",
            col("owner", ColumnType.TEXT, doc="host:pid:start of the process running it."),
        ),
    ),
)
