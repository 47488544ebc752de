"""Feature build: every feature set for the whole sample universe (151 symbols x 10 years).

Times, on a copy of the sample store (``tetra demo`` makes it): reading the inputs, building
all five feature sets point in time (price/volume, cross-section, macro by vintage, news,
events), and writing them to ``derived.features``; peak RSS of the process after each step.

Gates (a fast wrong answer fails the run): the values read back from the store equal the
built ones for three symbols; features built on the inputs cut at a day equal the full build
up to that day, bit for bit (no leakage at full scale).
Run: ``python -m benchmarks.ml_features`` (or ``make bench-ml``).
"""

from __future__ import annotations

import datetime as dt
import resource
import time
from typing import Any

import numpy as np

from benchmarks.ml_common import sample_copy, save
from tetra.ml.features import FEATURE_SETS, FeatureFrame, build_features
from tetra.ml.inputs import FeatureInputs, load_inputs
from tetra.ml.service import stored_symbols, stored_window
from tetra.ml.storage import read_features, store_features

CUT = dt.date(2021, 6, 15)
CHECKED = ("SPY", "AAPL", "BTC")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    with sample_copy() as store:
        return measure(store)


def measure(store: Any) -> int:
    symbols = stored_symbols(store)
    first, last = stored_window(store)
    row: dict[str, Any] = {"symbols": len(symbols), "first": str(first), "last": str(last)}
    started = time.perf_counter()
    inputs = load_inputs(store, symbols, first, last)
    row["read_s"], row["rss_after_read_mb"] = time.perf_counter() - started, peak_rss_mb()
    build_features(inputs, list(FEATURE_SETS.values()))  # numba compiles once; not timed
    started = time.perf_counter()
    frame = build_features(inputs, list(FEATURE_SETS.values()))
    row["build_s"], row["rss_after_build_mb"] = time.perf_counter() - started, peak_rss_mb()
    row["features"], row["days"] = len(frame.names), len(frame.dates)
    started = time.perf_counter()
    row["values_written"] = store_features(store, frame, now=dt.datetime.now(dt.UTC))
    row["store_s"], row["rss_after_store_mb"] = time.perf_counter() - started, peak_rss_mb()
    row["stored_equal"] = stored_equal(store, frame, first, last)
    row["cut_equal"] = cut_equal(inputs, frame)
    row["correct"] = row["stored_equal"] and row["cut_equal"]
    save("ml_features", row)
    return 0 if row["correct"] else 1


def stored_equal(store: Any, frame: FeatureFrame, first: dt.date, last: dt.date) -> bool:
    for feature_set in frame.sets:
        stored = read_features(store, feature_set, list(CHECKED), first, last)
        for symbol in CHECKED:
            column = frame.symbols.index(symbol)
            mine = stored[stored["symbol"] == symbol]
            wide = mine.pivot(index="date", columns="feature", values="value")
            for name in feature_set.names:
                built = frame.column(name)[:, column]
                finite = np.isfinite(built)
                days = [d.astype("datetime64[D]").item() for d in frame.dates[finite]]
                got = wide[name].reindex(days).to_numpy() if name in wide else np.array([])
                if len(got) != finite.sum() or not np.array_equal(got, built[finite]):
                    return False
    return True


def cut_equal(inputs: FeatureInputs, frame: FeatureFrame) -> bool:
    cut = build_features(inputs.as_of(CUT), list(FEATURE_SETS.values()))
    rows = len(cut.dates)
    return bool(np.array_equal(frame.values[:, :rows], cut.values, equal_nan=True))


if __name__ == "__main__":
    raise SystemExit(main())
