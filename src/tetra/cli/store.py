"""`tetra store`: create, migrate and inspect the stores."""

from __future__ import annotations

import typer
from rich.table import Table

from tetra.cli.common import KIND_OPTION, console, opened_store, store_url
from tetra.data.migrations import LATEST_VERSION, catalog
from tetra.data.store_kind import StoreKind

app = typer.Typer(help="Create, migrate and inspect the stores.", no_args_is_help=True)


def _kind(sample: bool) -> StoreKind:
    return StoreKind.SAMPLE if sample else StoreKind.LIVE


@app.command()
def migrate(sample: bool = KIND_OPTION) -> None:
    """Create the store if needed and bring it to the latest schema version."""
    kind = _kind(sample)
    with opened_store(kind, migrate=False) as store:
        applied = store.migrate()
        done = f"applied {applied}" if applied else "already current"
        console.print(f"{kind} store {store_url(kind)}: schema v{LATEST_VERSION}, {done}")


@app.command()
def info(sample: bool = KIND_OPTION) -> None:
    """Show the store's location, kind, schema version and row counts per table."""
    kind = _kind(sample)
    with opened_store(kind) as store:
        console.print(f"{kind} store {store_url(kind)}")
        console.print(f"schema v{store.schema_version()} (this Tetra knows v{LATEST_VERSION})")
        table = Table()
        table.add_column("table")
        table.add_column("rows", justify="right")
        for name in catalog():
            table.add_row(name, f"{store.count(name):,}")
        console.print(table)
