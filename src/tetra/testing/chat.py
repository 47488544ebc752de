"""`RecordingExecutor`: a real read-only executor that records every query reaching it.

Tests of the chat use it to prove that SQL the guard rejected never reached the database.
"""

from __future__ import annotations

from tetra.chat.readonly import QueryResult, ReadOnlyExecutor

__all__ = ["RecordingExecutor"]


class RecordingExecutor:
    """Delegates to `inner` and appends each query to `ran` first."""

    def __init__(self, inner: ReadOnlyExecutor) -> None:
        self.inner = inner
        self.ran: list[str] = []

    def run(self, sql: str) -> QueryResult:
        self.ran.append(sql)
        return self.inner.run(sql)

    def close(self) -> None:
        self.inner.close()
