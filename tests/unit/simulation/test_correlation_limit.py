"""The gate's correlation measure equals `correlated_weight_nb` bar by bar, reads no close
after its bar, and does not depend on which bars were measured before."""

from __future__ import annotations

import numpy as np
import pytest

from tetra.risk.measures import TOLERANCE, correlated_weight_nb, returns_window_nb, usage_of
from tetra.simulation import correlation_limit as cl


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
    arrays = cl.correlation_arrays(12, window)
    rng = np.random.default_rng(seed + 100)

    for t in range(close.shape[0]):
        weights = np.where(rng.random(12) < 0.6, rng.uniform(-0.2, 0.2, 12), 0.0)
        fast = cl.correlated_weight(weights, close, t, window, threshold, arrays)
        exact = correlated_weight_nb(weights, returns_window_nb(close, t, window), threshold)

        assert fast[1] == exact[1], t
        assert fast[0] == pytest.approx(exact[0], rel=1e-12), t


@pytest.mark.parametrize("threshold", [-0.2, 0.0, 0.3, 0.6])
def test_pair_verdicts_are_numpys_correlation_against_the_threshold(threshold: float) -> None:
    close = correlated_closes(5, bars=80, symbols=9, missing=0.0)
    arrays = cl.correlation_arrays(9, 30)
    weights = np.linspace(0.01, 0.09, 9)

    cl.correlated_weight(weights, close, 79, 30, threshold, arrays)

    returns = close[1:] / close[:-1] - 1.0
    expected = np.corrcoef(returns[-30:].T) >= threshold
    np.fill_diagonal(expected, False)
    np.testing.assert_array_equal(arrays.together[:9, :9].astype(bool), expected)


def test_a_measure_reads_no_close_after_its_bar_and_no_other_check() -> None:
    close = correlated_closes(8, bars=120, symbols=10, missing=0.05)
    independent = np.random.default_rng(9).normal(0, 0.01, (29, 10))  # after bar 90
    close[91:] = close[90] * np.exp(np.cumsum(independent, axis=0))
    weights = np.where(np.arange(10) % 3 == 0, 0.0, np.linspace(0.01, 0.1, 10))
    held = np.flatnonzero(weights)
    checked = cl.correlation_arrays(10, 25)
    for t in [*range(0, 90, 7), 115]:  # earlier checks on other bars, one of them later
        cl.correlated_weight(weights, close, t, 25, 0.4, checked)
    after_others = cl.correlated_weight(weights, close, 90, 25, 0.4, checked)
    verdicts = checked.together[: len(held), : len(held)].copy()

    later_unknown = close.copy()
    later_unknown[91:] = np.nan
    fresh = cl.correlation_arrays(10, 25)
    alone = cl.correlated_weight(weights, later_unknown, 90, 25, 0.4, fresh)

    assert alone == after_others
    np.testing.assert_array_equal(verdicts, fresh.together[: len(held), : len(held)])
    assert 0 < verdicts.sum() < verdicts.size - len(held)  # some pairs together, some apart
    expected = correlated_weight_nb(weights, returns_window_nb(close, 90, 25), 0.4)
    assert after_others == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("seed", "missing"), [(6, 0.0), (7, 0.05)])
def test_a_settled_breach_is_the_full_measures_breach(seed: int, missing: float) -> None:
    close = correlated_closes(seed, bars=150, symbols=10, missing=missing)
    window, threshold = 20, 0.5
    arrays = cl.correlation_arrays(10, window)
    rng = np.random.default_rng(seed + 200)
    checks, settled = 0, 0

    for t in range(close.shape[0]):
        weights = np.where(rng.random(10) < 0.7, rng.uniform(-0.2, 0.2, 10), 0.0)
        value, _ = cl.correlated_weight(weights, close, t, window, threshold, arrays)
        gross = np.abs(weights).sum()
        near = value * np.array([1 - 1e-6, 1 - 1e-12, 1, 1 + 1e-9, 1 + 1e-6, 0.5, 1.5])
        for cap in [*near, *rng.uniform(0, gross + 0.01, 5), np.inf]:
            verdict = cl.settled_breach(weights, close, t, window, threshold, cap, arrays)
            checks += 1
            if verdict >= 0:
                settled += 1
                assert verdict == int(usage_of(value, cap) > 1 + TOLERANCE), (t, cap)

    assert settled > checks / 2  # the cheap verdict decides most checks
