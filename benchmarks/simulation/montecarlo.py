"""Monte Carlo throughput: bootstrap paths through the SMA(20/50) crossover, against vectorbt.

``python -m benchmarks.simulation.montecarlo [--paths 1000] [--symbols 100] [--bars 2520]
[--peer-paths 100] [--workers 2] [--skip-peers]``

Tetra: the stationary block bootstrap (`tetra.simulation.models.bootstrap`) calibrated on
the backtest benchmark's synthetic universe (`benchmarks.backtest.data`, 2,520 bars),
then `run_monte_carlo` of `MovingAverageCrossover(20, 50)` on the compiled path over
`--paths` paths of `--bars` bars, in chunks of 25 paths on a 2-process local pool: path
generation, the strategy's orders and the kernel all inside the timing. Simulated bars/s
= paths x symbols x bars / seconds. Peak RSS: the driver's VmHWM and the largest
worker's (sampled from /proc every 0.1 s); their sum is the figure held to the target
(an upper bound: pages a forked worker shares with the driver are counted twice).

vectorbt: the first `--peer-paths` of the same paths (written to .npz), stacked as columns
(path-major, `symbols` columns per path) and run through `Portfolio.from_signals` grouped
by path with cash sharing, as in `benchmarks/backtest/peer_vectorbt.py` (the standard
case's recipe), in batches of 25 paths so its memory stays bounded too. Its bars/s is
over those paths; the ratio compares the two throughputs from this one run.

Gates (a failure exits 1): three paths re-run one by one with `run_backtest` end at the
equity the Monte Carlo reported; vectorbt's final value of every peer path equals
Tetra's (1e-6 relative).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.backtest._peer_common import peak_rss_mib
from benchmarks.backtest.data import synthetic_universe
from benchmarks.backtest.tetra_side import CASH, FAST, SLOW, market_of
from tetra.backtest.paths import StrategyOnPath
from tetra.backtest.run import run_backtest
from tetra.compute import LocalPool
from tetra.simulation.models import calibrate, history_of
from tetra.simulation.montecarlo import MonteCarloSpec, run_monte_carlo
from tetra.simulation.paths import PathSpec, generate
from tetra.strategy.library.crossover import MovingAverageCrossover

HERE = Path(__file__).parent
PEERS_PYTHON = HERE.parent / "peers" / ".venv" / "bin" / "python"
RESULTS = HERE.parent / "results"
SEED = 2026
CHUNK = 25
TARGETS = {"x_vectorbt": 5.0, "peak_rss_mib": 2048.0}


class WorkerMemory:
    """Sample the peak RSS (VmHWM) of this process's children while a block runs."""

    def __init__(self) -> None:
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.1):
            for child in _children(me):
                peak = _vm_hwm(child)
                if peak is not None:
                    self.peaks[child] = max(self.peaks.get(child, 0.0), peak)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _vm_hwm(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def tetra_run(args: argparse.Namespace) -> tuple[dict[str, Any], Any, Any]:
    market = market_of(synthetic_universe(args.symbols))
    model = calibrate("bootstrap", history_of(market))
    strategy = MovingAverageCrossover(fast=FAST, slow=SLOW, cash=CASH)
    evaluate = StrategyOnPath(strategy, "compiled", CASH)
    spec = MonteCarloSpec(PathSpec(args.paths, args.bars, SEED), chunk=CHUNK)
    warm = MonteCarloSpec(PathSpec(2, args.bars, SEED), chunk=1)
    run_monte_carlo(model, evaluate, warm, LocalPool(args.workers))  # numba's cache, imports
    with WorkerMemory() as workers:
        started = time.perf_counter()
        result = run_monte_carlo(model, evaluate, spec, LocalPool(args.workers))
        seconds = time.perf_counter() - started
    bars = args.paths * args.symbols * args.bars
    worker_peak = max(workers.peaks.values(), default=0.0)
    row = {
        "engine": "Tetra Monte Carlo (bootstrap + compiled SMA)",
        "paths": args.paths, "symbols": args.symbols, "bars": args.bars,
        "seconds": seconds, "bars_per_second": bars / seconds,
        "driver_peak_rss_mib": peak_rss_mib(), "worker_peak_rss_mib": worker_peak,
        "block_length": model.block_length,  # type: ignore[attr-defined]
    }  # fmt: skip
    row["peak_rss_mib"] = row["driver_peak_rss_mib"] + worker_peak
    return row, result, (model, spec, strategy)


def gate_reruns(result: Any, context: Any, paths: int) -> list[str]:
    """Re-run three paths alone through run_backtest; their final equity must match."""
    model, spec, strategy = context
    problems = []
    for path in sorted({0, paths // 2, paths - 1}):
        alone = run_backtest(
            strategy, generate(model, spec.paths, path), path="compiled", cash=CASH, guards=False
        )
        expected = CASH * (1.0 + result.metrics["total_return"].iloc[path])
        if not np.isclose(alone.final_equity, expected, rtol=1e-12, atol=0.0):
            problems.append(f"path {path}: alone {alone.final_equity} vs Monte Carlo {expected}")
    return problems


def vectorbt_run(context: Any, result: Any, count: int) -> tuple[dict[str, Any], list[str]]:
    """Write the first `count` paths to .npz, run the vectorbt peer, gate its final values."""
    model, spec, _ = context
    finals, seconds = [], 0.0
    with tempfile.TemporaryDirectory() as folder:
        for first in range(0, count, CHUNK):
            batch = [
                generate(model, spec.paths, p) for p in range(first, min(first + CHUNK, count))
            ]
            data = Path(folder) / "paths.npz"
            np.savez(
                data,
                open=np.stack([b.open for b in batch]),
                close=np.stack([b.close for b in batch]),
            )
            report = _peer(data)
            if "error" in report:
                return report, ["vectorbt did not run"]
            finals += report["final_values"]
            seconds += report["seconds"]
    ours = CASH * (1.0 + result.metrics["total_return"].to_numpy()[:count])
    wrong = np.flatnonzero(~np.isclose(np.array(finals), ours, rtol=1e-6))
    problems = [f"path {i}: vectorbt {finals[i]} vs Tetra {ours[i]}" for i in wrong[:5]]
    bars = count * spec.paths.bars * len(model.info.symbols)
    row = {
        "engine": f"vectorbt {report['version']} (numba)",
        "paths": count,
        "seconds": seconds,
        "bars_per_second": bars / seconds,
        "peak_rss_mib": report["peak_rss_mib"],
    }
    return row, problems


def _peer(data: Path) -> dict[str, Any]:
    command = [str(PEERS_PYTHON), str(HERE / "peer_vectorbt_paths.py"), str(data)]
    env = {**os.environ, "TQDM_DISABLE": "1", "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        return {"engine": "vectorbt", "error": done.stderr[-2000:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paths", type=int, default=1_000)
    parser.add_argument("--symbols", type=int, default=100)
    parser.add_argument("--bars", type=int, default=2_520)
    parser.add_argument("--peer-paths", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args()
    tetra, result, context = tetra_run(args)
    problems = gate_reruns(result, context, args.paths)
    rows = [tetra]
    if not args.skip_peers:
        peer, peer_problems = vectorbt_run(context, result, min(args.peer_paths, args.paths))
        problems += peer_problems
        rows.append(peer)
        if "bars_per_second" in peer:
            tetra["x_vectorbt"] = tetra["bars_per_second"] / peer["bars_per_second"]
    print("| engine | paths | seconds | simulated bars/s | peak RSS MiB | x vectorbt |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        ratio = f"{row['x_vectorbt']:.1f}" if "x_vectorbt" in row else ""
        rss = row.get("peak_rss_mib", float("nan"))
        cells = (row["engine"], f"{row['paths']:,}", f"{row['seconds']:.2f}")
        cells += (f"{row['bars_per_second']:,.0f}", f"{rss:,.0f}", ratio)
        print("| " + " | ".join(cells) + " |")
    print(json.dumps({"targets": TARGETS, "gate": problems or "pass"}))
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"montecarlo-{stamp}.json").write_text(
        json.dumps({"rows": rows, "gate": problems}, indent=2, default=str)
    )
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
