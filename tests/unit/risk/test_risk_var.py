"""VaR and CVaR by three methods, each checked against an independent scipy/pandas computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from tetra.core.errors import ValidationError
from tetra.risk.var import VarMethod, all_methods, value_at_risk


@pytest.fixture(scope="module")
def returns() -> np.ndarray:
    rng = np.random.default_rng(11)
    skewed = stats.skewnorm.rvs(-4, loc=0.004, scale=0.015, size=2500, random_state=rng)
    skewed[rng.random(2500) < 0.01] = np.nan  # missing days are dropped, not zero
    return skewed


@pytest.mark.parametrize("confidence", [0.95, 0.99])
def test_historical_matches_the_empirical_quantile(returns: np.ndarray, confidence: float) -> None:
    clean = returns[np.isfinite(returns)]
    quantile = stats.mstats.mquantiles(clean, [1 - confidence], alphap=1, betap=1)[0]

    estimate = value_at_risk(returns, confidence=confidence)

    assert estimate.method is VarMethod.HISTORICAL
    assert estimate.var == pytest.approx(-quantile, rel=1e-12)
    assert estimate.cvar == pytest.approx(-clean[clean <= quantile].mean(), rel=1e-12)
    assert estimate.observations == clean.size


def test_historical_horizon_uses_overlapping_compounded_returns(returns: np.ndarray) -> None:
    clean = pd.Series(returns[np.isfinite(returns)])
    ten_day = ((1 + clean).rolling(10).apply(np.prod, raw=True) - 1).dropna()

    estimate = value_at_risk(returns, confidence=0.99, horizon=10)

    assert estimate.var == pytest.approx(-ten_day.quantile(0.01), rel=1e-9)
    assert estimate.observations == ten_day.size


@pytest.mark.parametrize(("confidence", "horizon"), [(0.95, 1), (0.99, 5)])
def test_parametric_normal_matches_scipy(
    returns: np.ndarray, confidence: float, horizon: int
) -> None:
    clean = returns[np.isfinite(returns)]
    mu, sigma = clean.mean() * horizon, clean.std(ddof=1) * np.sqrt(horizon)
    quantile = stats.norm.ppf(1 - confidence, mu, sigma)
    tail_mean = stats.norm.expect(lambda x: x, loc=mu, scale=sigma, ub=quantile, conditional=True)

    estimate = value_at_risk(
        returns, confidence=confidence, horizon=horizon, method="parametric_normal"
    )

    assert estimate.var == pytest.approx(-quantile, rel=1e-9)
    assert estimate.cvar == pytest.approx(-tail_mean, rel=1e-6)


def test_cornish_fisher_matches_scipy_moments_and_quadrature(returns: np.ndarray) -> None:
    clean = returns[np.isfinite(returns)]
    s, k = stats.skew(clean), stats.kurtosis(clean)
    mu, sigma = clean.mean(), clean.std(ddof=1)

    def quantile(p: float) -> float:
        z = stats.norm.ppf(p)
        cf = z + (z**2 - 1) * s / 6 + (z**3 - 3 * z) * k / 24 - (2 * z**3 - 5 * z) * s**2 / 36
        return mu + cf * sigma

    tail_mean = integrate.quad(quantile, 0, 0.01, limit=200)[0] / 0.01

    estimate = value_at_risk(returns, confidence=0.99, method=VarMethod.CORNISH_FISHER)

    assert estimate.var == pytest.approx(-quantile(0.01), rel=1e-9)
    assert estimate.cvar == pytest.approx(-tail_mean, rel=1e-3)


def test_negative_skew_makes_cornish_fisher_worse_than_normal(returns: np.ndarray) -> None:
    historical, normal, cornish = all_methods(returns, confidence=0.99)

    assert [e.method for e in (historical, normal, cornish)] == list(VarMethod)[:3]
    assert cornish.var > normal.var
    assert all(e.cvar >= e.var for e in (historical, normal, cornish))


def test_estimates_say_their_method() -> None:
    estimate = value_at_risk(np.linspace(-0.05, 0.05, 101), method="cornish_fisher")

    assert "Cornish-Fisher" in estimate.describe()
    assert "1-day 95% VaR" in estimate.describe()


@pytest.mark.parametrize(
    ("series", "kwargs", "words"),
    [
        (np.array([0.01]), {}, "at least 2"),
        (np.array([np.nan] * 10), {}, "at least 2"),
        (np.zeros(10), {"confidence": 1.0}, "confidence"),
        (np.zeros(10), {"horizon": 0}, "horizon"),
        (np.zeros((5, 2)), {}, "1-D"),
        (np.array([0.01, -1.2, 0.0]), {}, "wiped out"),
        (np.zeros(10), {"method": "garch"}, "garch"),
    ],
)
def test_bad_input_is_refused(series: np.ndarray, kwargs: dict[str, object], words: str) -> None:
    with pytest.raises((ValidationError, ValueError), match=words):
        value_at_risk(series, **kwargs)  # type: ignore[arg-type]
