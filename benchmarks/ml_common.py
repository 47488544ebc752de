"""What the ML benchmarks share: a private copy of the sample store, and saving a result."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.data.store_kind import StoreKind

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample.duckdb"
RESULTS = Path(__file__).parent / "results"


@contextmanager
def sample_copy() -> Iterator[SqlStore]:
    """Open a throwaway copy of data/sample.duckdb (``tetra demo`` makes it)."""
    if not SAMPLE.exists():
        raise SystemExit("no data/sample.duckdb: run `tetra demo` first")
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "sample.duckdb"
        shutil.copy(SAMPLE, copy)
        with open_store(copy, StoreKind.SAMPLE) as store:
            yield store


def save(name: str, row: dict[str, Any]) -> None:
    """Write `row` to benchmarks/results/<name>-<UTC stamp>.json and print it."""
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"{name}-{stamp}.json").write_text(json.dumps(row, indent=2))
    print(json.dumps(row, indent=2))
