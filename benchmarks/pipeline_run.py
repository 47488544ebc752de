"""Offline pipeline speed: a 10-year backfill of the universe and a daily run, into DuckDB.

Both runs use the sample source, so no network is involved. Gate: the backfill must store
exactly the generated bars with no gaps, and the daily run must succeed. Targets (issue #3):
backfill < 30 s, daily < 10 s. Run: ``python -m benchmarks.pipeline_run``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

from tetra.adapters.stores import open_store
from tetra.cli.pipeline import build_plan
from tetra.cli.sources import sample_sources
from tetra.data.calendars import sessions
from tetra.data.pipeline import Mode, Pipeline, Step, daily_window
from tetra.data.ports import Query
from tetra.data.reference import write_reference
from tetra.data.sources import Window
from tetra.data.store_kind import StoreKind
from tetra.data.universe import load_universe
from tetra.sample.history import SampleSpec, generate_sample_history

STEPS = (Step.MARKET_DATA, Step.CRYPTO, Step.DATA_QUALITY)
TARGETS = {"backfill": 30.0, "daily": 10.0}


def main() -> int:
    spec = SampleSpec()
    universe = load_universe()
    first = spec.end.replace(year=spec.end.year - spec.years)
    expected = len(generate_sample_history(list(universe), sessions(first, spec.end), spec).bars)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "bench.duckdb", StoreKind.SAMPLE)
        write_reference(store, list(universe), "sample")
        sources = sample_sources(list(universe), spec)
        backfill = build_plan(Mode.BACKFILL, Window(first, spec.end), universe, STEPS, False, False)
        results.append(timed("backfill", store, sources, backfill))
        bars = store.count("market_data.ohlcv")
        gaps = int(store.read(Query("ops.coverage"))["missing"].sum())
        results[-1]["correct"] = bars == expected and gaps == 0
        daily = build_plan(Mode.DAILY, daily_window(spec.end), universe, STEPS, False, False)
        results.append(timed("daily", store, sources, daily))
        results[-1]["correct"] = results[-1]["status"] == "success"
        store.close()
    for row in results:
        row["meets_target"] = row["correct"] and row["seconds"] < TARGETS[str(row["run"])]
        print(json.dumps(row))
    return 0 if all(r["correct"] for r in results) else 1


def timed(name: str, store: object, sources: object, plan: object) -> dict[str, object]:
    started = time.perf_counter()
    result = Pipeline(store, sources).run(plan)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    return {
        "run": name,
        "seconds": round(seconds, 2),
        "written": result.written,
        "status": result.status,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


if __name__ == "__main__":
    sys.exit(main())
