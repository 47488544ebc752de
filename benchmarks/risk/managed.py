"""Cost of `RiskManaged` on the compiled path: the standard case with and without a policy.

The standard case of the backtest benchmark (100 synthetic symbols x 2,520 daily bars,
`MovingAverageCrossover(fast=20, slow=50)` on the compiled path, guards off: one run) timed
unmanaged, under a caps-only policy (0.8 % per position, below the strategy's 1 % slices;
gross and net leverage 1) and under Tetra's default policy (caps, daily loss, drawdown
breaker and the correlation limit over 63 bars, rolled and settled from bounds by
`tetra.simulation.rolling_correlation`). Times are the CPU
time of the one thread (the machine is shared), best of several runs after a warm-up.
Delete the numba cache of `tetra/backtest` after editing the gate: the kernel's cache does
not notice edits to the functions it calls.
Gates: under an empty policy (a gate with no limits) the fills and equity are bit-identical
to the unmanaged run; the caps-only run resizes orders. Target (issue #11): <= 2x.

Run: ``python -m benchmarks.risk.managed`` (also part of ``make bench-risk``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.backtest.data import synthetic_universe
from benchmarks.backtest.tetra_side import CASH, FAST, SLOW, market_of
from tetra.backtest.result import BacktestResult
from tetra.backtest.run import run_backtest
from tetra.risk import RiskPolicy
from tetra.risk.policy import default_policy
from tetra.strategy.library.crossover import MovingAverageCrossover

SYMBOLS = 100
REPEATS = 7
TARGET = 2.0
CAPS = RiskPolicy(max_position_weight=0.008, max_gross_leverage=1.0, max_net_leverage=1.0)


def best_cpu_ms(run: Callable[[], Any]) -> tuple[Any, float]:
    """Return the last result and the best CPU time of `REPEATS` runs after a warm-up."""
    result = run()
    times = []
    for _ in range(REPEATS):
        used = time.process_time()
        result = run()
        times.append(time.process_time() - used)
    return result, min(times) * 1000


def run() -> dict[str, object]:
    """Time the three runs, gate them, and return the result row."""
    market = market_of(synthetic_universe(SYMBOLS))
    strategy = MovingAverageCrossover(fast=FAST, slow=SLOW, cash=CASH)

    def backtest(policy: RiskPolicy | None) -> Callable[[], BacktestResult]:
        return lambda: run_backtest(strategy, market, path="compiled", cash=CASH,
                                    risk_policy=policy, guards=False)  # fmt: skip

    plain, plain_ms = best_cpu_ms(backtest(None))
    caps, caps_ms = best_cpu_ms(backtest(CAPS))
    default, default_ms = best_cpu_ms(backtest(default_policy()))
    empty = backtest(RiskPolicy())()
    correct = (
        np.array_equal(empty.output.fills, plain.output.fills)
        and np.array_equal(empty.output.equity, plain.output.equity)
        and bool((caps.interventions["action"] == "resized").any())
    )
    return {
        "benchmark": "RiskManaged overhead, standard case (compiled path, guards off)",
        "symbols": SYMBOLS,
        "bars": market.shape[0],
        "unmanaged_cpu_ms": round(plain_ms, 1),
        "caps_only_cpu_ms": round(caps_ms, 1),
        "caps_only_ratio": round(caps_ms / plain_ms, 2),
        "caps_only_interventions": len(caps.interventions),
        "default_policy_cpu_ms": round(default_ms, 1),
        "default_policy_ratio": round(default_ms / plain_ms, 2),
        "default_policy_interventions": len(default.interventions),
        "correct": bool(correct),
        "meets_target": bool(correct) and caps_ms / plain_ms <= TARGET,
    }


if __name__ == "__main__":
    print(json.dumps(run()))
