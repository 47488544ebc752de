"""Backup and restore on real DuckDB files and PostgreSQL databases: hashes, refusals, grants."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from tetra.adapters.stores import open_store
from tetra.adapters.stores.backup import (
    MANIFEST,
    BackupManifest,
    backup_store,
    content_digests,
    list_backups,
    prune_backups,
    restore_store,
)
from tetra.adapters.stores.base import SqlStore
from tetra.cli.store import app
from tetra.core.errors import StoreError
from tetra.data.store_kind import StoreKind
from tetra.testing.builders import bars_frame

NOW = dt.datetime(2026, 3, 2, 6, 30, tzinfo=dt.UTC)
runner = CliRunner()


def _fill(store: SqlStore, seed: int = 0) -> None:
    store.upsert("market_data.ohlcv", bars_frame(("SPY", "TLT"), periods=40, seed=seed))
    store.upsert(
        "ops.quarantine",
        pd.DataFrame(
            [
                {
                    "record_id": f"r{seed}",
                    "dataset": "market_data.ohlcv",
                    "source": "test",
                    "natural_key": f"SPY|{seed}",
                    "reason": "negative volume",
                    "payload": json.dumps({"volume": -1, "seed": seed}),
                    "quarantined_at": NOW,
                }
            ]
        ),
    )


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_urls(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_databases: Any
) -> tuple[str, str]:
    """A source and a separate, empty restore target of one engine."""
    if request.param == "duckdb":
        return str(tmp_path / "source.duckdb"), str(tmp_path / "restored" / "target.duckdb")
    return postgres_databases("tetra_bk_src"), postgres_databases("tetra_bk_dst")


def test_backup_then_restore_into_a_fresh_store_gives_identical_content_hashes(
    two_urls: tuple[str, str], tmp_path: Path
) -> None:
    source_url, target_url = two_urls
    with open_store(source_url) as source:
        _fill(source)
        folder = backup_store(source, source_url, tmp_path / "backups", NOW)
        before = content_digests(source)

    manifest = restore_store(folder, target_url, StoreKind.LIVE)

    with open_store(target_url) as target:
        after = content_digests(target)
        assert target.count("market_data.ohlcv") == 80
    assert after == before == manifest.tables
    assert folder.name == "tetra-live-20260302T063000Z"
    assert not list((tmp_path / "backups").glob("*.partial"))


def test_a_damaged_backup_file_is_refused_and_the_target_is_not_created(
    two_urls: tuple[str, str], tmp_path: Path
) -> None:
    source_url, target_url = two_urls
    with open_store(source_url) as source:
        _fill(source)
        folder = backup_store(source, source_url, tmp_path / "backups", NOW)
    manifest = BackupManifest.read(folder)
    with (folder / manifest.file).open("r+b") as handle:
        handle.seek(manifest.file_bytes // 2)
        handle.write(b"\x00garbage\x00")

    with pytest.raises(StoreError, match="damaged"):
        restore_store(folder, target_url, StoreKind.LIVE)

    if not target_url.startswith("postgresql://"):
        assert not Path(target_url).exists()


def test_restore_refuses_a_non_empty_store_and_force_replaces_it_with_the_backup(
    two_urls: tuple[str, str], tmp_path: Path
) -> None:
    source_url, target_url = two_urls
    with open_store(source_url) as source:
        _fill(source)
        folder = backup_store(source, source_url, tmp_path / "backups", NOW)
        expected = content_digests(source)
    with open_store(target_url) as target:
        _fill(target, seed=7)

    with pytest.raises(StoreError, match="--force"):
        restore_store(folder, target_url, StoreKind.LIVE)
    restore_store(folder, target_url, StoreKind.LIVE, replace=True)

    with open_store(target_url) as target:
        assert content_digests(target) == expected


def test_restore_refuses_a_backup_of_the_other_kind(tmp_path: Path) -> None:
    url = str(tmp_path / "sample.duckdb")
    with open_store(url, StoreKind.SAMPLE) as store:
        folder = backup_store(store, url, tmp_path / "backups", NOW)

    with pytest.raises(StoreError, match="sample data, not live"):
        restore_store(folder, str(tmp_path / "live.duckdb"), StoreKind.LIVE)


def test_a_manifest_that_does_not_match_the_restored_rows_names_the_table(tmp_path: Path) -> None:
    url = str(tmp_path / "source.duckdb")
    with open_store(url) as store:
        _fill(store)
        folder = backup_store(store, url, tmp_path / "backups", NOW)
    data = json.loads((folder / MANIFEST).read_text())
    for table in data["tables"]:
        if table["name"] == "ops.quarantine":
            table["sha256"] = "0" * 64
    (folder / MANIFEST).write_text(json.dumps(data))
    target = tmp_path / "target.duckdb"

    with pytest.raises(StoreError, match=r"manifest in: ops\.quarantine"):
        restore_store(folder, str(target), StoreKind.LIVE)

    assert not target.exists()
    assert not target.with_name("target.duckdb.restoring").exists()


@pytest.mark.postgres
def test_restore_on_postgres_gives_the_chat_role_its_read_grants_back(
    postgres_databases: Callable[[str], str],
    raw_sql: Callable[[str, str], list[tuple[Any, ...]]],
    tmp_path: Path,
) -> None:
    source_url = postgres_databases("tetra_bk_src")
    target_url = postgres_databases("tetra_bk_dst")
    with open_store(source_url) as source:
        _fill(source)
        folder = backup_store(source, source_url, tmp_path / "backups", NOW)

    restore_store(folder, target_url, StoreKind.LIVE)

    rows = raw_sql(
        target_url,
        "SELECT has_table_privilege('tetra_chat', 'market_data.ohlcv', 'SELECT'), "
        "has_table_privilege('tetra_chat', 'ops.quarantine', 'SELECT')",
    )
    assert rows == [(True, True)]


def test_prune_keeps_the_newest_backups_of_the_kind(tmp_path: Path) -> None:
    url = str(tmp_path / "source.duckdb")
    destination = tmp_path / "backups"
    with open_store(url) as store:
        made = [
            backup_store(store, url, destination, NOW + dt.timedelta(days=day)) for day in range(4)
        ]

    removed = prune_backups(destination, StoreKind.LIVE, keep=2)

    assert removed == made[:2]
    assert list_backups(destination, StoreKind.LIVE) == made[2:]


def test_cli_backup_and_restore_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TETRA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TETRA_STORE_URL", raising=False)
    with open_store(tmp_path / "data" / "tetra.duckdb") as store:
        _fill(store)
        expected = content_digests(store)

    made = runner.invoke(app, ["backup", "--keep", "3"])
    assert made.exit_code == 0, made.output
    folder = list_backups(tmp_path / "data" / "backups")[0]
    refused = runner.invoke(app, ["restore", str(folder)])
    assert refused.exit_code == 1
    assert "--force" in refused.output
    restored = runner.invoke(app, ["restore", str(folder), "--force"])
    assert restored.exit_code == 0, restored.output
    listed = runner.invoke(app, ["backups"])

    assert "tables verified" in restored.output
    assert "tetra-live-" in listed.output
    assert "82" in listed.output  # 80 bars, 1 quarantined record, the store-kind claim
    with open_store(tmp_path / "data" / "tetra.duckdb") as store:
        assert content_digests(store) == expected
