"""`PostgresReadOnly`: the chat's read-only executor over a PostgreSQL store.

It opens its own connection with read-only session characteristics and a statement timeout,
and runs each query in a READ ONLY transaction, prepared so that only one statement can run.
It should log in as the ``tetra_chat`` role the migrations create (SELECT grants only), the
layer that holds even against SQL changing the session; given `role`, it switches to that
role after connecting instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pandas as pd
import psycopg
from psycopg import sql as sql_lib

from tetra.chat.readonly import (
    BATCH_ROWS,
    DEFAULT_TIMEOUT_SECONDS,
    QueryFailed,
    QueryResult,
    QueryTimedOut,
)

logger = logging.getLogger(__name__)


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

    def run_batches(
        self,
        sql: str,
        on_batch: Callable[[pd.DataFrame], None],
        *,
        batch_rows: int = BATCH_ROWS,
    ) -> float:
        """Run `sql` through a server-side cursor (DECLARE ... CURSOR FOR: one SELECT only)."""
        with self._lock:
            started = time.perf_counter()
            try:
                with self._connection.transaction():
                    self._connection.execute(b"SET TRANSACTION READ ONLY")
                    self._connection.execute(
                        f"SET LOCAL statement_timeout = {self._milliseconds}".encode()
                    )
                    with self._connection.cursor(name="tetra_chat_export") as cursor:
                        cursor.execute(sql.encode())
                        _each_batch(cursor, on_batch, batch_rows)
            except psycopg.errors.QueryCanceled as error:
                raise QueryTimedOut(f"the query ran past {self.timeout_seconds:g} s") from error
            except psycopg.Error as error:
                raise QueryFailed(f"the query failed: {error}") from error
            return time.perf_counter() - started

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._connection.close()


def _each_batch(
    cursor: psycopg.ServerCursor[tuple[object, ...]],
    on_batch: Callable[[pd.DataFrame], None],
    batch_rows: int,
) -> None:
    columns = [c.name for c in cursor.description or ()]
    first = True
    while True:
        rows = cursor.fetchmany(batch_rows)
        if rows or first:
            on_batch(pd.DataFrame.from_records(rows, columns=columns))
        if len(rows) < batch_rows:
            return
        first = False
