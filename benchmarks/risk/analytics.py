"""Historical VaR, correlation and risk contributions for 151 symbols x 10 years.

The sample universe's ten-year history (equities on exchange sessions, crypto every day,
so pairwise-complete statistics are needed) as returns; then, timed together: the
equal-weight book's return series and its historical VaR/CVaR, the full 151 x 151
correlation matrix, and the covariance with every holding's marginal and component risk.
Gate: the correlation equals pandas' pairwise `DataFrame.corr` and the covariance pandas'
`DataFrame.cov` (to 1e-9), the VaR equals numpy's quantile of the same series, and the
components sum to the book's volatility. Target (issue #11): < 100 ms.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from tetra.data.calendars import sessions
from tetra.data.universe import load_universe
from tetra.risk.contributions import risk_contributions
from tetra.risk.dependence import covariance_and_correlation, returns_from_closes
from tetra.risk.var import value_at_risk
from tetra.sample import SampleSpec, generate_sample_history

TARGET_MS = 100.0
REPEATS = 7


def history() -> np.ndarray:
    """Return the sample universe's closes (T x 151) on the union of its calendars."""
    spec = SampleSpec()
    first = spec.end.replace(year=spec.end.year - spec.years)
    bars = generate_sample_history(list(load_universe()), sessions(first, spec.end), spec).bars
    wide = bars.pivot_table(index="ts", columns="symbol", values="close", aggfunc="last")
    return np.ascontiguousarray(wide.sort_index().to_numpy(dtype=np.float64))


def analyse(returns: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, float, float]:
    """The timed work: book VaR, correlation, covariance and contributions."""
    weights = np.full(returns.shape[1], 1.0 / returns.shape[1])
    book = np.nan_to_num(returns) @ weights
    estimate = value_at_risk(book, confidence=0.99)
    covariance, correlation = covariance_and_correlation(returns)
    covariance = covariance * 252
    contributions = risk_contributions(weights, covariance)
    return (estimate.var, correlation, covariance, contributions.volatility,
            float(contributions.component.sum()))  # fmt: skip


def run() -> dict[str, object]:
    """Time `analyse` (best of several runs) and gate its numbers; return the result row."""
    returns = returns_from_closes(history())
    analyse(returns)  # warm up
    timings, cpu = [], []
    for _ in range(REPEATS):
        started, used = time.perf_counter(), time.process_time()
        var, correlation, covariance, volatility, components = analyse(returns)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    frame = pd.DataFrame(returns)
    book = np.nan_to_num(returns) @ np.full(returns.shape[1], 1.0 / returns.shape[1])
    correct = (
        np.allclose(correlation, frame.corr(min_periods=20), rtol=1e-9, atol=1e-12, equal_nan=True)
        and np.allclose(covariance, frame.cov() * 252, rtol=1e-9, atol=1e-15, equal_nan=True)
        and abs(var + np.quantile(book, 0.01)) < 1e-12
        and abs(components - volatility) < 1e-12
    )
    best = min(cpu) * 1000  # CPU time of the one thread: the machine is shared
    return {
        "benchmark": "historical VaR + correlation + risk contributions",
        "symbols": returns.shape[1],
        "rows": returns.shape[0],
        "best_cpu_ms": round(best, 1),
        "median_cpu_ms": round(float(np.median(cpu)) * 1000, 1),
        "best_wall_ms": round(min(timings) * 1000, 1),
        "median_wall_ms": round(float(np.median(timings)) * 1000, 1),
        "correct": bool(correct),
        "meets_target": bool(correct) and best < TARGET_MS,
    }
