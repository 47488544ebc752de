"""Covariance, correlation, clusters and beta against pandas and scipy on gappy calendars."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tetra.risk.contributions import realised_vs_target, risk_contributions, rolling_volatility
from tetra.risk.dependence import (
    beta,
    cluster_holdings,
    correlation_matrix,
    pairwise_covariance,
    returns_from_closes,
    rolling_correlation,
)


@pytest.fixture(scope="module")
def gappy_returns() -> np.ndarray:
    rng = np.random.default_rng(5)
    factor = rng.normal(0, 0.01, (400, 1))
    returns = factor * np.array([1.0, 1.2, -0.5, 0.0, 0.8]) + rng.normal(0, 0.006, (400, 5))
    returns[rng.random((400, 5)) < 0.15] = np.nan  # weekends, late listings
    returns[:150, 4] = np.nan
    return returns


def test_pairwise_covariance_and_correlation_match_pandas(gappy_returns: np.ndarray) -> None:
    frame = pd.DataFrame(gappy_returns)

    np.testing.assert_allclose(pairwise_covariance(gappy_returns), frame.cov(), rtol=1e-10)
    np.testing.assert_allclose(
        correlation_matrix(gappy_returns, 20), frame.corr(min_periods=20), rtol=1e-10
    )


def test_too_few_common_rows_give_nan() -> None:
    returns = np.array([[0.01, np.nan], [0.02, np.nan], [0.0, 0.01], [-0.01, 0.03]])

    corr = correlation_matrix(returns, min_periods=3)

    assert np.isnan(corr[0, 1])
    assert corr[0, 0] == pytest.approx(1.0)


def test_returns_from_closes_measure_from_each_symbols_previous_close() -> None:
    close = np.array([[100.0, 10.0], [np.nan, 11.0], [110.0, np.nan], [121.0, 11.0]])

    returns = returns_from_closes(close)

    expected = [[np.nan, np.nan], [np.nan, 0.1], [0.1, np.nan], [0.1, 0.0]]
    np.testing.assert_allclose(returns, expected)


def test_rolling_correlation_ends_at_the_last_row(gappy_returns: np.ndarray) -> None:
    rows, matrices = rolling_correlation(gappy_returns, 100, every=50)

    assert rows[-1] == 399
    assert np.all(np.diff(rows) == 50)
    np.testing.assert_allclose(
        matrices[-1], pd.DataFrame(gappy_returns[300:]).corr(min_periods=50), rtol=1e-10
    )


def test_clusters_put_the_correlated_block_together() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(2, 500))
    noise = rng.normal(0, 0.2, (500, 6))
    returns = np.column_stack([a, a, a, b, b, -a]) + noise

    clusters = cluster_holdings(
        correlation_matrix(returns), ["A1", "A2", "A3", "B1", "B2", "SHORT_A"]
    )

    assert sorted(map(sorted, clusters.groups())) == [["A1", "A2", "A3"], ["B1", "B2"], ["SHORT_A"]]
    assert sorted(clusters.order.tolist()) == list(range(6))


def test_beta_matches_the_regression_slope(gappy_returns: np.ndarray) -> None:
    x, y = gappy_returns[:, 0], gappy_returns[:, 1]
    both = np.isfinite(x) & np.isfinite(y)

    assert beta(y, x) == pytest.approx(stats.linregress(x[both], y[both]).slope, rel=1e-10)


def test_component_contributions_sum_to_book_volatility(gappy_returns: np.ndarray) -> None:
    cov = pairwise_covariance(gappy_returns) * 252
    weights = np.array([0.3, 0.25, -0.1, 0.2, 0.15])

    result = risk_contributions(weights, cov)

    assert result.volatility == pytest.approx(np.sqrt(weights @ cov @ weights), rel=1e-12)
    assert result.component.sum() == pytest.approx(result.volatility, rel=1e-12)
    assert result.share.sum() == pytest.approx(1.0)
    bumped = weights.copy()
    bumped[0] += 1e-7
    slope = (np.sqrt(bumped @ cov @ bumped) - result.volatility) / 1e-7
    assert result.marginal[0] == pytest.approx(slope, rel=1e-5)


def test_realised_volatility_against_target() -> None:
    rng = np.random.default_rng(9)
    daily = rng.normal(0, 0.01, 300)

    check = realised_vs_target(daily, 0.10, window=252)

    assert check.realised == pytest.approx(daily[-252:].std(ddof=1) * np.sqrt(252))
    assert check.ratio == pytest.approx(check.realised / 0.10)
    rolling = rolling_volatility(daily, window=252)
    assert np.isnan(rolling[250])
    assert rolling[-1] == pytest.approx(check.realised)
