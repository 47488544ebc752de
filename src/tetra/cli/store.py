"""`tetra store`: create, migrate and inspect the stores."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from tetra.adapters.stores.backup import (
    BackupManifest,
    backup_store,
    list_backups,
    prune_backups,
    restore_store,
)
from tetra.cli.common import KIND_OPTION, console, fail_cleanly, opened_store, settings, store_url
from tetra.core.clock import SystemClock
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


BACKUP_DIR_OPTION = typer.Option(
    None, "--to", help="Folder for backups.", show_default="data_dir/backups"
)


@app.command()
def backup(
    sample: bool = KIND_OPTION,
    to: Path | None = BACKUP_DIR_OPTION,
    keep: int = typer.Option(0, "--keep", help="Then keep only the newest N backups (0: all)."),
) -> None:
    """Back up the store: a consistent copy plus a manifest of content hashes.

    DuckDB: CHECKPOINT and a file copy; PostgreSQL: pg_dump (custom format).
    """
    kind = _kind(sample)
    config = settings()
    destination = (to or config.data_dir / "backups").expanduser()
    with opened_store(kind) as store, fail_cleanly():
        timescale = bool(getattr(store, "timescale", False))
        folder = backup_store(
            store, store_url(kind), destination, SystemClock().now(), timescale=timescale
        )
        pruned = prune_backups(destination, kind, keep) if keep else []
    manifest = BackupManifest.read(folder)
    rows = sum(t.rows for t in manifest.tables)
    console.print(
        f"backed up the {kind} store: {folder} ({manifest.file_bytes:,} bytes, "
        f"{len(manifest.tables)} tables, {rows:,} rows, schema v{manifest.schema_version})",
        soft_wrap=True,
    )
    for old in pruned:
        console.print(f"removed old backup {old}", soft_wrap=True)


@app.command()
def restore(
    folder: Path = typer.Argument(..., help="A backup folder written by `tetra store backup`."),
    sample: bool = KIND_OPTION,
    force: bool = typer.Option(False, "--force", help="Replace an existing store."),
) -> None:
    """Restore a backup into the configured store and check every table's content hash."""
    kind = _kind(sample)
    url = store_url(kind)
    with fail_cleanly():
        manifest = restore_store(folder, url, kind, replace=force)
    console.print(
        f"restored {folder} into the {kind} store {url}: {len(manifest.tables)} tables "
        f"verified against the manifest (schema v{manifest.schema_version})",
        soft_wrap=True,
    )


@app.command("backups")
def list_stored_backups(sample: bool = KIND_OPTION, to: Path | None = BACKUP_DIR_OPTION) -> None:
    """List the backups of the store, oldest first."""
    kind = _kind(sample)
    destination = (to or settings().data_dir / "backups").expanduser()
    table = Table(title=f"{kind} store backups in {destination}")
    for column in ("backup", "created", "bytes", "rows", "schema"):
        table.add_column(column)
    for folder in list_backups(destination, kind):
        manifest = BackupManifest.read(folder)
        rows = sum(t.rows for t in manifest.tables)
        table.add_row(
            folder.name,
            manifest.created_at[:19].replace("T", " "),
            f"{manifest.file_bytes:,}",
            f"{rows:,}",
            f"v{manifest.schema_version}",
        )
    console.print(table)
