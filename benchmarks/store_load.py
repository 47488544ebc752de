"""Bulk-load throughput of the sample universe (1x and 10x) into DuckDB and PostgreSQL.

For each scale and engine: a fresh store, one `upsert` of every bar (the bulk path, with
validation included), then the same batch again (the idempotent rerun path). A run passes
its correctness gate only if the store then holds exactly the generated rows, value for
value. Run: ``make bench`` or ``python -m benchmarks.store_load [--scales 1 10]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import psycopg

from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.data.calendars import sessions
from tetra.data.ports import Query
from tetra.data.store_kind import StoreKind
from tetra.data.universe import load_universe
from tetra.model.instruments import Instrument
from tetra.sample.history import SampleSpec, generate_sample_history

PG_ADMIN = os.environ.get(
    "TETRA_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TARGETS = {"duckdb": 1_000_000, "postgresql": 300_000}
RESULTS = Path(__file__).parent / "results"


def instruments(scale: int) -> list[Instrument]:
    """Return the universe, repeated `scale` times under suffixed symbols."""
    base = list(load_universe())
    copies = [
        dataclasses.replace(i, symbol=f"{i.symbol}-{n}" if n else i.symbol)
        for n in range(scale)
        for i in base
    ]
    return copies


def bars_for(scale: int) -> pd.DataFrame:
    spec = SampleSpec()
    days = sessions(spec.end.replace(year=spec.end.year - spec.years), spec.end)
    return generate_sample_history(instruments(scale), days, spec).bars


@contextmanager
def duckdb_store() -> Iterator[SqlStore]:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "bench.duckdb", StoreKind.SAMPLE)
        try:
            yield store
        finally:
            store.close()


@contextmanager
def postgres_store() -> Iterator[SqlStore]:
    name = f"tetra_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    store = open_store(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", StoreKind.SAMPLE)
    try:
        yield store
    finally:
        store.close()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def fingerprint(frame: pd.DataFrame) -> int:
    columns = ["symbol", "ts", "open", "high", "low", "close", "volume"]
    frame = frame.assign(ts=frame["ts"].astype("datetime64[us, UTC]"))
    ordered = frame[columns].sort_values(["symbol", "ts"]).reset_index(drop=True)
    return int(pd.util.hash_pandas_object(ordered, index=False).sum())


def measure(engine: str, bars: pd.DataFrame) -> dict[str, object]:
    opener = duckdb_store if engine == "duckdb" else postgres_store
    symbols = bars["symbol"].unique()
    first_half = bars[bars["symbol"].isin(symbols[: len(symbols) // 2])]
    second_half = bars[~bars["symbol"].isin(symbols[: len(symbols) // 2])]
    with opener() as store:
        store.upsert("market_data.ohlcv", first_half)
        started = time.perf_counter()
        store.upsert("market_data.ohlcv", second_half)
        append = time.perf_counter() - started
    with opener() as store:
        started = time.perf_counter()
        store.upsert("market_data.ohlcv", bars)
        load = time.perf_counter() - started
        started = time.perf_counter()
        store.upsert("market_data.ohlcv", bars)
        rerun = time.perf_counter() - started
        stored = store.read(Query("market_data.ohlcv"))
    correct = len(stored) == len(bars) and fingerprint(stored) == fingerprint(bars)
    return {
        "engine": engine,
        "rows": len(bars),
        "load_s": round(load, 3),
        "load_rows_per_s": round(len(bars) / load),
        "append_rows_per_s": round(len(second_half) / append),
        "rerun_s": round(rerun, 3),
        "rerun_rows_per_s": round(len(bars) / rerun),
        "correct": correct,
        "target_rows_per_s": TARGETS[engine],
        "meets_target": correct and len(bars) / load >= TARGETS[engine],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--engines", nargs="+", default=["duckdb", "postgresql"])
    args = parser.parse_args(argv)
    results = []
    for scale in args.scales:
        started = time.perf_counter()
        bars = bars_for(scale)
        print(
            f"scale {scale}x: generated {len(bars):,} bars in {time.perf_counter() - started:.2f} s"
        )
        for engine in args.engines:
            row = measure(engine, bars) | {"scale": scale}
            results.append(row)
            print(json.dumps(row))
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"store_load-{stamp}.json").write_text(json.dumps(results, indent=2))
    print_table(results)
    return 0 if all(r["correct"] for r in results) else 1


def print_table(results: list[dict[str, object]]) -> None:
    print(
        "\n| scale | engine | rows | load s | load rows/s | append rows/s | rerun s "
        "| rerun rows/s | correct | target (load) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        target = "met" if r["meets_target"] else "MISSED"
        print(
            f"| {r['scale']}x | {r['engine']} | {r['rows']:,} | {r['load_s']} | "
            f"{r['load_rows_per_s']:,} | {r['append_rows_per_s']:,} | {r['rerun_s']} | "
            f"{r['rerun_rows_per_s']:,} | "
            f"{r['correct']} | {target} (>= {r['target_rows_per_s']:,}) |"
        )


if __name__ == "__main__":
    sys.exit(main())
