"""Differential specification: every return metric equals empyrical's on the same returns."""

from __future__ import annotations

import math
from collections.abc import Callable

import empyrical
import numpy as np
import pandas as pd
import pytest

from tetra.reports import metrics

ReturnMetric = Callable[["pd.Series[float]", int], float]

OURS_AND_EMPYRICAL: dict[str, tuple[ReturnMetric, ReturnMetric]] = {
    "total_return": (
        lambda r, _: metrics.total_return(r),
        lambda r, _: empyrical.cum_returns_final(r),
    ),
    "annual_return": (
        metrics.annual_return,
        lambda r, n: empyrical.annual_return(r, annualization=n),
    ),
    "annual_volatility": (
        metrics.annual_volatility,
        lambda r, n: empyrical.annual_volatility(r, annualization=n),
    ),
    "sharpe_ratio": (
        lambda r, n: metrics.sharpe_ratio(r, 0.0001, n),
        lambda r, n: empyrical.sharpe_ratio(r, risk_free=0.0001, annualization=n),
    ),
    "sortino_ratio": (
        lambda r, n: metrics.sortino_ratio(r, 0.0001, n),
        lambda r, n: empyrical.sortino_ratio(r, required_return=0.0001, annualization=n),
    ),
    "downside_risk": (
        lambda r, n: metrics.downside_risk(r, 0.0, n),
        lambda r, n: empyrical.downside_risk(r, annualization=n),
    ),
    "calmar_ratio": (
        metrics.calmar_ratio,
        lambda r, n: empyrical.calmar_ratio(r, annualization=n),
    ),
    "max_drawdown": (
        lambda r, _: metrics.max_drawdown(r),
        lambda r, _: empyrical.max_drawdown(r),
    ),
}


