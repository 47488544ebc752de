"""Bias guards: look-ahead and non-determinism are caught, not hoped away.

`look_ahead_problems` reruns a strategy on data truncated at random points: a strategy that
decides only from data up to each bar places, up to and including each cut, exactly the
orders it placed in the full run. Orders are compared, not fills: a one-bar peek changes
only the decision at the cut, whose fill would fall after it. `rerun_problems` runs it
twice: results must be bit-identical.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tetra.backtest.compiled import DECISION_COLUMNS
from tetra.backtest.result import BacktestResult
from tetra.market import MarketData

Runner = Callable[[MarketData], BacktestResult]
Decide = Callable[[MarketData], np.ndarray]  # market -> decision rows (t, n, size, ...)


def look_ahead_problems(
    decide: Decide, market: MarketData, full: BacktestResult, *, points: int = 3, seed: int = 0
) -> list[str]:
    """Return a message per truncation point where decisions differ from the full run."""
    t_count = market.shape[0]
    if t_count < 10:
        return []
    rng = np.random.default_rng(seed)
    cuts = sorted(
        rng.choice(
            np.arange(t_count // 4, t_count - 1), size=min(points, t_count // 2), replace=False
        )
    )
    problems = []
    for cut in cuts:
        truncated = decide(market.window(0, int(cut) + 1))
        if not np.array_equal(
            _until(full.decisions, int(cut)), _until(truncated, int(cut)), equal_nan=True
        ):
            day = market.dates[int(cut)]
            problems.append(f"look-ahead: decisions up to {day} change when later data is removed")
    return problems


def rerun_problems(run: Runner, market: MarketData, full: BacktestResult) -> list[str]:
    """Return a message if a second run differs in any way from the first."""
    again = run(market)
    same = np.array_equal(again.output.equity, full.output.equity) and np.array_equal(
        again.output.fills, full.output.fills
    )
    return [] if same else ["non-deterministic: a rerun gave different results"]


def _until(decisions: np.ndarray | None, cut: int) -> np.ndarray:
    """Orders decided at rows up to and including `cut`, in decision order."""
    rows = decisions if decisions is not None else np.zeros((0, DECISION_COLUMNS))
    return rows[rows[:, 0] <= cut]
