"""The embedded default store: one DuckDB file.

Tables carry no primary-key constraint: an upsert deletes the batch's keys and inserts the
batch in one transaction, which loads 4-6x faster than DuckDB's indexed ON CONFLICT path
(see benchmarks/README.md). Key uniqueness holds because every write goes through `_write`
and batches are checked for duplicate keys before they get here.
"""

from __future__ import annotations

import re
import shutil
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from tetra.adapters.stores.base import SqlStore
from tetra.adapters.stores.sql import DUCKDB, qualified, quote
from tetra.core.errors import StoreError
from tetra.data.ports import Scalar
from tetra.data.schema import Table
from tetra.data.store_kind import StoreKind

_HOLDER = re.compile(r"held in (?P<program>\S+) \(PID (?P<pid>\d+)\)")


class DuckDBStore(SqlStore):
    """A store in a DuckDB file (or ``:memory:``); safe to share between threads."""

    dialect = DUCKDB

    def __init__(
        self, path: str | Path, kind: StoreKind = StoreKind.LIVE, *, read_only: bool = False
    ) -> None:
        super().__init__(kind)
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._shares = 0  # openers sharing this store in-process (see `share`)
        self._connection = _connect(self.path, read_only)
        self._connection.execute("SET TimeZone = 'UTC'")

    def chat_connection(self) -> duckdb.DuckDBPyConnection:
        """Return a new connection to this database for the read-only chat.

        Turns file and network access off and locks the configuration of the whole database
        instance first: the store needs neither after opening, and a query that slipped past
        the chat's guard must not read files or change settings. Irreversible until closed.
        """
        with self._lock:
            # fetchall, not fetchone: DuckDB 2 keeps a result that was not read to its end open
            # on the connection and refuses the next relation query until it is.
            locked = self._connection.execute(
                "SELECT current_setting('lock_configuration')"
            ).fetchall()
            if not (locked and locked[0][0]):
                self._connection.execute("SET enable_external_access = false")
                self._connection.execute("SET lock_configuration = true")
            return self._connection.cursor()

    def copy_consistent(self, destination: Path) -> None:
        """Checkpoint the database and copy its file to `destination`, blocking writers meanwhile.

        After CHECKPOINT the write-ahead log is empty, so the file alone is the whole store.
        """
        if self.path == ":memory:":
            raise StoreError("an in-memory DuckDB store has no file to back up")
        with self._lock:
            self._connection.execute("CHECKPOINT")
            shutil.copyfile(self.path, destination)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            self._connection.execute("BEGIN TRANSACTION")
            try:
                yield
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def _execute(self, sql: str, params: Sequence[Scalar] = ()) -> None:
        with self._lock:
            self._connection.execute(sql, list(params))

    def _fetch_rows(self, sql: str, params: Sequence[Scalar] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            return self._connection.execute(sql, list(params)).fetchall()

    def _fetch_arrow(self, sql: str, params: Sequence[Scalar], schema: pa.Schema) -> pa.Table:
        with self._lock:
            return self._connection.sql(sql, params=list(params)).to_arrow_table()

    def _table_exists(self, schema: str, name: str) -> bool:
        rows = self._fetch_rows(
            "SELECT COUNT(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = ?",
            (schema, name),
        )
        return rows[0][0] != 0

    def _write(self, table: Table, batch: pa.Table) -> None:
        view = f"_tetra_batch_{uuid.uuid4().hex}"
        columns = ", ".join(quote(c) for c in table.column_names)
        matches = " AND ".join(f"t.{quote(k)} = b.{quote(k)}" for k in table.key)
        with self._lock:
            self._connection.register(view, batch)
            try:
                with self._transaction():
                    self._connection.execute(
                        f"DELETE FROM {qualified(table)} AS t USING {view} AS b WHERE {matches}"
                    )
                    self._connection.execute(
                        f"INSERT INTO {qualified(table)} ({columns}) SELECT {columns} FROM {view}"
                    )
            finally:
                self._connection.unregister(view)

    def share(self) -> DuckDBStore:
        """Return this store for one more user in this process; its `close` only lets go.

        The server hosts its store this way (`serving.host`): the commands and jobs it runs
        open the same file and get this store, not a second connection or DuckDB's lock.
        """
        with self._lock:
            self._shares += 1
        return self

    def end_sharing(self) -> None:
        """Forget the shares still held (a command that never closed); the next close closes."""
        with self._lock:
            self._shares = 0

    def close(self) -> None:
        with self._lock:
            if self._shares:
                self._shares -= 1
                return
            self._connection.close()


def _connect(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    # Extensions load only from what the wheel bundles: no download at run time.
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": False
    }
    try:
        return duckdb.connect(path, read_only=read_only, config=config)
    except duckdb.IOException as error:
        if "lock" in str(error):
            raise StoreLocked(path, str(error)) from None
        raise StoreError(f"cannot open the DuckDB store at {path}: {error}") from error
    except duckdb.Error as error:
        raise StoreError(f"cannot open the DuckDB store at {path}: {error}") from error


class StoreLocked(StoreError):
    """Another process writes the DuckDB file (DuckDB allows one); says who and what to do."""

    def __init__(self, path: str, reason: str) -> None:
        holder = _HOLDER.search(reason)
        who = f"process {holder['pid']} ({holder['program']})" if holder else "another process"
        super().__init__(
            f"the DuckDB store {path} is open for writing in {who}; DuckDB allows one writer. "
            "Wait for it to finish, or stop it; if it is `tetra serve`, restart it (a server "
            "of this version takes CLI commands over its API)"
        )
