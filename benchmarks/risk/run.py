"""Risk benchmarks: pre-trade checks per second, and the analytics of a 151-symbol book.

Run: ``python -m benchmarks.risk.run`` (or ``make bench-risk``). Prints one JSON row per
benchmark and writes them to ``benchmarks/results/risk-<time>.json``; exits 1 when a
correctness gate fails.
"""

from __future__ import annotations

import os

# One core, as the targets say: BLAS must not spread the products over threads. Set before
# NumPy loads its BLAS.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import datetime as dt  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks.risk import analytics, managed, pretrade  # noqa: E402

RESULTS = Path(__file__).resolve().parents[1] / "results"


def main() -> int:
    rows = [pretrade.run(), analytics.run(), managed.run()]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"risk-{stamp}.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    for row in rows:
        print(json.dumps(row))
    return 0 if all(row["correct"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
