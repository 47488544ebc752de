"""Who carries the book's risk: marginal and component contributions, realised vs target vol.

With weights w and covariance Σ, the book's volatility is σ = √(wᵀΣw); the marginal
contribution of holding i is ∂σ/∂wᵢ = (Σw)ᵢ / σ and its component contribution wᵢ(Σw)ᵢ / σ.
Components sum to σ exactly (Euler), which the tests check; `share` is component / σ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tetra.core.errors import ValidationError


@dataclass(frozen=True, slots=True)
class RiskContributions:
    """Per-holding risk contributions to an (annualised, if Σ is) book volatility."""

    volatility: float
    marginal: np.ndarray
    component: np.ndarray

    @property
    def share(self) -> np.ndarray:
        """Return each component's share of the book's volatility (sums to 1)."""
        if self.volatility <= 0:
            return np.zeros_like(self.component)
        return self.component / self.volatility


def risk_contributions(weights: np.ndarray, covariance: np.ndarray) -> RiskContributions:
    """Return the book's volatility and each holding's marginal and component contribution.

    Unknown covariances (NaN) count as zero, so a holding without history adds no risk;
    check `covariance` first if that matters.
    """
    w = np.nan_to_num(np.asarray(weights, dtype=np.float64))
    cov = np.nan_to_num(np.asarray(covariance, dtype=np.float64))
    if cov.shape != (w.shape[0], w.shape[0]):
        raise ValidationError(f"covariance has shape {cov.shape}, not ({w.shape[0]},) squared")
    exposure = cov @ w
    variance = float(w @ exposure)
    if variance <= 0:
        zeros = np.zeros_like(w)
        return RiskContributions(0.0, zeros, zeros.copy())
    volatility = float(np.sqrt(variance))
    marginal = exposure / volatility
    return RiskContributions(volatility, marginal, w * marginal)


@dataclass(frozen=True, slots=True)
class VolatilityCheck:
    """A book's realised volatility over a window against the target it was sized for."""

    realised: float
    target: float
    window: int

    @property
    def ratio(self) -> float:
        """Return realised / target (1.0 = on target)."""
        return self.realised / self.target


def realised_vs_target(
    book_returns: np.ndarray, target: float, *, window: int = 63, periods_per_year: int = 252
) -> VolatilityCheck:
    """Compare the annualised volatility of the last `window` returns with `target`."""
    if target <= 0:
        raise ValidationError(f"target volatility must be positive, got {target}")
    series = np.asarray(book_returns, dtype=np.float64)
    recent = series[np.isfinite(series)][-window:]
    if recent.size < 2:
        raise ValidationError(f"need at least 2 returns in the window, got {recent.size}")
    realised = float(np.std(recent, ddof=1) * np.sqrt(periods_per_year))
    return VolatilityCheck(realised, target, int(recent.size))


def rolling_volatility(
    book_returns: np.ndarray, *, window: int = 63, periods_per_year: int = 252
) -> np.ndarray:
    """Return the annualised rolling volatility per row (NaN until `window` returns)."""
    series = np.asarray(book_returns, dtype=np.float64)
    out = np.full(series.shape[0], np.nan)
    if series.shape[0] < window:
        return out
    frames = np.lib.stride_tricks.sliding_window_view(series, window)
    out[window - 1 :] = np.nanstd(frames, axis=1, ddof=1) * np.sqrt(periods_per_year)
    return out
