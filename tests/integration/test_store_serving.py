"""Who holds an embedded store: serving records, stores hosted in-process, DuckDB's lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tetra.adapters.stores import open_store, serving
from tetra.adapters.stores.duckdb_store import DuckDBStore, StoreLocked
from tetra.data.store_kind import StoreKind


def _record(pid: int) -> serving.ServingRecord:
    return serving.ServingRecord("http://127.0.0.1:1", pid, "key", "live", "2026-01-01T00:00:00Z")


@pytest.fixture
def other_process() -> Iterator[subprocess.Popen[bytes]]:
    """A live process that is not this one (stands for a server's pid)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process
    process.kill()
    process.wait()


def test_a_record_is_written_for_its_owner_only_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "live.duckdb"
    written = serving.write_record(path, _record(123))

    assert written == tmp_path / "live.duckdb.serving.json"
    assert written.stat().st_mode & 0o777 == 0o600
    assert serving.read_record(path) == _record(123)
    serving.remove_record(path, pid=999)  # not its record: stays
    assert written.exists()
    serving.remove_record(path, pid=123)
    assert not written.exists()


def test_a_live_server_in_another_process_makes_open_store_hand_off(
    tmp_path: Path, other_process: subprocess.Popen[bytes]
) -> None:
    path = tmp_path / "live.duckdb"
    serving.write_record(path, _record(other_process.pid))

    with pytest.raises(serving.StoreServed) as served:
        open_store(str(path), StoreKind.LIVE)

    assert served.value.record.pid == other_process.pid
    assert f"pid {other_process.pid}" in str(served.value)
    assert not path.exists()  # nothing was opened


def test_a_record_of_a_dead_process_or_of_this_one_is_ignored(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = tmp_path / "live.duckdb"
    serving.write_record(path, _record(dead.pid))

    assert serving.live_server(path) is None
    assert not serving.record_path(path).exists()  # the stale record is cleared
    serving.record_path(path).write_text(json.dumps({"url": "x"}))  # unreadable: ignored
    assert serving.live_server(path) is None
    serving.write_record(path, _record(os.getpid()))
    with open_store(str(path), StoreKind.LIVE) as store:
        assert store.schema_version() > 0


def test_a_hosted_store_is_shared_and_closing_a_share_keeps_it_open(tmp_path: Path) -> None:
    path = tmp_path / "live.duckdb"
    store = open_store(str(path), StoreKind.LIVE)
    serving.host(path, store)  # type: ignore[arg-type]
    try:
        with open_store(f"duckdb://{path}", StoreKind.LIVE) as shared:
            assert shared is store
        other_kind = open_store(str(tmp_path / "sample.duckdb"), StoreKind.SAMPLE)
        other_kind.close()
        assert store.schema_version() > 0  # still open after the share closed
    finally:
        serving.unhost(path)
        store.close()


def test_the_owner_closes_the_file_even_if_a_share_was_never_closed(tmp_path: Path) -> None:
    path = tmp_path / "live.duckdb"
    store = open_store(str(path), StoreKind.LIVE)
    assert isinstance(store, DuckDBStore)
    serving.host(path, store)
    open_store(str(path), StoreKind.LIVE)  # a command that forgot to close its store
    serving.unhost(path)
    store.end_sharing()
    store.close()

    with open_store(str(path), StoreKind.LIVE) as again:  # a new connection, not the old one
        assert again is not store
    with pytest.raises(duckdb.ConnectionException, match="closed"):
        store.schema_version()


def test_a_store_another_process_writes_names_that_process(tmp_path: Path) -> None:
    path = tmp_path / "live.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; held = duckdb.connect({str(path)!r}); print('open', flush=True);"
            " time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"open\n"
        with pytest.raises(StoreLocked) as locked:
            open_store(str(path), StoreKind.LIVE)
    finally:
        holder.kill()
        holder.communicate()

    said = str(locked.value)
    assert f"process {holder.pid}" in said
    assert "DuckDB allows one writer" in said