def random_returns(seed: int, drift: float, volatility: float, bars: int) -> pd.Series[float]:
    """Return deterministic normal daily returns on UTC business days."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2021-01-04", periods=bars, freq="B", tz="UTC")
    return pd.Series(rng.normal(drift, volatility, bars), index=index)


RANDOM_CASES = {
    "positive drift, 3 years": random_returns(1, 0.0006, 0.012, 756),
    "negative drift, 2 years": random_returns(2, -0.0008, 0.015, 504),
    "no drift, high volatility": random_returns(3, 0.0, 0.04, 300),
    "short, 10 bars": random_returns(4, 0.001, 0.01, 10),
    "two bars": random_returns(5, -0.002, 0.02, 2),
}
EDGE_CASES = {
    "no returns": pd.Series([], dtype="float64"),
    "one return": pd.Series([0.01]),
    "one loss": pd.Series([-0.03]),
    "flat equity": pd.Series([0.0] * 20),
    "constant gain": pd.Series([0.001] * 20),
    "all positive": pd.Series([0.01, 0.02, 0.005, 0.03]),
    "opening loss then recovery": pd.Series([-0.1, 0.05, 0.2]),
    "total loss": pd.Series([0.1, -1.0, 0.0]),
}


def assert_same(ours: float, reference: float) -> None:
    """Assert equality to 1e-10 relative, NaN equal to NaN, inf equal to inf."""
    if math.isnan(reference) or math.isinf(reference):
        assert ours == reference or (math.isnan(ours) and math.isnan(reference))
    else:
        assert ours == pytest.approx(reference, rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("periods_per_year", [252, 365])
@pytest.mark.parametrize("case", RANDOM_CASES)
@pytest.mark.parametrize("metric", OURS_AND_EMPYRICAL)
def test_metric_equals_empyrical_on_random_returns(
    metric: str, case: str, periods_per_year: int
) -> None:
    ours, reference = OURS_AND_EMPYRICAL[metric]
    returns = RANDOM_CASES[case]

    assert_same(ours(returns, periods_per_year), float(reference(returns, periods_per_year)))


@pytest.mark.parametrize("case", EDGE_CASES)
@pytest.mark.parametrize("metric", OURS_AND_EMPYRICAL)
def test_metric_equals_empyrical_on_edge_cases(metric: str, case: str) -> None:
    ours, reference = OURS_AND_EMPYRICAL[metric]
    returns = EDGE_CASES[case]

    assert_same(ours(returns, 252), float(reference(returns, 252)))


def test_flat_equity_has_undefined_sharpe_and_sortino_as_empyrical() -> None:
    flat = EDGE_CASES["flat equity"]

    assert math.isnan(metrics.sharpe_ratio(flat))
    assert math.isnan(metrics.sortino_ratio(flat))
    assert metrics.annual_volatility(flat) == 0.0


def test_constant_gain_has_infinite_sharpe_as_empyrical() -> None:
    constant = EDGE_CASES["constant gain"]

    assert metrics.sharpe_ratio(constant) == math.inf
    assert empyrical.sharpe_ratio(constant) == math.inf


def test_all_positive_returns_have_no_drawdown_and_undefined_calmar() -> None:
    gains = EDGE_CASES["all positive"]

    assert metrics.max_drawdown(gains) == 0.0
    assert metrics.max_drawdown_duration(gains) == 0
    assert math.isnan(metrics.calmar_ratio(gains))
    assert metrics.sortino_ratio(gains) == math.inf


def test_fewer_than_two_returns_leave_dispersion_metrics_undefined() -> None:
    one = EDGE_CASES["one return"]

    assert metrics.total_return(one) == pytest.approx(0.01)
    assert metrics.annual_return(one) == pytest.approx(1.01**252 - 1)
    for undefined in (metrics.annual_volatility, metrics.sharpe_ratio, metrics.sortino_ratio):
        assert math.isnan(undefined(one))


@pytest.mark.parametrize("case", ["positive drift, 3 years", "negative drift, 2 years"])
@pytest.mark.parametrize("risk_free", [0.0, 0.0002])
def test_alpha_and_beta_equal_empyrical(case: str, risk_free: float) -> None:
    returns = RANDOM_CASES[case]
    benchmark = 0.6 * returns + random_returns(9, 0.0002, 0.008, len(returns))

    alpha, beta = metrics.alpha_beta(returns, benchmark, risk_free, 252)

    expected_alpha, expected_beta = empyrical.alpha_beta(returns, benchmark, risk_free=risk_free)
    assert alpha == pytest.approx(expected_alpha, rel=1e-10)
    assert beta == pytest.approx(expected_beta, rel=1e-10)


def test_alpha_and_beta_use_only_bars_common_to_both_series_as_empyrical() -> None:
    returns = RANDOM_CASES["positive drift, 3 years"]
    benchmark = random_returns(10, 0.0003, 0.01, len(returns)).iloc[50:-30]

    alpha, beta = metrics.alpha_beta(returns, benchmark, 0.0, 365)

    expected_alpha, expected_beta = empyrical.alpha_beta(returns, benchmark, annualization=365)
    assert alpha == pytest.approx(expected_alpha, rel=1e-10)
    assert beta == pytest.approx(expected_beta, rel=1e-10)


def test_alpha_and_beta_are_undefined_against_a_flat_benchmark() -> None:
    returns = RANDOM_CASES["short, 10 bars"]
    flat_benchmark = pd.Series(0.0, index=returns.index)

    alpha, beta = metrics.alpha_beta(returns, flat_benchmark)

    assert math.isnan(alpha)
    assert math.isnan(beta)
    assert math.isnan(empyrical.beta(returns, flat_benchmark))


def test_drawdown_series_equals_empyrical() -> None:
    returns = RANDOM_CASES["negative drift, 2 years"]

    ours = metrics.drawdown_series(returns)

    pd.testing.assert_series_equal(ours, empyrical.stats.drawdown_series(returns), rtol=1e-12)


def test_annual_return_of_a_wealth_below_zero_is_nan() -> None:
    # Deliberate difference: empyrical raises the negative wealth to the power 1/years,
    # which warns and gives NaN for a fractional power but a meaningless number for a
    # whole one (here 252 / 3 = 84: a tiny positive wealth, so about -100 % a year).
    ruined = pd.Series([0.1, -1.5, 0.2])

    assert math.isnan(metrics.annual_return(ruined))
    assert empyrical.annual_return(ruined) == pytest.approx(-1.0)
