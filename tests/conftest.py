"""Fixtures shared by every suite: a throwaway PostgreSQL database and fresh stores.

PostgreSQL tests run against ``TETRA_TEST_POSTGRES_URL`` (default: the local trust-auth
server). One database is created per session and dropped at the end; between tests the
store's schemas are dropped and re-migrated, which takes a few tens of milliseconds.
Without a reachable server PostgreSQL tests are skipped, or fail when ``CI`` is set.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

from tetra.adapters.stores import open_store
from tetra.data.migrations import schemas
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind

# pytest-xdist sets COLUMNS in its workers; Rich reads it, and the CLI's tables then wrapped
# differently from a plain run: output must not depend on how the suite was started
os.environ.pop("COLUMNS", None)
from tetra.testing import InMemoryStore
from tetra.testing.postgres import PostgresUnreachable, throwaway_database

ALL_BACKENDS = [
    pytest.param("duckdb"),
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("memory"),
]
SQL_BACKENDS = ALL_BACKENDS[:2]


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[Callable[[str], str]]:
    """Return a function creating a throwaway database (by name prefix) and giving its URL.

    Every database is dropped at the end of the session. Without a reachable server the
    calling test is skipped, or fails when ``CI`` is set.
    """
    with ExitStack() as stack:

        def create(prefix: str) -> str:
            try:
                return stack.enter_context(throwaway_database(prefix))
            except PostgresUnreachable as error:
                if os.environ.get("CI"):
                    pytest.fail(str(error))
                pytest.skip(str(error))

        yield create


@pytest.fixture(scope="session")
def pg_url(postgres_databases: Callable[[str], str]) -> str:
    """Give the URL of the session's throwaway PostgreSQL database."""
    return postgres_databases("tetra_test")


@pytest.fixture(scope="session")
def reset_postgres(pg_url: str) -> Callable[[], str]:
    """Return a function that empties the test database (drops Tetra's schemas); gives its URL."""
    dropped = ", ".join(f'"{schema}"' for schema in schemas())

    def reset() -> str:
        with psycopg.connect(pg_url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {dropped} CASCADE")
        return pg_url

    return reset


@pytest.fixture
def raw_sql() -> Callable[[str, str], list[tuple[Any, ...]]]:
    """Return a function running one SQL query on a store URL outside of Tetra, for checks."""

    def run(url: str, sql: str) -> list[tuple[Any, ...]]:
        if url.startswith("postgresql://"):
            with psycopg.connect(url, autocommit=True) as connection:
                cursor = connection.execute(sql.encode())
                return cursor.fetchall() if cursor.description is not None else []
        with duckdb.connect(url) as connection:
            return connection.execute(sql).fetchall()

    return run


class StoreMaker:
    """Opens stores of one backend at one fresh location; closes them all at teardown."""

    def __init__(self, backend: str, url: str | None) -> None:
        self.backend = backend
        self.url = url
        self.opened: list[Store] = []

    def open(self, kind: StoreKind = StoreKind.LIVE) -> Store:
        """Open the store (migrated); the in-memory backend gives a new store each time."""
        store: Store
        if self.url is None:
            store = InMemoryStore(kind)
            store.migrate()
        else:
            store = open_store(self.url, kind)
        self.opened.append(store)
        return store

    def open_unmigrated(self) -> Store:
        """Open the store without migrating it: a new store is at schema version 0."""
        store: Store
        store = InMemoryStore() if self.url is None else open_store(self.url, migrate=False)
        self.opened.append(store)
        return store

    def close_all(self) -> None:
        for store in reversed(self.opened):
            store.close()


def _fresh_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    if backend == "postgres":
        reset: Callable[[], str] = request.getfixturevalue("reset_postgres")
        return reset()
    if backend == "duckdb":
        return str(tmp_path / "store.duckdb")
    return None


@pytest.fixture(params=ALL_BACKENDS)
def store_maker(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreMaker]:
    """Give a `StoreMaker` for a fresh, empty location of each backend."""
    maker = StoreMaker(request.param, _fresh_url(request.param, request, tmp_path))
    yield maker
    maker.close_all()


@pytest.fixture
def store(store_maker: StoreMaker) -> Store:
    """Give a fresh, migrated, live store of each backend: DuckDB, PostgreSQL and in-memory."""
    return store_maker.open()


@pytest.fixture(params=SQL_BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Give the URL of a fresh, empty, not yet migrated DuckDB file or PostgreSQL database."""
    url = _fresh_url(request.param, request, tmp_path)
    assert url is not None
    return url


@pytest.fixture(scope="session")
def mlflow_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated MLflow SQLite database; tests copy it (its migrations take seconds)."""
    from tetra.adapters.tracking.mlflow import MlflowTracker, sqlite_uri

    folder = tmp_path_factory.mktemp("mlflow-template")
    MlflowTracker(sqlite_uri(folder / "mlflow.db"), folder / "artifacts").models()
    return folder / "mlflow.db"


@pytest.fixture
def mlflow_tracker(mlflow_template: Path, tmp_path: Path) -> Any:
    """An MLflow tracker on a private copy of the migrated SQLite database."""
    from tetra.adapters.tracking.mlflow import MlflowTracker, sqlite_uri

    database = tmp_path / "mlflow.db"
    shutil.copy(mlflow_template, database)
    return MlflowTracker(sqlite_uri(database), tmp_path / "mlflow-artifacts")
