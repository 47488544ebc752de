"""Calibration time per market model on the 151-symbol sample universe.

``python -m benchmarks.simulation.calibration [--years 10]``

The sample history (`tetra.adapters.sources.sample`, the same bars `tetra demo` stores)
is generated in-process and total-return adjusted into one `MarketData` panel. Two
universes: all 151 symbols, whose common history (`history_of`: the span where all of them
trade, every row they share) starts at the latest listing and is therefore short; and the
symbols that trade over the whole window (the full ten years of common rows). Each model
is fitted once per universe, timed with a wall clock. Gate: each fitted
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


def full_history_symbols(panel: MarketData) -> list[str]:
    """Return the symbols with a bar in the panel's first ten rows (listed all along)."""
    listed = np.isfinite(panel.close[:10]).any(axis=0)
    return [s for s, has in zip(panel.symbols, listed.tolist(), strict=True) if has]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    panel = sample_panel(args.years)
    failed: list[str] = []
    for symbols in (list(panel.symbols), full_history_symbols(panel)):
        failed += timed_models(_subset(panel, symbols))
    print(json.dumps({"gate": failed or "pass"}))
    if failed:
        sys.exit(1)


def _subset(panel: MarketData, symbols: list[str]) -> MarketData:
    columns = [panel.column(s) for s in symbols]
    fields = ("open", "high", "low", "close", "volume", "split_ratio", "dividend")
    arrays = {f: getattr(panel, f)[:, columns] for f in fields}
    return MarketData(panel.dates, tuple(symbols), adjustment=panel.adjustment, **arrays)


def timed_models(panel: MarketData) -> list[str]:
    """Fit every model on `panel`'s common history; print a table; return gate failures."""
    history = history_of(panel)
    info = history.info
    print(
        f"{len(info.symbols)} symbols, common history {info.first} .. {info.last}, "
        f"{info.returns} returns"
    )
    print("| model | seconds | gate |")
    print("|---|---|---|")
    failed: list[str] = []
    for name in MODELS:
        started = time.perf_counter()
        model = calibrate(name, history, states=2)
        seconds = time.perf_counter() - started
        found = problems(model)
        failed += [f"{name}: {p}" for p in found]
        print(f"| {name} | {seconds:.2f} | {'pass' if not found else '; '.join(found)} |")
    return failed


if __name__ == "__main__":
    main()
