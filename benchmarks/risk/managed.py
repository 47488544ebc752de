"""Cost of `RiskManaged` on the compiled path: the standard case with and without a policy.

The standard case of the backtest benchmark (100 synthetic symbols x 2,520 daily bars,
`MovingAverageCrossover(fast=20, slow=50)` on the compiled path, guards off: one run) timed
unmanaged, under a caps-only policy (0.8 % per position, below the strategy's 1 % slices;
gross and net leverage 1) and under Tetra's default policy (caps, daily loss, drawdown
breaker and the correlation limit over 63 bars, settled from bounds by
`tetra.simulation.correlation_limit`). Times are the CPU time of the one thread (the machine
is shared): one warm-up, then 15 rounds of the three runs in turn, the best of each and
the ratio of their medians. Numba's cache is keyed by a digest of
Tetra's sources (`tetra.core.numba_cache`), so an edited gate is compiled afresh.
Gates: under an empty policy (a gate with no limits) the fills and equity are bit-identical
to the unmanaged run; the caps-only run resizes orders. Target (issue #11): <= 2x, for both
the caps-only and the default policy.

Run: ``python -m benchmarks.risk.managed`` (also part of ``make bench-risk``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import numpy as np

from benchmarks.backtest.data import synthetic_universe
from benchmarks.backtest.tetra_side import CASH, FAST, SLOW, market_of
from tetra.backtest.result import BacktestResult
from tetra.backtest.run import run_backtest
from tetra.risk import RiskPolicy
from tetra.risk.policy import default_policy
from tetra.strategy.library.crossover import MovingAverageCrossover

SYMBOLS = 100
ROUNDS = 15
TARGET = 2.0
CAPS = RiskPolicy(max_position_weight=0.008, max_gross_leverage=1.0, max_net_leverage=1.0)


def interleaved_cpu_ms(
    runs: dict[str, Callable[[], BacktestResult]],
) -> tuple[dict[str, BacktestResult], dict[str, list[float]]]:
    """Return each run's last result and CPU times (ms): one warm-up, then `ROUNDS` rounds of
    every run in turn, so a slow spell of the shared machine lands on all of them alike."""
    results = {name: run() for name, run in runs.items()}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(ROUNDS):
        for name, run in runs.items():
            used = time.process_time()
            results[name] = run()
            times[name].append((time.process_time() - used) * 1000)
    return results, times


def run() -> dict[str, object]:
    """Time the three runs, gate them, and return the result row."""
    market = market_of(synthetic_universe(SYMBOLS))
    strategy = MovingAverageCrossover(fast=FAST, slow=SLOW, cash=CASH)

    def backtest(policy: RiskPolicy | None) -> Callable[[], BacktestResult]:
        return lambda: run_backtest(strategy, market, path="compiled", cash=CASH,
                                    risk_policy=policy, guards=False)  # fmt: skip

    results, times = interleaved_cpu_ms(
        {"unmanaged": backtest(None), "caps": backtest(CAPS), "default": backtest(default_policy())}
    )
    best = {name: min(ms) for name, ms in times.items()}
    median = {name: float(np.median(ms)) for name, ms in times.items()}
    plain, caps, default = results["unmanaged"], results["caps"], results["default"]
    empty = backtest(RiskPolicy())()
    correct = (
        np.array_equal(empty.output.fills, plain.output.fills)
        and np.array_equal(empty.output.equity, plain.output.equity)
        and bool((caps.interventions["action"] == "resized").any())
    )
    caps_ratio, default_ratio = (best[k] / best["unmanaged"] for k in ("caps", "default"))
    return {
        "benchmark": "RiskManaged overhead, standard case (compiled path, guards off)",
        "symbols": SYMBOLS,
        "bars": market.shape[0],
        "unmanaged_cpu_ms": round(best["unmanaged"], 1),
        "caps_only_cpu_ms": round(best["caps"], 1),
        "caps_only_ratio": round(caps_ratio, 2),
        "caps_only_interventions": len(caps.interventions),
        "default_policy_cpu_ms": round(best["default"], 1),
        "default_policy_ratio": round(default_ratio, 2),
        "default_policy_ratio_of_medians": round(median["default"] / median["unmanaged"], 2),
        "default_policy_interventions": len(default.interventions),
        "correct": bool(correct),
        "meets_target": bool(correct) and max(caps_ratio, default_ratio) <= TARGET,
    }


if __name__ == "__main__":
    print(json.dumps(run()))
