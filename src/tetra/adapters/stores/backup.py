"""Backups of a store: one directory holding the engine's copy and a manifest of digests.

Map: `backup_store` writes ``<destination>/tetra-<kind>-<UTC stamp>/`` holding ``store.duckdb``
(DuckDB: CHECKPOINT, then a file copy while writers wait) or ``store.dump`` (PostgreSQL:
``pg_dump`` custom format, without owners or grants), and ``manifest.json``: engine, kind,
schema version, the file's SHA-256, and per table its row count and a content hash. The
directory is written under a ``.partial`` name and renamed when complete, so a crash never
leaves something that looks like a backup. `restore_store` checks the file's digest, loads
it into the target (refusing a non-empty one unless `replace`), re-applies the read-only
grants on PostgreSQL and checks every table's content hash against the manifest.
`prune_backups` keeps the newest N complete backups of a kind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow.csv as pa_csv

from tetra.adapters.stores.base import SqlStore
from tetra.adapters.stores.duckdb_store import DuckDBStore
from tetra.core.errors import StoreError
from tetra.data.migrations import LATEST_VERSION, catalog, schemas
from tetra.data.ports import Query
from tetra.data.store_kind import StoreKind

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
_NAME = re.compile(r"tetra-(sample|live)-\d{8}T\d{6}Z")


@dataclass(frozen=True, slots=True)
class TableDigest:
    """One table's columns (in hashing order), row count and SHA-256 of its sorted rows."""

    name: str
    columns: tuple[str, ...]
    rows: int
    sha256: str


@dataclass(frozen=True, slots=True)
class BackupManifest:
    """What a backup holds and how to check it."""

    engine: str
    kind: str
    schema_version: int
    created_at: str
    file: str
    file_sha256: str
    file_bytes: int
    timescale: bool
    tables: tuple[TableDigest, ...]
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def read(cls, folder: Path) -> BackupManifest:
        """Read ``manifest.json`` in `folder`; a missing or unreadable one raises StoreError."""
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text())
            tables = tuple(
                TableDigest(t["name"], tuple(t["columns"]), t["rows"], t["sha256"])
                for t in data.pop("tables")
            )
            manifest = cls(**data, tables=tables)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise StoreError(f"{path} is not a Tetra backup manifest: {error}") from error
        if manifest.format_version != FORMAT_VERSION:
            raise StoreError(f"{path}: backup format {manifest.format_version} is not supported")
        return manifest


def engine_of(url: str) -> str:
    """Return ``postgresql`` or ``duckdb`` for a store URL."""
    return "postgresql" if url.startswith(("postgresql://", "postgres://")) else "duckdb"


def content_digests(store: SqlStore) -> tuple[TableDigest, ...]:
    """Hash every catalog table's rows, ordered by natural key, as CSV of the catalog types.

    Both engines return identical Arrow types for a table, so equal content gives equal hashes
    whichever store it sits in.
    """
    return tuple(table_digest(store, name, catalog()[name].column_names) for name in catalog())


def table_digest(store: SqlStore, name: str, columns: Sequence[str]) -> TableDigest:
    rows = store.read_for_backup(Query(name, columns=list(columns))).combine_chunks()
    buffer = io.BytesIO()
    pa_csv.write_csv(rows, buffer)
    digest = hashlib.sha256(buffer.getvalue()).hexdigest()
    return TableDigest(name, tuple(columns), rows.num_rows, digest)


