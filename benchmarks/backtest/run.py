"""Tetra against vectorbt, backtesting.py and backtrader on the SMA(20)/SMA(50) standard case.

``python -m benchmarks.backtest.run [--symbols 100 500] [--skip-peers] [--skip-sweep]``

Per universe size: Tetra's compiled and callback paths here, each peer in
benchmarks/peers/.venv as a subprocess reading the same .npz (see benchmarks/peers/setup.sh).
Gate: every engine's trades and final equity equal Tetra compiled's (`gate`); a failed
gate exits 1. Then the 1,000-combination sweep (100 symbols), Tetra against vectorbt, with
a per-combination equity gate, and Tetra's peak RSS on 500 symbols in fresh processes.
Prints markdown tables; writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.backtest import gate, tetra_side
from benchmarks.backtest.data import BARS, synthetic_universe, write_npz

HERE = Path(__file__).parent
PEERS_PYTHON = HERE.parent / "peers" / ".venv" / "bin" / "python"
RESULTS = HERE.parent / "results"
SWEEP_FAST = list(range(5, 55, 5))  # as in peer_vectorbt: 10 x 100 = 1,000 combinations
SWEEP_SLOW = list(range(55, 255, 2))
JIT_RUNS = {"warmup": 1, "repeat": 5}  # compiled engines: one warm-up, best of five
PLAIN_RUNS = {"warmup": 0, "repeat": 1}  # pure-Python peers: nothing to compile, one run
TARGETS = {"compiled_vs_vectorbt": 1.5, "callback_vs_backtrader": 20.0, "rss_mib": 1024.0}


def peer(
    script: str, data: Path, *, warmup: int, repeat: int, extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Run one peer script in the peers' venv; return its JSON report (or its error)."""
    command = [str(PEERS_PYTHON), str(HERE / script), str(data), "--warmup", str(warmup)]
    command += ["--repeat", str(repeat), *extra]
    env = {**os.environ, "TQDM_DISABLE": "1", "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        return {"engine": script, "error": done.stderr[-2000:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def standard_runs(symbols: int, data: Path, skip_peers: bool) -> list[dict[str, Any]]:
    market = tetra_side.market_of(synthetic_universe(symbols))
    runs = [
        tetra_side.standard(market, "compiled", guards=False, **JIT_RUNS),
        tetra_side.standard(market, "callback", guards=False, **JIT_RUNS),
        tetra_side.standard(market, "compiled", guards=True, **JIT_RUNS),
        tetra_side.standard(market, "callback", guards=True, **JIT_RUNS),
    ]
    if not skip_peers:
        runs += [
            peer("peer_vectorbt.py", data, **JIT_RUNS, extra=("--engine", "numba")),
            peer("peer_vectorbt.py", data, **JIT_RUNS, extra=("--engine", "rust")),
            peer("peer_backtesting.py", data, **PLAIN_RUNS),
            peer("peer_backtrader.py", data, **PLAIN_RUNS),
        ]
    for run in runs:
        run["symbols"], run["bars"] = symbols, BARS
        if "seconds" in run:
            run["best_seconds"] = min(run["seconds"])
            run["bars_per_second"] = symbols * BARS / run["best_seconds"]
        run["gate"] = gate.problems(runs[0], run) if "error" not in run else ["did not run"]
    return runs


def sweep_runs(data: Path, skip_peers: bool) -> list[dict[str, Any]]:
    combos = [(f, s) for f in SWEEP_FAST for s in SWEEP_SLOW]
    market = tetra_side.market_of(synthetic_universe(100))
    runs = [tetra_side.sweep(market, combos, workers=2)]
    if not skip_peers:
        for engine in ("numba", "rust"):
            runs.append(
                peer("peer_vectorbt.py", data, **PLAIN_RUNS, extra=("--sweep", "--engine", engine))
            )
    for run in runs:
        if "error" in run:
            run["gate"] = ["did not run"]
            continue
        run["gate"] = gate.sweep_problems(runs[0]["sweep_final_equity"], run["sweep_final_equity"])
        run["best_seconds"] = min(run["seconds"])
        run["combinations"] = len(combos)
    return runs


def memory_runs(symbols: int) -> list[dict[str, Any]]:
    """Peak RSS of Tetra runs on `symbols` symbols, each in a fresh process."""
    out = []
    for path, guards in (("compiled", False), ("compiled", True), ("callback", False)):
        command = [sys.executable, "-m", "benchmarks.backtest.memory", "--symbols", str(symbols)]
        command += ["--path", path] + (["--guards"] if guards else [])
        done = subprocess.run(
            command, capture_output=True, text=True, check=True, cwd=HERE.parents[1]
        )
        out.append(json.loads(done.stdout))
    return out


def standard_table(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| symbols | engine | version | timed runs | best s | bars/s | x vectorbt (faster engine) "
        "| x backtrader | gate |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for symbols in sorted({r["symbols"] for r in runs}):
        lines += _standard_rows([r for r in runs if r["symbols"] == symbols])
    return "\n".join(lines)


def _standard_rows(runs: list[dict[str, Any]]) -> list[str]:
    """Rows of one universe size, with ratios to that size's vectorbt and backtrader."""
    vectorbt, backtrader = _reference_speeds(runs)
    lines = []
    for r in runs:
        if "error" in r:
            lines.append(f"| {r['symbols']} | {r['engine']} | | | | | | | did not run |")
            continue
        ratio_v = f"{r['bars_per_second'] / vectorbt:.2f}" if vectorbt else "-"
        ratio_b = f"{r['bars_per_second'] / backtrader:.1f}" if backtrader else "-"
        lines.append(
            f"| {r['symbols']} | {r['engine']} | {r['version']} | {len(r['seconds'])} "
            f"| {r['best_seconds']:.4f} | {r['bars_per_second']:,.0f} | {ratio_v} | {ratio_b} "
            f"| {'pass' if not r['gate'] else 'FAIL'} |"
        )
    return lines


def _reference_speeds(runs: list[dict[str, Any]]) -> tuple[float, float]:
    """The faster vectorbt engine's and backtrader's bars/s among `runs` (0 if absent)."""
    speed = {r["engine"]: r.get("bars_per_second", 0.0) for r in runs}
    vectorbt = max((v for k, v in speed.items() if k.startswith("vectorbt")), default=0.0)
    return vectorbt, speed.get("backtrader", 0.0)


def sweep_table(runs: list[dict[str, Any]]) -> str:
    lines = ["| engine | combinations | seconds | peak RSS MiB | gate |", "|---|---|---|---|---|"]
    for r in runs:
        if "error" in r:
            lines.append(f"| {r['engine']} | | | | did not run |")
            continue
        rss = f"{r['peak_rss_mib']:,.0f}"
        if "worker_peak_rss_mib" in r:
            rss += f" (+ {r['workers']} workers, {r['worker_peak_rss_mib']:,.0f} each at most)"
        lines.append(
            f"| {r['engine']} | {r['combinations']} | {r['best_seconds']:.2f} | {rss} "
            f"| {'pass' if not r['gate'] else 'FAIL'} |"
        )
    return "\n".join(lines)


def memory_table(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| symbols x bars | path | guards | peak RSS MiB | of which after imports | after data |",
        "|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['symbols']} x {r['bars']} | {r['path']} | {'on' if r['guards'] else 'off'} "
            f"| {r['peak_rss_mib']:.0f} | {r['peak_rss_mib_after_imports']:.0f} "
            f"| {r['peak_rss_mib_after_data']:.0f} |"
        )
    return "\n".join(lines)


def targets(
    standard: list[dict[str, Any]], sweeps: list[dict[str, Any]], memory: list[dict[str, Any]]
) -> str:
    """The issues' targets, on this run's figures: speed at 100 symbols, guards at each size."""
    at_100 = [r for r in standard if r["symbols"] == 100]
    speed = {r["engine"]: r.get("bars_per_second", 0.0) for r in at_100}
    vectorbt, backtrader = _reference_speeds(at_100)
    rows = []
    if vectorbt and backtrader:
        compiled = speed["Tetra compiled"] / vectorbt
        callback = speed["Tetra callback"] / backtrader
        rows.append(("compiled >= 1.5x vectorbt bars/s", f"{compiled:.2f}x", compiled >= 1.5))
        rows.append(("callback >= 20x backtrader bars/s", f"{callback:.1f}x", callback >= 20.0))
    rows += guard_targets(standard)
    seconds = {r["engine"]: r["best_seconds"] for r in sweeps if "best_seconds" in r}
    peers = [v for k, v in seconds.items() if k.startswith("vectorbt")]
    if peers and "Tetra compiled sweep" in seconds:
        ours = seconds["Tetra compiled sweep"]
        rows.append(
            (
                "sweep no slower than vectorbt",
                f"{ours:.2f} s vs {min(peers):.2f} s",
                ours <= min(peers),
            )
        )
    if memory:
        peak = max(r["peak_rss_mib"] for r in memory)
        rows.append(("500 x 2,520 under 1 GB RSS", f"{peak:.0f} MiB", peak < TARGETS["rss_mib"]))
    lines = ["| target | measured | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if met else 'NO'} |" for name, value, met in rows]
    return "\n".join(lines)


def guard_targets(standard: list[dict[str, Any]]) -> list[tuple[str, str, bool]]:
    """#19: with the default guards, the compiled path at least 3x vectorbt (its faster
    engine in this run) and at most 1.5x its own unguarded time, at every size run."""
    rows = []
    for symbols in sorted({r["symbols"] for r in standard}):
        at = [r for r in standard if r["symbols"] == symbols]
        seconds = {r["engine"]: r.get("best_seconds") for r in at}
        on, off = seconds.get("Tetra compiled (guards on)"), seconds.get("Tetra compiled")
        if on is None or off is None:
            continue
        rows.append(
            (
                f"{symbols} symbols: guards on <= 1.5x guards off",
                f"{on / off:.2f}x",
                on / off <= 1.5,
            )
        )
        vectorbt, _ = _reference_speeds(at)
        speed = {r["engine"]: r.get("bars_per_second", 0.0) for r in at}
        if vectorbt:
            ratio = speed["Tetra compiled (guards on)"] / vectorbt
            rows.append(
                (f"{symbols} symbols: guards on >= 3x vectorbt", f"{ratio:.2f}x", ratio >= 3.0)
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--symbols", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--skip-peers", action="store_true", help="Tetra only")
    parser.add_argument("--skip-sweep", action="store_true")
    args = parser.parse_args()
    if not args.skip_peers and not PEERS_PYTHON.exists():
        print(
            "no peers' venv: run benchmarks/peers/setup.sh (or pass --skip-peers)", file=sys.stderr
        )
        return 2
    standard, sweeps, memory = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for symbols in args.symbols:
            data = write_npz(synthetic_universe(symbols), Path(folder) / f"universe-{symbols}.npz")
            standard += standard_runs(symbols, data, args.skip_peers)
            print(standard_table([r for r in standard if r["symbols"] == symbols]), flush=True)
        if not args.skip_sweep:
            data = write_npz(synthetic_universe(100), Path(folder) / "universe-sweep.npz")
            sweeps = sweep_runs(data, args.skip_peers)
    memory = memory_runs(500)
    tables = [standard_table(standard), sweep_table(sweeps) if sweeps else ""]
    tables += [memory_table(memory), targets(standard, sweeps, memory)]
    report = "\n\n".join(t for t in tables if t)
    print("\n" + report)
    failures = [(r["engine"], r["gate"]) for r in standard + sweeps if r["gate"]]
    for engine, found in failures:
        print(f"GATE FAILED: {engine}: {found}", file=sys.stderr)
    write_results(standard, sweeps, memory)
    return 1 if failures else 0


def write_results(
    standard: list[dict[str, Any]], sweeps: list[dict[str, Any]], memory: list[dict[str, Any]]
) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"backtest-{stamp}.json"
    slim = [
        {k: v for k, v in r.items() if k not in ("trades", "sweep_final_equity")}
        for r in standard + sweeps
    ]
    path.write_text(json.dumps({"runs": slim, "memory": memory}, indent=2, default=str))
    print(f"results: {path}")
    return path


if __name__ == "__main__":
    sys.exit(main())
