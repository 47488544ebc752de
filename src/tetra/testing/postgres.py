"""`throwaway_database`: a PostgreSQL database of a test's own, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg

__all__ = ["DEFAULT_ADMIN_URL", "PostgresUnreachable", "admin_url", "throwaway_database"]

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class PostgresUnreachable(Exception):
    """No PostgreSQL server answered at the admin URL."""


def admin_url() -> str:
    """Return ``TETRA_TEST_POSTGRES_URL``, or the local trust-auth server's."""
    return os.environ.get("TETRA_TEST_POSTGRES_URL", DEFAULT_ADMIN_URL)


@contextmanager
def throwaway_database(prefix: str, *, fast_commits: bool = True) -> Iterator[str]:
    """Create a uniquely named database, yield its URL, then drop it (connections and all).

    `fast_commits` turns off synchronous commit for it: throwaway data need not wait for the
    disk. Raises `PostgresUnreachable` when the server cannot be reached.
    """
    admin = admin_url()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        connection = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        where = urlsplit(admin)
        raise PostgresUnreachable(
            f"PostgreSQL is unreachable at {where.hostname}:{where.port or 5432}: {error}"
        ) from error
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"'.encode())
        if fast_commits:
            connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'.encode())
        try:
            yield urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))
        finally:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
