"""The gate's rolling correlation measure equals `correlated_weight_nb` bar by bar."""

from __future__ import annotations

import numpy as np
import pytest

from tetra.risk.measures import TOLERANCE, correlated_weight_nb, returns_window_nb, usage_of
from tetra.simulation import rolling_correlation as rc


def correlated_closes(seed: int, bars: int, symbols: int, missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    common = rng.normal(0, 0.01, (bars, 1))
    loading = rng.uniform(-1, 1.5, symbols)
    returns = common * loading + rng.normal(0, 0.006, (bars, symbols))
    close = 100 * np.exp(np.cumsum(returns, axis=0))
    close[rng.random(close.shape) < missing] = np.nan
    return close


@pytest.mark.parametrize(("seed", "missing"), [(1, 0.0), (2, 0.0), (3, 0.03), (4, 0.1)])
def test_rolling_measure_matches_the_exact_one_at_every_bar(seed: int, missing: float) -> None:
    close = correlated_closes(seed, bars=200, symbols=12, missing=missing)
    window, threshold = 20, 0.6
    sums, xy = np.zeros((3, 12)), np.zeros((12, 12))
    rng = np.random.default_rng(seed + 100)

    for t in range(close.shape[0]):
        rc.advance(close, t, window, sums, xy)
        weights = np.where(rng.random(12) < 0.6, rng.uniform(-0.2, 0.2, 12), 0.0)
        fast = rc.correlated_weight(weights, close, t, window, threshold, sums, xy)
        exact = correlated_weight_nb(weights, returns_window_nb(close, t, window), threshold)

        assert fast[1] == exact[1], t
        assert fast[0] == pytest.approx(exact[0], rel=1e-12), t


def test_full_window_correlation_equals_numpy() -> None:
    close = correlated_closes(5, bars=80, symbols=4, missing=0.0)
    sums, xy = np.zeros((3, 4)), np.zeros((4, 4))
    for t in range(80):
        rc.advance(close, t, 30, sums, xy)

    returns = close[1:] / close[:-1] - 1.0
    expected = np.corrcoef(returns[-30:].T)
    got = [[rc.correlation(i, j, 30, sums, xy) for j in range(4) if j != i] for i in range(4)]
    want = [[expected[i, j] for j in range(4) if j != i] for i in range(4)]
    np.testing.assert_allclose(got, want, rtol=1e-9)


@pytest.mark.parametrize(("seed", "missing"), [(6, 0.0), (7, 0.05)])
def test_a_settled_breach_is_the_full_measures_breach(seed: int, missing: float) -> None:
    close = correlated_closes(seed, bars=150, symbols=10, missing=missing)
    window, threshold = 20, 0.5
    sums, xy = np.zeros((3, 10)), np.zeros((10, 10))
    rng = np.random.default_rng(seed + 200)
    checks, settled = 0, 0

    for t in range(close.shape[0]):
        rc.advance(close, t, window, sums, xy)
        weights = np.where(rng.random(10) < 0.7, rng.uniform(-0.2, 0.2, 10), 0.0)
        value, _ = rc.correlated_weight(weights, close, t, window, threshold, sums, xy)
        gross = np.abs(weights).sum()
        near = value * np.array([1 - 1e-6, 1 - 1e-12, 1, 1 + 1e-9, 1 + 1e-6, 0.5, 1.5])
        for cap in [*near, *rng.uniform(0, gross + 0.01, 5), np.inf]:
            verdict = rc.settled_breach(weights, close, t, window, threshold, cap, sums, xy)
            checks += 1
            if verdict >= 0:
                settled += 1
                assert verdict == int(usage_of(value, cap) > 1 + TOLERANCE), (t, cap)

    assert settled > checks / 2  # the cheap verdict decides most checks
