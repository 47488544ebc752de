"""Value at risk and expected shortfall by three methods, always labelled with the method.

Every estimate is a `RiskEstimate`: VaR and CVaR (expected shortfall) as *positive loss
fractions* of the book's value over `horizon` bars at `confidence`, with the method that
produced it. Methods:

- ``historical``: the empirical quantile of the returns; for a horizon above one bar, of the
  overlapping compounded `horizon`-bar returns. CVaR is the mean of the returns at or below
  that quantile.
- ``parametric_normal``: mean and standard deviation scaled by the horizon (iid), normal
  quantile; CVaR = -(μ - σ φ(z) / (1 - c)).
- ``cornish_fisher``: the normal quantile corrected for sample skewness and excess kurtosis
  (scaled to the horizon as S/√h and K/h); CVaR integrates the corrected quantile function
  over the tail numerically.
- ``monte_carlo``: the historical estimator applied to simulated returns (see
  `tetra.risk.scenarios`); the simulator supplies the paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist

import numpy as np

from tetra.core.errors import ValidationError

_NORMAL = NormalDist()
_TAIL_GRID = 2_000  # points of the Cornish-Fisher tail integral


class VarMethod(StrEnum):
    """How a VaR was estimated; every number shown carries one."""

    HISTORICAL = "historical"
    PARAMETRIC_NORMAL = "parametric_normal"
    CORNISH_FISHER = "cornish_fisher"
    MONTE_CARLO = "monte_carlo"

    @property
    def label(self) -> str:
        """Return the method as people write it, e.g. 'Cornish-Fisher'."""
        return _LABELS[self]


_LABELS = {
    VarMethod.HISTORICAL: "historical",
    VarMethod.PARAMETRIC_NORMAL: "parametric (normal)",
    VarMethod.CORNISH_FISHER: "Cornish-Fisher",
    VarMethod.MONTE_CARLO: "Monte Carlo",
}


@dataclass(frozen=True, slots=True)
class RiskEstimate:
    """VaR and CVaR as loss fractions (0.02 = 2 % of value) with what they assume."""

    method: VarMethod
    confidence: float
    horizon: int
    var: float
    cvar: float
    observations: int

    def describe(self) -> str:
        """Return e.g. '1-day 95% VaR 2.10%, CVaR 3.02% (historical, 2519 returns)'."""
        return (
            f"{self.horizon}-day {self.confidence:.0%} VaR {self.var:.2%}, CVaR {self.cvar:.2%} "
            f"({self.method.label}, {self.observations} returns)"
        )


def value_at_risk(
    returns: np.ndarray,
    *,
    confidence: float = 0.95,
    horizon: int = 1,
    method: VarMethod | str = VarMethod.HISTORICAL,
) -> RiskEstimate:
    """Estimate VaR and CVaR of a 1-D series of simple returns (NaNs are dropped)."""
    chosen = VarMethod(method)
    clean = _clean_returns(returns, confidence, horizon)
    if chosen in (VarMethod.HISTORICAL, VarMethod.MONTE_CARLO):
        var, cvar, count = _historical(clean, confidence, horizon)
    elif chosen is VarMethod.PARAMETRIC_NORMAL:
        var, cvar, count = (*_normal(clean, confidence, horizon), clean.size)
    else:
        var, cvar, count = (*_cornish_fisher(clean, confidence, horizon), clean.size)
    return RiskEstimate(chosen, confidence, horizon, var, cvar, count)


def all_methods(
    returns: np.ndarray, *, confidence: float = 0.95, horizon: int = 1
) -> tuple[RiskEstimate, ...]:
    """Return the historical, parametric-normal and Cornish-Fisher estimates side by side."""
    return tuple(
        value_at_risk(returns, confidence=confidence, horizon=horizon, method=method)
        for method in (VarMethod.HISTORICAL, VarMethod.PARAMETRIC_NORMAL, VarMethod.CORNISH_FISHER)
    )


def horizon_returns(returns: np.ndarray, horizon: int) -> np.ndarray:
    """Return the overlapping compounded `horizon`-bar returns of a clean 1-D series."""
    if horizon == 1:
        return returns
    growth = np.cumsum(np.log1p(returns))
    growth = np.concatenate([[0.0], growth])
    return np.asarray(np.expm1(growth[horizon:] - growth[:-horizon]), dtype=np.float64)


def moments(returns: np.ndarray) -> tuple[float, float, float, float]:
    """Return mean, sample standard deviation, skewness and excess kurtosis (biased moments)."""
    mean = float(returns.mean())
    std = float(returns.std(ddof=1))
    centred = returns - mean
    m2 = float(np.mean(centred**2))
    if m2 <= 0:
        return mean, std, 0.0, 0.0
    skew = float(np.mean(centred**3)) / m2**1.5
    kurt = float(np.mean(centred**4)) / m2**2 - 3.0
    return mean, std, skew, kurt


def cornish_fisher_z(z: np.ndarray | float, skew: float, kurt: float) -> np.ndarray:
    """Return the Cornish-Fisher adjusted standard quantile(s) for skewness and excess kurtosis."""
    z = np.asarray(z, dtype=np.float64)
    adjusted: np.ndarray = (
        z + (z**2 - 1) * skew / 6 + (z**3 - 3 * z) * kurt / 24 - (2 * z**3 - 5 * z) * skew**2 / 36
    )
    return adjusted


def _clean_returns(returns: np.ndarray, confidence: float, horizon: int) -> np.ndarray:
    if not 0.5 <= confidence < 1.0:
        raise ValidationError(f"confidence must be in [0.5, 1), got {confidence}")
    if horizon < 1:
        raise ValidationError(f"horizon must be at least one bar, got {horizon}")
    series = np.asarray(returns, dtype=np.float64)
    if series.ndim != 1:
        raise ValidationError(f"returns must be 1-D, got shape {series.shape}")
    clean = series[np.isfinite(series)]
    if clean.size < max(2, horizon + 1):
        raise ValidationError(f"need at least {max(2, horizon + 1)} returns, got {clean.size}")
    if np.any(clean <= -1.0):
        raise ValidationError("a return of -100 % or worse: the book was wiped out")
    return clean


def _historical(returns: np.ndarray, confidence: float, horizon: int) -> tuple[float, float, int]:
    pooled = horizon_returns(returns, horizon)
    cutoff = float(np.quantile(pooled, 1.0 - confidence))
    tail = pooled[pooled <= cutoff]
    return -cutoff, -float(tail.mean()), pooled.size


def _normal(returns: np.ndarray, confidence: float, horizon: int) -> tuple[float, float]:
    mean, std, _, _ = moments(returns)
    mu, sigma = mean * horizon, std * np.sqrt(horizon)
    z = _NORMAL.inv_cdf(1.0 - confidence)
    return -(mu + z * sigma), -(mu - sigma * _NORMAL.pdf(z) / (1.0 - confidence))


def _cornish_fisher(returns: np.ndarray, confidence: float, horizon: int) -> tuple[float, float]:
    mean, std, skew, kurt = moments(returns)
    mu, sigma = mean * horizon, std * np.sqrt(horizon)
    skew_h, kurt_h = skew / np.sqrt(horizon), kurt / horizon
    tail = 1.0 - confidence
    var_z = float(cornish_fisher_z(_NORMAL.inv_cdf(tail), skew_h, kurt_h))
    # midpoints of an even grid over (0, tail): the mean of the quantile function there
    grid = (np.arange(_TAIL_GRID) + 0.5) * (tail / _TAIL_GRID)
    z = np.array([_NORMAL.inv_cdf(p) for p in grid])
    cvar_z = float(np.mean(cornish_fisher_z(z, skew_h, kurt_h)))
    var = -(mu + var_z * sigma)
    # with extreme moments the expansion stops being monotone in the far tail; the shortfall
    # is by definition no smaller than the VaR, so it is floored there
    return var, max(var, -(mu + cvar_z * sigma))
