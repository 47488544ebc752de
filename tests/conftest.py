"""Fixtures shared by every suite: a throwaway PostgreSQL database and fresh stores.

PostgreSQL tests run against ``TETRA_TEST_POSTGRES_URL`` (default: the local trust-auth
server). One database is created per session and dropped at the end; between tests the
store's schemas are dropped and re-migrated, which takes a few tens of milliseconds.
Without a reachable server PostgreSQL tests are skipped, or fail when ``CI`` is set.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import duckdb
import psycopg
import pytest

from tetra.adapters.stores import open_store
from tetra.data.migrations import schemas
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.testing import InMemoryStore

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

ALL_BACKENDS = [
    pytest.param("duckdb"),
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("memory"),
]
SQL_BACKENDS = ALL_BACKENDS[:2]


def _admin_url() -> str:
    return os.environ.get("TETRA_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """Yield the URL of a throwaway PostgreSQL database, dropped after the session."""
    admin_url = _admin_url()
    name = f"tetra_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        where = urlsplit(admin_url)
        message = f"PostgreSQL is unreachable at {where.hostname}:{where.port or 5432}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        # Throwaway data: commits need not wait for the disk, which halves the schema resets.
        admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit TO off')
        try:
            yield _with_database(admin_url, name)
        finally:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
