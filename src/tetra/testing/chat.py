"""`RecordingExecutor`: a real read-only executor that records every query reaching it.

Tests of the chat use it to prove that SQL the guard rejected never reached the database.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from tetra.chat.readonly import BATCH_ROWS, QueryResult, ReadOnlyExecutor

__all__ = ["RecordingExecutor"]


class RecordingExecutor:
    """Delegates to `inner` and appends each query to `ran` first."""

    def __init__(self, inner: ReadOnlyExecutor) -> None:
        self.inner = inner
        self.ran: list[str] = []

    def run(self, sql: str) -> QueryResult:
        self.ran.append(sql)
        return self.inner.run(sql)

    def run_batches(
        self,
        sql: str,
        on_batch: Callable[[pd.DataFrame], None],
        *,
        batch_rows: int = BATCH_ROWS,
    ) -> float:
        self.ran.append(sql)
        return self.inner.run_batches(sql, on_batch, batch_rows=batch_rows)

    def close(self) -> None:
        self.inner.close()
