"""A 10,000-combination parameter sweep: the local process pool against a local Ray.

``python -m benchmarks.sweep_ray [--combinations N] [--bars B] [--symbols S] [--variants ...]``

The sweep: `MovingAverageCrossover` over fast 1..100 x slow 101..200 (every combination
valid) on a seeded panel (default: four symbols, a year of daily bars). Each variant runs
in a fresh process, so start-up and memory are its own; the parent samples the resident
memory of that process and all its descendants (Ray's raylet, GCS and workers included)
every 250 ms and reports the peak.

- ``pool``: `sweep(..., executor=LocalPool(2))`, forked workers, the runner installed once
  per worker;
- ``ray``: `sweep(..., executor=RayExecutor("auto", num_cpus=2))`, the runner put in Ray's
  object store once and referenced by every task;
- ``default``: `sweep(..., workers=2)`, the sweep's own forked pool (no executor).

Gate: every variant's frame is identical (SHA-256 of its CSV), or the run fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
VARIANTS = ("pool", "ray", "default")


def _panel(bars: int, count: int) -> object:
    from tetra.market import MarketData

    rng = np.random.default_rng(16)
    close = 100 * np.exp(np.cumsum(0.01 * rng.standard_normal((bars, count)), axis=0))
    dates = np.busday_offset(np.datetime64("2015-01-01"), np.arange(bars), roll="forward")
    ones, zeros = np.ones((bars, count)), np.zeros((bars, count))
    symbols = tuple(f"S{i}" for i in range(count))
    return MarketData(
        dates, symbols, close, close * 1.01, close * 0.99, close, ones * 1e6, ones, zeros
    )


def _grid(combinations: int) -> dict[str, list[int]]:
    side = round(combinations**0.5)
    return {"fast": list(range(1, side + 1)), "slow": list(range(101, 101 + side))}


def run_variant(variant: str, combinations: int, bars: int, count: int) -> dict[str, object]:
    """Run one variant in this process; return its timings and the frame's digest."""
    from tetra.backtest.research.sweep import sweep
    from tetra.compute import Executor, LocalPool
    from tetra.strategy.library import MovingAverageCrossover

    market, grid = _panel(bars, count), _grid(combinations)
    started = time.perf_counter()
    executor: Executor | None = None
    if variant == "pool":
        executor = LocalPool(2)
    elif variant == "ray":
        from tetra.adapters.compute.ray import RayExecutor

        executor = RayExecutor("auto", num_cpus=2)
    ready = time.perf_counter()
    frame = sweep(MovingAverageCrossover, market, grid, workers=2, executor=executor)  # type: ignore[arg-type]
    done = time.perf_counter()
    if executor is not None:
        executor.close()
    digest = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
    return {
        "variant": variant,
        "combinations": len(frame),
        "startup_s": round(ready - started, 2),
        "sweep_s": round(done - ready, 2),
        "per_s": round(len(frame) / (done - ready), 1),
        "digest": digest,
    }


def _tree_rss(root: int) -> int:
    """Sum VmRSS (bytes) of `root` and every descendant, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def measure(variant: str, combinations: int, bars: int, count: int) -> dict[str, object]:
    """Run a variant in a child process, sampling its process tree's memory."""
    command = [sys.executable, "-m", "benchmarks.sweep_ray", "--variant", variant]
    command += ["--combinations", str(combinations), "--bars", str(bars), "--symbols", str(count)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=HERE.parent)
    peak = [0]

    def sample() -> None:
        while child.poll() is None:
            peak[0] = max(peak[0], _tree_rss(child.pid))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"{variant} failed with exit code {child.returncode}")
    report: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    report["peak_rss_mib"] = round(peak[0] / 2**20)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=VARIANTS)
    parser.add_argument("--combinations", type=int, default=10_000)
    parser.add_argument("--bars", type=int, default=252)
    parser.add_argument("--symbols", type=int, default=4)
    parser.add_argument("--variants", default="pool,ray", help="Comma-separated, run in order.")
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.combinations, args.bars, args.symbols)))
        return
    chosen = [v for v in args.variants.split(",") if v in VARIANTS]
    rows = []
    for variant in chosen:
        rows.append(measure(variant, args.combinations, args.bars, args.symbols))
        print(json.dumps(rows[-1]), flush=True)
    digests = {row["digest"] for row in rows}
    gate = "pass" if len(digests) == 1 else f"frames differ: {sorted(map(str, digests))}"
    print(json.dumps({"gate": gate, "cpus": os.cpu_count()}))
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"sweep-ray-{stamp}.json").write_text(json.dumps({"rows": rows, "gate": gate}))
    if gate != "pass":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
