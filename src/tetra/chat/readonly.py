"""Guarded execution: connections that refuse writes and cut slow queries, guard or no guard.

- `DuckDBReadOnly` opens the store file on its own connection with ``read_only=True``, file and
  extension access off, then locks the configuration; a timer interrupts a query past its time.
  DuckDB shares one database instance per file and process, so the file must not be open
  read-write in the same process (close the store first, or serve chat from another process).
- `PostgresReadOnly` opens its own connection with read-only session characteristics and a
  statement timeout, and runs each query in a READ ONLY transaction, prepared so that only one
  statement can run. `readonly_role_sql` gives the DDL of a role that can only read, the layer
  that holds even against SQL changing the session.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import duckdb
import pandas as pd
import psycopg

from tetra.core.errors import TetraError

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "DuckDBReadOnly",
    "PostgresReadOnly",
    "QueryFailed",
    "QueryResult",
    "QueryTimedOut",
    "ReadOnlyExecutor",
    "readonly_role_sql",
]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 30.0
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


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
    """A read-only, sandboxed DuckDB connection to a store file."""

    def __init__(self, path: str, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        config: dict[str, str | bool | int | float | list[str]] = {
            "enable_external_access": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        }
        try:
            self._connection = duckdb.connect(path, read_only=True, config=config)
            self._connection.execute("SET TimeZone = 'UTC'")
            self._connection.execute("SET lock_configuration = true")
        except duckdb.Error as error:
            raise QueryFailed(f"cannot open {path} read-only: {error}") from error

    def run(self, sql: str) -> QueryResult:
        """Run `sql`; interrupt it and raise `QueryTimedOut` past the time limit."""
        with self._lock:
            timer = threading.Timer(self.timeout_seconds, self._connection.interrupt)
            started = time.perf_counter()
            timer.start()
            try:
                frame = self._connection.execute(sql).df()
            except duckdb.InterruptException as error:
                raise QueryTimedOut(f"the query ran past {self.timeout_seconds:g} s") from error
            except duckdb.Error as error:
                raise QueryFailed(f"the query failed: {error}") from error
            finally:
                timer.cancel()
            return QueryResult(frame, time.perf_counter() - started)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._connection.close()


class PostgresReadOnly:
    """A dedicated read-only PostgreSQL connection, separate from the store's."""

    def __init__(self, url: str, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        try:
            self._connection = psycopg.connect(url, autocommit=True)
        except psycopg.Error as error:
            raise QueryFailed(f"cannot connect to PostgreSQL: {type(error).__name__}") from None
        self._milliseconds = max(1, round(timeout_seconds * 1000))
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
                "chat connects to PostgreSQL as a superuser; connect as the read-only role "
                "(readonly_role_sql) so that no query can write server files"
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


def readonly_role_sql(
    role: str, schemas: Sequence[str], *, login: bool = False, timeout_seconds: float = 30.0
) -> list[str]:
    """Return the DDL creating `role` with USAGE on `schemas` and SELECT on their tables only.

    The role is NOLOGIN unless `login` (give it a password separately, never in a migration).
    Its sessions default to read-only transactions and a statement timeout. Running the DDL
    twice is harmless.
    """
    for name in (role, *schemas):
        if not _ROLE_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a plain lower-case SQL identifier")
    milliseconds = max(1, round(timeout_seconds * 1000))
    statements = [
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
        f'THEN CREATE ROLE "{role}" {"LOGIN" if login else "NOLOGIN"} '
        "NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS; "
        "END IF; END $$",
        f'ALTER ROLE "{role}" SET default_transaction_read_only = on',
        f'ALTER ROLE "{role}" SET statement_timeout = {milliseconds}',
    ]
    for schema in schemas:
        statements += [
            f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"',
            f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"',
            f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT SELECT ON TABLES TO "{role}"',
        ]
    return statements
