"""Chat exports: every daily bar of the sample store (338,860 rows) as CSV and Excel.

Through `ChatService.export` (the guard, the read-only executor's batches, the file writer),
on DuckDB (the sample file, copied) and PostgreSQL (the same bars in a throwaway database,
read as the ``tetra_chat`` role). Reports seconds (the query's own share apart), rows per
second, and the process's peak resident memory after each export (the batches, not the whole
result, should be held). Gate: the file holds every row (a CSV also its header line). One run
each; an Excel workbook of 338,860 rows takes a minute and a half (openpyxl).
Run: ``python -m benchmarks.chat_export`` after ``tetra demo`` (or with TETRA_DATA_DIR).
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from tetra.adapters.stores import open_store
from tetra.chat.export import ExportFormat
from tetra.chat.service import ChatService
from tetra.cli.chat_wiring import build_chat
from tetra.data.ports import Query, Store
from tetra.data.store_kind import StoreKind
from tetra.settings import Settings
from tetra.testing.postgres import throwaway_database

ROOT = Path(__file__).resolve().parents[1]
SQL = "SELECT * FROM market_data.ohlcv ORDER BY symbol, ts"
TABLES = ("market_data.ohlcv", "market_data.symbols")


def main() -> None:
    sample = Path(os.environ.get("TETRA_DATA_DIR", ROOT / "data")) / "sample.duckdb"
    if not sample.exists():
        raise SystemExit(f"no {sample}: run `tetra demo` first")
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "sample.duckdb"
        shutil.copy(sample, copy)
        duck = open_store(copy, StoreKind.SAMPLE)
        _measure("duckdb", duck, str(copy), Path(scratch))
        with throwaway_database("tetra_bench_export") as url:
            pg = open_store(url, StoreKind.SAMPLE)
            for table in TABLES:
                pg.upsert(table, duck.read(Query(table)))
            _measure("postgres", pg, url, Path(scratch))
            pg.close()
        duck.close()


def _measure(name: str, store: Store, url: str, scratch: Path) -> None:
    chat = build_chat(Settings(), store, url)
    assert chat is not None
    rows = int(chat.executor.run("SELECT COUNT(*) AS n FROM market_data.ohlcv").frame["n"][0])
    for format_ in ("csv", "xlsx"):
        _one(name, chat, format_, rows, scratch / f"{name}.{format_}")
    chat.close()


def _one(name: str, chat: ChatService, format_: ExportFormat, rows: int, path: Path) -> None:
    started = time.perf_counter()
    with path.open("wb") as file:
        done = chat.export(SQL, format_, file)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert done.rows == rows, (done.rows, rows)
    assert not done.truncated
    if format_ == "csv":
        with path.open("rb") as file:
            assert sum(1 for _ in file) == rows + 1
    size = path.stat().st_size / 2**20
    print(
        f"{name:8s} {format_:4s} {done.rows:>8,} rows in {seconds:6.1f} s "
        f"(query and batches {done.elapsed_seconds:5.1f} s, {done.rows / seconds:>9,.0f} rows/s),"
        f" file {size:6.1f} MiB, peak RSS so far {peak / 2**20:6.0f} MiB"
    )


if __name__ == "__main__":
    main()
