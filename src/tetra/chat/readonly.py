"""Guarded execution's port: `ReadOnlyExecutor` runs one query on a connection that cannot write.

The executors live beside the stores, where the drivers are imported:
`tetra.adapters.stores.duckdb_readonly.DuckDBReadOnly` and
`tetra.adapters.stores.postgres_readonly.PostgresReadOnly`. Both refuse writes and cut slow
queries whether or not the guard let the SQL through; `tetra.testing.chat.RecordingExecutor`
wraps either to record what reached the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from tetra.core.errors import TetraError

__all__ = [
    "BATCH_ROWS",
    "DEFAULT_TIMEOUT_SECONDS",
    "QueryFailed",
    "QueryResult",
    "QueryTimedOut",
    "ReadOnlyExecutor",
]

DEFAULT_TIMEOUT_SECONDS = 30.0
BATCH_ROWS = 50_000


class QueryFailed(TetraError):
    """The database refused or failed the query (a write, a missing table, a type error...)."""


class QueryTimedOut(QueryFailed):
    """The query ran past its time limit and was cancelled."""


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The rows of one query and how long it took, in seconds of wall time."""

    frame: pd.DataFrame
    elapsed_seconds: float


class ReadOnlyExecutor(Protocol):
    """Runs one SQL query on a connection that cannot write.

    `run` executes `sql` in a read-only transaction and returns every row; a write, a missing
    table or any other database error raises `QueryFailed`, and a query past the executor's
    time limit is cancelled and raises `QueryTimedOut`. `close` releases the connection.

    `run_batches` runs `sql` the same way but hands the rows to `on_batch` in frames of at
    most `batch_rows`, in order, inside the one read-only transaction, and returns the seconds
    it took: a large export never sits in memory whole. An empty result gives one empty frame
    that still names the columns; an exception raised by `on_batch` ends the query and
    propagates. The time limit covers the whole run, `on_batch` included.
    """

    def run(self, sql: str) -> QueryResult: ...

    def run_batches(
        self,
        sql: str,
        on_batch: Callable[[pd.DataFrame], None],
        *,
        batch_rows: int = BATCH_ROWS,
    ) -> float: ...

    def close(self) -> None: ...