def backup_store(
    store: SqlStore, url: str, destination: Path, now: dt.datetime, *, timescale: bool = False
) -> Path:
    """Back up the open `store` (at `url`) into a new folder under `destination`; return it."""
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    final = destination / f"tetra-{store.kind.value}-{stamp}"
    if final.exists():
        raise StoreError(f"a backup named {final} already exists")
    partial = final.with_name(final.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    engine = engine_of(url)
    file = partial / ("store.dump" if engine == "postgresql" else "store.duckdb")
    if isinstance(store, DuckDBStore):
        store.copy_consistent(file)
    else:
        _pg_dump(url, file, timescale)
    manifest = BackupManifest(
        engine=engine,
        kind=store.kind.value,
        schema_version=store.schema_version(),
        created_at=now.astimezone(dt.UTC).isoformat(),
        file=file.name,
        file_sha256=file_sha256(file),
        file_bytes=file.stat().st_size,
        timescale=timescale,
        tables=content_digests(store),
    )
    (partial / MANIFEST).write_text(manifest.to_json())
    partial.rename(final)
    return final


def restore_store(
    backup: Path, url: str, kind: StoreKind, *, replace: bool = False
) -> BackupManifest:
    """Restore the backup folder into the store at `url` and verify it; return its manifest.

    Refuses a backup of another engine or kind, from a newer Tetra, with a damaged file, or a
    target that already holds a store unless `replace`. Content hashes that differ after the
    restore raise StoreError naming the tables.
    """
    manifest = BackupManifest.read(backup)
    _check_fits(manifest, url, kind)
    file = backup / manifest.file
    if file_sha256(file) != manifest.file_sha256:
        raise StoreError(f"{file} does not match its manifest's SHA-256: the backup is damaged")
    if manifest.engine == "duckdb":
        _restore_duckdb(file, Path(url.removeprefix("duckdb://")), kind, manifest, replace)
    else:
        _restore_postgres(file, url, kind, manifest, replace)
    return manifest


def list_backups(destination: Path, kind: StoreKind | None = None) -> list[Path]:
    """Return the complete backup folders under `destination`, oldest first."""
    if not destination.is_dir():
        return []
    found = [
        p
        for p in destination.iterdir()
        if _NAME.fullmatch(p.name) and (p / MANIFEST).is_file()
        if kind is None or p.name.startswith(f"tetra-{kind.value}-")
    ]
    return sorted(found, key=lambda p: p.name)


def prune_backups(destination: Path, kind: StoreKind, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of `kind` under `destination`; return them."""
    if keep < 1:
        raise StoreError("keep at least one backup")
    doomed = list_backups(destination, kind)[:-keep]
    for folder in doomed:
        shutil.rmtree(folder)
    return doomed


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _check_fits(manifest: BackupManifest, url: str, kind: StoreKind) -> None:
    if manifest.engine != engine_of(url):
        raise StoreError(
            f"this is a {manifest.engine} backup; it cannot be restored into a "
            f"{engine_of(url)} store (export and load the data instead)"
        )
    if manifest.kind != kind.value:
        raise StoreError(f"this backup holds {manifest.kind} data, not {kind.value} data")
    if manifest.schema_version > LATEST_VERSION:
        raise StoreError(
            f"this backup is at schema version {manifest.schema_version}, newer than the "
            f"{LATEST_VERSION} this Tetra knows; upgrade Tetra first"
        )


def _verify(store: SqlStore, manifest: BackupManifest) -> None:
    differing = [
        expected.name
        for expected in manifest.tables
        if table_digest(store, expected.name, expected.columns) != expected
    ]
    if differing:
        raise StoreError(
            "the restored content differs from the backup's manifest in: " + ", ".join(differing)
        )


def _restore_duckdb(
    file: Path, target: Path, kind: StoreKind, manifest: BackupManifest, replace: bool
) -> None:
    if target.exists() and not replace:
        raise StoreError(f"a store already exists at {target}; pass --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".restoring")
    staging.unlink(missing_ok=True)
    shutil.copyfile(file, staging)
    try:
        with DuckDBStore(staging, kind) as store:
            _verify(store, manifest)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    # A stale write-ahead log of the replaced file would be replayed onto the restored one.
    Path(f"{target}.wal").unlink(missing_ok=True)
    os.replace(staging, target)


def _restore_postgres(
    file: Path, url: str, kind: StoreKind, manifest: BackupManifest, replace: bool
) -> None:
    from tetra.adapters.stores.postgres_store import PostgresStore

    store = PostgresStore(url, kind)
    try:
        existing = store.tetra_tables()
        if existing and not replace:
            raise StoreError(
                f"the target database already holds {len(existing)} Tetra table(s); "
                "pass --force to replace them"
            )
        _pg_restore(url, file, manifest.timescale, clean=bool(existing))
        _verify(store, manifest)
        store.apply_grants()
    finally:
        store.close()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise StoreError(f"{name} is not installed; install the PostgreSQL client tools")
    return path


def _pg_dump(url: str, file: Path, timescale: bool) -> None:
    # Without TimescaleDB only Tetra's schemas are dumped; with it the whole database, since
    # hypertable chunks live in the extension's own schemas.
    only = [] if timescale else [f"--schema={name}" for name in schemas()]
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *only]
    _run([*command, f"--file={file}", f"--dbname={url}"], "pg_dump")


def _pg_restore(url: str, file: Path, timescale: bool, *, clean: bool) -> None:
    command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
    if clean:
        command += ["--clean", "--if-exists"]
    if timescale:
        # TimescaleDB's documented restore: pre_restore, pg_restore, post_restore.
        _run_sql(url, "CREATE EXTENSION IF NOT EXISTS timescaledb")
        _run_sql(url, "SELECT timescaledb_pre_restore()")
        _run([*command, f"--dbname={url}", str(file)], "pg_restore")
        _run_sql(url, "SELECT timescaledb_post_restore()")
        return
    _run([*command, "--single-transaction", f"--dbname={url}", str(file)], "pg_restore")


def _run_sql(url: str, sql: str) -> None:
    _run([_tool("psql"), "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-c", sql, url], "psql")


def _run(command: list[str], name: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = _scrub(result.stderr.strip() or result.stdout.strip())
        raise StoreError(f"{name} failed (exit {result.returncode}): {detail}")


def _scrub(message: str) -> str:
    return re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", message)
