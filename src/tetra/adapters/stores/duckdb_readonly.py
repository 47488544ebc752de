"""`DuckDBReadOnly`: the chat's read-only executor over a DuckDB store.

It opens the store file on its own connection with ``read_only=True``, file and extension
access off, then locks the configuration. DuckDB shares one database instance per file and
process, so where the process holds the file read-write (the API), `DuckDBReadOnly.over`
takes a connection to that instance whose external access is off and configuration locked
(`DuckDBStore.chat_connection`). Either way each query runs in a READ ONLY transaction, and
a timer interrupts it past its time.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

import duckdb
import pandas as pd

from tetra.chat.readonly import (
    BATCH_ROWS,
    DEFAULT_TIMEOUT_SECONDS,
    QueryFailed,
    QueryResult,
    QueryTimedOut,
)

_VECTOR_ROWS = 2048  # DuckDB hands results out in vectors of this many rows


class DuckDBReadOnly:
    """A read-only, sandboxed DuckDB connection: to a store file, or `over` a shared one."""

    def __init__(
        self,
        source: str | duckdb.DuckDBPyConnection,
        *,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        """Open the file `source` read-only, or take a connection that is already sandboxed."""
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        if isinstance(source, str):
            self._connection = _open_read_only(source)
        else:
            _require_sandboxed(source)
            self._connection = source

    @classmethod
    def over(
        cls,
        connection: duckdb.DuckDBPyConnection,
        *,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> DuckDBReadOnly:
        """Wrap a connection to a read-write instance that is already sandboxed.

        Refuses one whose instance still allows file or network access, or whose configuration
        is not locked (``DuckDBStore.chat_connection`` gives one that is neither).
        """
        return cls(connection, timeout_seconds=timeout_seconds)

    def run(self, sql: str) -> QueryResult:
        """Run `sql`; interrupt it and raise `QueryTimedOut` past the time limit."""
        frames: list[pd.DataFrame] = []
        elapsed = self._read(sql, lambda cursor: frames.append(cursor.df()))
        return QueryResult(frames[0], elapsed)

    def run_batches(
        self,
        sql: str,
        on_batch: Callable[[pd.DataFrame], None],
        *,
        batch_rows: int = BATCH_ROWS,
    ) -> float:
        """Run `sql`, handing its rows to `on_batch` in frames of whole DuckDB vectors."""
        vectors = max(1, batch_rows // _VECTOR_ROWS)

        def fetch(cursor: duckdb.DuckDBPyConnection) -> None:
            first = True
            while True:
                frame = cursor.fetch_df_chunk(vectors)
                if len(frame) == 0 and not first:
                    return
                on_batch(frame)
                first = False
                if len(frame) == 0:
                    return

        return self._read(sql, fetch)

    def _read(self, sql: str, consume: Callable[[duckdb.DuckDBPyConnection], None]) -> float:
        with self._lock:
            timer = threading.Timer(self.timeout_seconds, self._connection.interrupt)
            started = time.perf_counter()
            timer.start()
            try:
                self._connection.execute("BEGIN TRANSACTION READ ONLY")
                consume(self._connection.execute(sql))
            except duckdb.InterruptException as error:
                raise QueryTimedOut(f"the query ran past {self.timeout_seconds:g} s") from error
            except duckdb.Error as error:
                raise QueryFailed(f"the query failed: {error}") from error
            finally:
                timer.cancel()
                self._end_transaction()
            return time.perf_counter() - started

    def _end_transaction(self) -> None:
        # No transaction is open when BEGIN itself failed or was interrupted.
        with contextlib.suppress(duckdb.Error):
            self._connection.execute("ROLLBACK")

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._connection.close()


def _open_read_only(path: str) -> duckdb.DuckDBPyConnection:
    config: dict[str, str | bool | int | float | list[str]] = {
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    try:
        connection = duckdb.connect(path, read_only=True, config=config)
        connection.execute("SET TimeZone = 'UTC'")
        connection.execute("SET lock_configuration = true")
    except duckdb.Error as error:
        raise QueryFailed(f"cannot open {path} read-only: {error}") from error
    return connection


def _require_sandboxed(connection: duckdb.DuckDBPyConnection) -> None:
    rows = connection.execute(
        "SELECT current_setting('enable_external_access'), current_setting('lock_configuration')"
    ).fetchall()  # read to the end: an unread result blocks the connection in DuckDB 2
    settings = rows[0] if rows else None
    if settings is None or settings[0] or not settings[1]:
        raise QueryFailed(
            "the DuckDB connection must have external access off and its configuration "
            "locked before the chat may use it"
        )
