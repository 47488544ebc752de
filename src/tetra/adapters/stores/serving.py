"""Who holds an embedded DuckDB store: the serving record and the stores hosted in-process.

DuckDB lets one process write a file at a time. While `tetra serve` holds a store it writes
a serving record beside the file (``live.duckdb.serving.json``: the server's URL, pid and
API key, readable by its owner only) and hosts the store in its process:

- in the server's own process, `hosted` hands the open store to every other opener (the
  commands it runs for CLI clients, the scheduled jobs), shared rather than reopened;
- in any other process, `live_server` finds the record, and `open_store` raises
  `StoreServed` instead of failing on DuckDB's lock, so the CLI can hand its command to
  the server (`tetra.cli.handoff`). A record whose process is gone is stale and ignored.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

SUFFIX = ".serving.json"


@dataclass(frozen=True)
class ServingRecord:
    """A running server holding a store: where it answers and who it is."""

    url: str
    pid: int
    api_key: str
    kind: str
    started_at: str


class StoreServed(Exception):
    """The store is held by a live server in another process: hand the work to it.

    Deliberately not a `TetraError`: the command must not report it as its own failure but
    let the CLI's entry point hand the command over (or say it cannot).
    """

    def __init__(self, path: Path, record: ServingRecord) -> None:
        self.path, self.record = path, record
        super().__init__(
            f"the store {path} is held by `tetra serve` (pid {record.pid}, {record.url})"
        )


class Shareable(Protocol):
    def share(self) -> object: ...


def duckdb_path(url: str | Path) -> str | None:
    """Return the DuckDB file a store URL names, or None (PostgreSQL, in-memory)."""
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        return None
    path = text.removeprefix("duckdb://")
    return None if path == ":memory:" else path


def record_path(store_path: str | Path) -> Path:
    """Return where the serving record of the DuckDB file `store_path` lives."""
    path = Path(store_path).absolute()
    return path.with_name(path.name + SUFFIX)


def write_record(store_path: str | Path, record: ServingRecord) -> Path:
    """Write the record atomically, readable and writable by its owner only."""
    target = record_path(store_path)
    partial = target.with_name(target.name + f".{os.getpid()}.tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(asdict(record), file)
    partial.replace(target)
    return target


def remove_record(store_path: str | Path, pid: int) -> None:
    """Remove the record if it is still `pid`'s (a newer server's record stays)."""
    found = read_record(store_path)
    if found is not None and found.pid == pid:
        record_path(store_path).unlink(missing_ok=True)


def read_record(store_path: str | Path) -> ServingRecord | None:
    """Return the record beside `store_path`, or None if there is none or it is unreadable."""
    try:
        data = json.loads(record_path(store_path).read_text(encoding="utf-8"))
        return ServingRecord(**data)
    except (OSError, ValueError, TypeError):
        return None


def live_server(store_path: str | Path) -> ServingRecord | None:
    """Return the record of a live server holding `store_path` in another process, or None.

    A record whose pid is gone (a killed server) is stale: ignored, and removed when possible.
    """
    found = read_record(store_path)
    if found is None or found.pid == os.getpid():
        return None
    if not pid_alive(found.pid):
        record_path(store_path).unlink(missing_ok=True)
        return None
    return found


def pid_alive(pid: int) -> bool:
    """Say whether a process with this id exists (signal 0 checks without signalling)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


_hosted: dict[Path, Shareable] = {}
_hosted_lock = threading.Lock()


def host(store_path: str | Path, store: Shareable) -> None:
    """Let every opener of `store_path` in this process share `store` from now on."""
    with _hosted_lock:
        _hosted[Path(store_path).absolute()] = store


def unhost(store_path: str | Path) -> None:
    with _hosted_lock:
        _hosted.pop(Path(store_path).absolute(), None)


def hosted(store_path: str | Path) -> Shareable | None:
    """Return the store this process hosts for `store_path`, or None."""
    with _hosted_lock:
        return _hosted.get(Path(store_path).absolute())
