"""What every CLI command shares: the console, settings and opening stores."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.core.errors import TetraError
from tetra.data.store_kind import StoreKind
from tetra.settings import Settings

console = Console()
errors = Console(stderr=True)


def settings() -> Settings:
    return Settings()


def store_url(kind: StoreKind, config: Settings | None = None) -> str:
    config = config or settings()
    return config.sample_store if kind is StoreKind.SAMPLE else config.live_store


@contextmanager
def opened_store(kind: StoreKind, *, migrate: bool = True) -> Iterator[SqlStore]:
    """Open the configured store of `kind`, turning Tetra errors into a clean exit."""
    with fail_cleanly():
        store = open_store(store_url(kind), kind, migrate=migrate)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def fail_cleanly() -> Iterator[None]:
    """Print a Tetra error as one red line and exit 1, instead of a traceback."""
    try:
        yield
    except TetraError as error:
        errors.print(f"[bold red]error:[/] {error}")
        raise typer.Exit(1) from error


KIND_OPTION = typer.Option(
    False,
    "--sample/--live",
    help="Use the sample store (synthetic data) or the live store.",
)
