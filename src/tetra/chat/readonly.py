"""Guarded execution's port: `ReadOnlyExecutor` runs one query on a connection that cannot write.

The executors live beside the stores, where the drivers are imported:
`tetra.adapters.stores.duckdb_readonly.DuckDBReadOnly` and
`tetra.adapters.stores.postgres_readonly.PostgresReadOnly`. Both refuse writes and cut slow
queries whether or not the guard let the SQL through; `tetra.testing.chat.RecordingExecutor`
wraps either to record what reached the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from tetra.core.errors import TetraError

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "QueryFailed",
    "QueryResult",
    "QueryTimedOut",
    "ReadOnlyExecutor",
]

DEFAULT_TIMEOUT_SECONDS = 30.0


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
    """

    def run(self, sql: str) -> QueryResult: ...

    def close(self) -> None: ...
