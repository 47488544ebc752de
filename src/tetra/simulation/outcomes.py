"""What a path's equity curve says: its metrics, vectorised over many paths at once.

Curves are (paths, points) arrays of equity normalised to 1 at the start (the first point
is the account before the first bar). Metrics follow the definitions of
`tetra.reports.metrics` (a test checks they agree): total return, CAGR on
`periods_per_year`, Sharpe of the per-bar simple returns (risk-free 0, sample standard
deviation), maximum drawdown (negative), and time under water, the share of bars spent
below an earlier peak. `distribution` summarises a metric over paths; `fan` gives the
percentile bands of the curves at each point.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

METRICS = ("total_return", "cagr", "sharpe_ratio", "max_drawdown", "time_under_water")
PERCENTILES = (5, 25, 50, 75, 95)


def path_metrics(curves: np.ndarray, periods_per_year: int) -> dict[str, np.ndarray]:
    """Return each metric per path of the normalised equity `curves` (paths, points)."""
    bars = curves.shape[1] - 1
    final = curves[:, -1]
    with np.errstate(invalid="ignore", divide="ignore"):
        returns = curves[:, 1:] / curves[:, :-1] - 1.0
        growth = np.where(final > 0, final, np.nan) ** (periods_per_year / max(bars, 1))
        deviation = returns.std(axis=1, ddof=1) if bars > 1 else np.full(len(curves), np.nan)
        sharpe = returns.mean(axis=1) / deviation * np.sqrt(periods_per_year)
    peaks = np.maximum.accumulate(curves, axis=1)
    underwater = curves < peaks
    return {
        "total_return": final - 1.0,
        "cagr": np.where(final > 0, growth - 1.0, -1.0),
        "sharpe_ratio": np.where(deviation > 0, sharpe, np.nan),
        "max_drawdown": (curves / peaks - 1.0).min(axis=1),
        "time_under_water": underwater[:, 1:].mean(axis=1) if bars else np.zeros(len(curves)),
    }


def sample_points(bars: int, points: int) -> np.ndarray:
    """Return at most `points` curve positions spread evenly over 0..bars, ends included."""
    return np.unique(np.linspace(0, bars, min(points, bars + 1)).round().astype(np.int64))


def distribution(values: np.ndarray) -> dict[str, float]:
    """Return mean, standard deviation and the `PERCENTILES` of the finite values."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"mean": np.nan, "std": np.nan, **{f"p{p}": np.nan for p in PERCENTILES}}
    quantiles = np.percentile(finite, PERCENTILES)
    summary = {
        "mean": float(finite.mean()),
        "std": float(finite.std(ddof=1) if finite.size > 1 else 0.0),
    }
    summary.update({f"p{p}": float(q) for p, q in zip(PERCENTILES, quantiles, strict=True)})
    return summary


def fan(curves: np.ndarray) -> np.ndarray:
    """Return the `PERCENTILES` of `curves` at each point: (len(PERCENTILES), points)."""
    bands: np.ndarray = np.percentile(curves, PERCENTILES, axis=0)
    return bands


def summary_frame(metrics: pd.DataFrame) -> pd.DataFrame:
    """Return one row per metric with its distribution over the paths."""
    rows = [{"metric": name, **distribution(metrics[name].to_numpy())} for name in METRICS]
    return pd.DataFrame(rows).set_index("metric")
