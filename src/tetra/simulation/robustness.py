"""Cheap robustness checks of a finished backtest and of a sweep's best result.

- `bootstrap_returns`: stationary block bootstrap (`arch`) of the run's daily returns,
  block length by Politis-White unless given: the distribution of what the same returns
  in another order of blocks would have made;
- `reshuffle_trades`: the closed trades' P&L in random orders. The final equity is the
  same in every order; only the path, hence drawdown and time under water, changes: this
  tests path risk, not the edge (a good result here is no evidence of skill);
- `deflated_sharpe_ratio`: Bailey and Lopez de Prado's probability that the best Sharpe
  ratio of `trials` is above zero once selection among them, the sample length, skewness
  and kurtosis are accounted for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from arch.bootstrap import StationaryBootstrap
from scipy import stats

from tetra.core.errors import ValidationError
from tetra.simulation.models.bootstrap import chosen_block_length
from tetra.simulation.outcomes import METRICS, path_metrics, summary_frame
from tetra.simulation.paths import path_rng

EULER_MASCHERONI = 0.5772156649015329


def bootstrap_returns(
    returns: np.ndarray,
    paths: int,
    seed: int = 0,
    *,
    block_length: float | None = None,
    periods_per_year: int = 252,
) -> pd.DataFrame:
    """Return per-path metrics of `paths` stationary-bootstrap resamples of `returns`."""
    clean = _returns(returns)
    block = block_length or chosen_block_length(clean[:, np.newaxis])
    curves = np.empty((paths, len(clean) + 1))
    for path in range(paths):
        sampler = StationaryBootstrap(block, clean, seed=path_rng(seed, path))  # type: ignore[arg-type]
        curves[path] = np.concatenate([[1.0], np.cumprod(1.0 + clean[sampler.update_indices()])])
    return _frame(path_metrics(curves, periods_per_year), block)


def reshuffle_trades(
    pnl: np.ndarray, initial: float, paths: int, seed: int = 0, periods_per_year: int = 252
) -> pd.DataFrame:
    """Return per-path metrics of equity built from the trades' P&L in `paths` random orders."""
    trades = np.asarray(pnl, dtype=np.float64)
    if len(trades) < 2:
        raise ValidationError(f"reshuffling needs at least 2 closed trades, not {len(trades)}")
    if paths < 1:
        raise ValidationError(f"the number of reshuffles must be at least 1, not {paths}")
    curves = np.empty((paths, len(trades) + 1))
    for path in range(paths):
        order = path_rng(seed, path).permutation(len(trades))
        curves[path] = (initial + np.concatenate([[0.0], np.cumsum(trades[order])])) / initial
    return _frame(path_metrics(curves, periods_per_year), None)


def _frame(metrics: dict[str, np.ndarray], block: float | None) -> pd.DataFrame:
    frame = pd.DataFrame({name: metrics[name] for name in METRICS})
    frame.index.name = "path"
    frame.attrs["block_length"] = block
    frame.attrs["summary"] = summary_frame(frame)
    return frame


def _returns(returns: np.ndarray) -> np.ndarray:
    clean = np.asarray(returns, dtype=np.float64)
    clean = clean[np.isfinite(clean)]
    if len(clean) < 10:
        raise ValidationError(f"bootstrapping needs at least 10 daily returns, not {len(clean)}")
    return clean


@dataclass(frozen=True, slots=True)
class DeflatedSharpe:
    """The deflated Sharpe ratio and what went into it (Sharpe ratios per period)."""

    probability: float
    sharpe: float
    benchmark: float
    trials: int
    observations: int
    skewness: float
    kurtosis: float


def deflated_sharpe_ratio(
    best_returns: np.ndarray, trial_sharpes: np.ndarray, periods_per_year: int = 252
) -> DeflatedSharpe:
    """Return the DSR of the best trial, given its per-period returns and every trial's
    annualised Sharpe ratio (the sweep's column); see the module docstring."""
    returns = _returns(best_returns)
    trials = np.asarray(trial_sharpes, dtype=np.float64)
    trials = trials[np.isfinite(trials)] / math.sqrt(periods_per_year)
    if len(trials) < 1:
        raise ValidationError("the deflated Sharpe ratio needs at least one trial's Sharpe ratio")
    variance = float(trials.var(ddof=1)) if len(trials) > 1 else 0.0
    return deflated_sharpe_from_moments(
        sharpe=float(returns.mean() / returns.std(ddof=1)),
        observations=len(returns),
        skewness=float(stats.skew(returns)),
        kurtosis=float(stats.kurtosis(returns, fisher=False)),
        trial_variance=variance,
        trials=len(trials),
    )


def deflated_sharpe_from_moments(
    *,
    sharpe: float,
    observations: int,
    skewness: float,
    kurtosis: float,
    trial_variance: float,
    trials: int,
) -> DeflatedSharpe:
    """Return the DSR from per-period moments (`kurtosis` is not excess kurtosis)."""
    benchmark = expected_maximum_sharpe(trial_variance, trials)
    spread = 1.0 - skewness * sharpe + (kurtosis - 1.0) / 4.0 * sharpe**2
    z = (sharpe - benchmark) * math.sqrt(observations - 1) / math.sqrt(max(spread, 1e-12))
    return DeflatedSharpe(
        float(stats.norm.cdf(z)), sharpe, benchmark, trials, observations, skewness, kurtosis
    )


def expected_maximum_sharpe(variance: float, trials: int) -> float:
    """Return the expected best Sharpe ratio of `trials` skill-less trials (the DSR's bar)."""
    if trials < 2 or variance <= 0:
        return 0.0
    first = stats.norm.ppf(1.0 - 1.0 / trials)
    second = stats.norm.ppf(1.0 - 1.0 / (trials * math.e))
    return float(math.sqrt(variance) * ((1 - EULER_MASCHERONI) * first + EULER_MASCHERONI * second))
