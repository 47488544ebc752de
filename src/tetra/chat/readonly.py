"""Guarded execution: connections that refuse writes and cut slow queries, guard or no guard.

- `DuckDBReadOnly` opens the store file on its own connection with ``read_only=True``, file and
  extension access off, then locks the configuration. DuckDB shares one database instance per
  file and process, so where the process holds the file read-write (the API),
  `DuckDBReadOnly.over` takes a connection to that instance whose external access is off and
  configuration locked. Either way each query runs in a READ ONLY transaction, and a timer
  interrupts it past its time.
- `PostgresReadOnly` opens its own connection with read-only session characteristics and a
  statement timeout, and runs each query in a READ ONLY transaction, prepared so that only one
  statement can run. It should log in as the ``tetra_chat`` role the migrations create (SELECT
  grants only), the layer that holds even against SQL changing the session; given `role`, it
  switches to that role after connecting instead.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Protocol

import duckdb
import pandas as pd
import psycopg
from psycopg import sql as sql_lib

from tetra.core.errors import TetraError

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "DuckDBReadOnly",
    "PostgresReadOnly",
    "QueryFailed",
    "QueryResult",
    "QueryTimedOut",
    "ReadOnlyExecutor",
]

logger = logging.getLogger(__name__)

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
    """Runs one SQL query on a connection that cannot write; raises `QueryFailed`."""

    def run(self, sql: str) -> QueryResult: ...

    def close(self) -> None: ...


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
        with self._lock:
            timer = threading.Timer(self.timeout_seconds, self._connection.interrupt)
            started = time.perf_counter()
            timer.start()
            try:
                self._connection.execute("BEGIN TRANSACTION READ ONLY")
                frame = self._connection.execute(sql).df()
            except duckdb.InterruptException as error:
                raise QueryTimedOut(f"the query ran past {self.timeout_seconds:g} s") from error
            except duckdb.Error as error:
                raise QueryFailed(f"the query failed: {error}") from error
            finally:
                timer.cancel()
                self._end_transaction()
            return QueryResult(frame, time.perf_counter() - started)

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
    settings = connection.execute(
        "SELECT current_setting('enable_external_access'), current_setting('lock_configuration')"
    ).fetchone()
    if settings is None or settings[0] or not settings[1]:
        raise QueryFailed(
            "the DuckDB connection must have external access off and its configuration "
            "locked before the chat may use it"
        )


class PostgresReadOnly:
    """A dedicated read-only PostgreSQL connection, separate from the store's."""

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
        role: str | None = None,
    ) -> None:
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        try:
            self._connection = psycopg.connect(url, autocommit=True)
        except psycopg.Error as error:
            raise QueryFailed(f"cannot connect to PostgreSQL: {type(error).__name__}") from None
        self._milliseconds = max(1, round(timeout_seconds * 1000))
        if role is not None:
            try:
                self._connection.execute(
                    sql_lib.SQL("SET ROLE {}").format(sql_lib.Identifier(role))
                )
            except psycopg.Error as error:
                self._connection.close()
                raise QueryFailed(f"cannot switch to the role {role!r}: {error}") from None
        for setting in (
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
            f"SET statement_timeout = {self._milliseconds}",
            "SET TimeZone = 'UTC'",
        ):
            self._connection.execute(setting.encode())
        self._warn_if_superuser()

    def _warn_if_superuser(self) -> None:
        # A superuser may still COPY to server files inside a read-only transaction.
        row = self._connection.execute(
            b"SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        if row is None or row[0]:
            logger.warning(
                "chat connects to PostgreSQL as a superuser; log in as the read-only role "
                "tetra_chat (TETRA_CHAT__DATABASE_URL) so that no query can write server files"
            )

    def run(self, sql: str) -> QueryResult:
        """Run `sql` as one prepared statement in a READ ONLY transaction."""
        with self._lock:
            started = time.perf_counter()
            try:
                with self._connection.transaction(), self._connection.cursor() as cursor:
                    # Again per transaction: SQL that got past the guard may have changed the
                    # session, and these cannot be undone from inside a read-only transaction.
                    cursor.execute(b"SET TRANSACTION READ ONLY")
                    cursor.execute(f"SET LOCAL statement_timeout = {self._milliseconds}".encode())
                    cursor.execute(sql.encode(), prepare=True)
                    columns = [c.name for c in cursor.description or ()]
                    rows = cursor.fetchall() if cursor.description is not None else []
            except psycopg.errors.QueryCanceled as error:
                raise QueryTimedOut(f"the query ran past {self.timeout_seconds:g} s") from error
            except psycopg.Error as error:
                raise QueryFailed(f"the query failed: {error}") from error
            frame = pd.DataFrame.from_records(rows, columns=columns)
            return QueryResult(frame, time.perf_counter() - started)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._connection.close()
