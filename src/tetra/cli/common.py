"""What every CLI command shares: the console, settings and opening stores."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import typer
from rich.console import Console

from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.core.errors import TetraError
from tetra.data.store_kind import StoreKind
from tetra.settings import Settings


class _ThreadConsole:
    """A Rich console standing for the current thread's: the process's, or a captured one.

    Commands print through the module-level `console` and `errors`; a command the server runs
    for a CLI client (`tetra.cli.hosted`) prints into that client's job output instead, while
    other threads keep printing to the terminal.
    """

    def __init__(self, stderr: bool) -> None:
        self._default = Console(stderr=stderr)
        self._stderr = stderr
        self._local = threading.local()

    def current(self) -> Console:
        found: Console | None = getattr(self._local, "console", None)
        return found or self._default

    @contextmanager
    def captured(self, into: Console) -> Iterator[None]:
        """Print this thread's output into `into` until the block ends."""
        self._local.console = into
        try:
            yield
        finally:
            self._local.console = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current(), name)

    def __enter__(self) -> Console:
        return self.current().__enter__()

    def __exit__(self, *exc: object) -> None:
        self.current().__exit__(*exc)


_console = _ThreadConsole(stderr=False)
_errors = _ThreadConsole(stderr=True)
console = cast(Console, _console)
errors = cast(Console, _errors)


@contextmanager
def captured_output(out: Console, err: Console) -> Iterator[None]:
    """Send this thread's `console` and `errors` output to `out` and `err` for the block."""
    with _console.captured(out), _errors.captured(err):
        yield


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
