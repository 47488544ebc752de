"""Labels: what a model learns to predict, on the decision panel, with each label's end.

A decision at day t's close trades at day t+1's open (the engines' rule), so forward returns
run from the open of t+1 to the open of t+1+h on the forward-adjusted panel. Each label knows
its last day, ``t + 1 + h``: validation purges training rows whose labels run into a test
block (`tetra.ml.validation.splits`).

- ``forward_return``: that return;
- ``excess_return``: minus the benchmark's return over the same days;
- ``forward_rank``: the forward return's percentile rank among the day's symbols;
- ``triple_barrier``: +1 if the high reaches the profit target first, -1 if the low reaches
  the stop first (or both on one day: the stop, conservatively), 0 at the time limit; the
  barriers sit `width` daily volatilities x sqrt(h) from the entry.
"""

from __future__ import annotations

from enum import StrEnum

import numba
import numpy as np
import pandas as pd

from tetra.core.errors import ValidationError
from tetra.ml.panel import Panel

VOLATILITY_WINDOW = 21


class LabelKind(StrEnum):
    FORWARD_RETURN = "forward_return"
    EXCESS_RETURN = "excess_return"
    FORWARD_RANK = "forward_rank"
    TRIPLE_BARRIER = "triple_barrier"

    @property
    def classes(self) -> bool:
        return self is LabelKind.TRIPLE_BARRIER


def label_span(horizon: int) -> int:
    """Days from a decision to the end of its label: entry next day, then `horizon` days."""
    return horizon + 1


def forward_returns(panel: Panel, horizon: int) -> np.ndarray:
    """Return from the open after t to the open `horizon` days later (NaN where unknown)."""
    check_horizon(panel, horizon)
    entry = _shifted(panel.open, 1)
    exit_ = _shifted(panel.open, 1 + horizon)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(exit_ / entry - 1.0, dtype=np.float64)


def make_labels(
    panel: Panel,
    kind: LabelKind,
    horizon: int,
    *,
    benchmark: str | None = None,
    width: float = 1.0,
) -> np.ndarray:
    """Return the labels of `kind` as a (days, symbols) array, NaN where undefined."""
    returns = forward_returns(panel, horizon)
    if kind is LabelKind.FORWARD_RETURN:
        return returns
    if kind is LabelKind.EXCESS_RETURN:
        return np.asarray(returns - _benchmark_returns(panel, returns, benchmark)[:, None])
    if kind is LabelKind.FORWARD_RANK:
        return pd.DataFrame(returns).rank(axis=1, pct=True).to_numpy(dtype=np.float64)
    return triple_barrier(panel, horizon, width)


def triple_barrier(panel: Panel, horizon: int, width: float = 1.0) -> np.ndarray:
    """Return +1 / -1 / 0 per the module map (NaN where the window is not complete)."""
    check_horizon(panel, horizon)
    if width <= 0:
        raise ValidationError(f"barrier width must be positive, not {width}")
    logs = np.log1p(panel.returns())
    sigma = pd.DataFrame(logs).rolling(VOLATILITY_WINDOW).std().to_numpy()
    return _barrier_kernel(panel.open, panel.high, panel.low, sigma, horizon, width)


@numba.njit(cache=True)
def _barrier_kernel(
    open_: np.ndarray,
    high: np.ndarray,
    low: np.ndarray,
    sigma: np.ndarray,
    horizon: int,
    width: float,
) -> np.ndarray:
    days, symbols = open_.shape
    out = np.full((days, symbols), np.nan)
    for t in range(days - horizon - 1):
        for n in range(symbols):
            entry = open_[t + 1, n]
            band = width * sigma[t, n] * np.sqrt(horizon)
            if not (np.isfinite(entry) and np.isfinite(band)):
                continue
            out[t, n] = 0.0
            for s in range(t + 1, t + 1 + horizon):
                if low[s, n] <= entry * (1.0 - band):
                    out[t, n] = -1.0
                    break
                if high[s, n] >= entry * (1.0 + band):
                    out[t, n] = 1.0
                    break
    return out


def check_horizon(panel: Panel, horizon: int) -> None:
    """Raise a clear error when the horizon is not positive or the history too short for it."""
    if horizon < 1:
        raise ValidationError(f"the label horizon must be at least 1 day, not {horizon}")
    needed = label_span(horizon) + 1
    if panel.shape[0] < needed:
        raise ValidationError(
            f"too little history for a {horizon}-day horizon: {panel.shape[0]} decision days, "
            f"need at least {needed} (and many more to train on)"
        )


def _shifted(values: np.ndarray, rows: int) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    out[:-rows] = values[rows:]
    return out


def _benchmark_returns(panel: Panel, returns: np.ndarray, benchmark: str | None) -> np.ndarray:
    if benchmark is None:
        raise ValidationError("excess returns need a benchmark symbol")
    if benchmark not in panel.symbols:
        raise ValidationError(
            f"benchmark {benchmark!r} is not among the symbols; add it to the universe"
        )
    return returns[:, panel.symbols.index(benchmark)]
