"""Calibration time per market model on the 151-symbol sample universe.

``python -m benchmarks.simulation.calibration [--years 10]``

The sample history (`tetra.adapters.sources.sample`, the same bars `tetra demo` stores)
is generated in-process, total-return adjusted into one `MarketData` panel, reduced to
the symbols' common history (`history_of`: the span where all 151 trade, every row they
share) and each model is fitted on it once, timed with a wall clock. Gate: each fitted
model generates a 252-bar path whose bars are all consistent (low <= open, close <= high)
and whose parameters are finite.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from tetra.adapters.sources.sample import sample_sessions
from tetra.data.universe import load_universe
from tetra.market import Adjustment, MarketData
from tetra.sample.history import SampleSpec, generate_sample_history
from tetra.simulation.models import MODELS, calibrate, history_of
from tetra.simulation.paths import path_rng


def sample_panel(years: int) -> MarketData:
    spec = SampleSpec(years=years)
    instruments = list(load_universe())
    history = generate_sample_history(instruments, sample_sessions(spec), spec)
    return MarketData.from_frames(history.bars, history.corporate_actions, Adjustment.TOTAL_RETURN)


def problems(model: object) -> list[str]:
    path = model.simulate(252, path_rng(0, 0))  # type: ignore[attr-defined]
    found = []
    if not (path.low <= np.minimum(path.open, path.close)).all():
        found.append("a low above its open or close")
    if not (path.high >= np.maximum(path.open, path.close)).all():
        found.append("a high below its open or close")
    if not all(np.isfinite(p.value) for p in model.parameters()):  # type: ignore[attr-defined]
        found.append("a parameter that is not finite")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    panel = sample_panel(args.years)
    history = history_of(panel)
    info = history.info
    print(
        f"{len(info.symbols)} symbols, common history {info.first} .. {info.last}, "
        f"{info.returns} returns"
    )
    print("| model | seconds | gate |")
    print("|---|---|---|")
    failed = []
    for name in MODELS:
        started = time.perf_counter()
        model = calibrate(name, history, states=2)
        seconds = time.perf_counter() - started
        found = problems(model)
        failed += [f"{name}: {p}" for p in found]
        print(f"| {name} | {seconds:.2f} | {'pass' if not found else '; '.join(found)} |")
    print(json.dumps({"gate": failed or "pass"}))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
