"""`ExecutorPool`: several read-only executors behind the one `ReadOnlyExecutor` port.

Each executor holds one connection and runs one query at a time, so with a single one a slow
query would hold every chat user for its whole time limit. The pool checks an idle executor out
per query and back in afterwards: a slow query takes one slot and the others keep answering.
When every slot is busy a query waits, at most its own time limit, then fails as timed out.
Executors are opened lazily, up to `size`, so an idle chat holds one connection.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd

from tetra.chat.readonly import BATCH_ROWS, QueryResult, QueryTimedOut, ReadOnlyExecutor

__all__ = ["ExecutorPool"]


class ExecutorPool:
    """Up to `size` executors made by `open_executor`, one query each at a time."""

    def __init__(
        self,
        open_executor: Callable[[], ReadOnlyExecutor],
        *,
        size: int,
        wait_seconds: float,
    ) -> None:
        if size < 1:
            raise ValueError(f"a chat pool needs at least one connection, not {size}")
        self.size, self.wait_seconds = size, wait_seconds
        self._open = open_executor
        self._idle: queue.LifoQueue[ReadOnlyExecutor] = queue.LifoQueue()
        self._opened: list[ReadOnlyExecutor] = []
        self._lock = threading.Lock()
        self._idle.put(self._new())  # fail at start, not on the first question, if it cannot open

    def run(self, sql: str) -> QueryResult:
        with self._slot() as executor:
            return executor.run(sql)

    def run_batches(
        self,
        sql: str,
        on_batch: Callable[[pd.DataFrame], None],
        *,
        batch_rows: int = BATCH_ROWS,
    ) -> float:
        with self._slot() as executor:
            return executor.run_batches(sql, on_batch, batch_rows=batch_rows)

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for executor in opened:
            executor.close()

    @property
    def opened(self) -> int:
        """How many executors (connections) the pool has opened so far."""
        return len(self._opened)

    @contextmanager
    def _slot(self) -> Iterator[ReadOnlyExecutor]:
        executor = self._checkout()
        try:
            yield executor
        finally:
            self._idle.put(executor)

    def _checkout(self) -> ReadOnlyExecutor:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._opened) < self.size:
                return self._new_locked()
        try:
            return self._idle.get(timeout=self.wait_seconds)
        except queue.Empty:
            raise QueryTimedOut(
                f"all {self.size} chat connections stayed busy for {self.wait_seconds:g} s"
            ) from None

    def _new(self) -> ReadOnlyExecutor:
        with self._lock:
            return self._new_locked()

    def _new_locked(self) -> ReadOnlyExecutor:
        executor = self._open()
        self._opened.append(executor)
        return executor
