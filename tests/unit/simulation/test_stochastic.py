"""Specifications of the stochastic kernels: fat tails, clustering, factors, bars, volume."""

from __future__ import annotations

import numpy as np
import pytest

from tetra.simulation.stochastic import (
    BarShape,
    GarchParameters,
    aggregate_between,
    autoregressive_noise,
    combine_factor_variances,
    combine_factors,
    correlate_innovations,
    deduct_payouts,
    garch_paths,
    garch_variance,
    ohlc_from_returns,
    overnight_gaps,
    simulate_garch_t,
    standardised_student_t,
    trading_volume,
    volatility_regime,
)


def _excess_kurtosis(values: np.ndarray) -> float:
    centred = values - values.mean()
    return float((centred**4).mean() / (centred**2).mean() ** 2 - 3.0)


def _lag_one_autocorrelation(values: np.ndarray) -> float:
    return float(np.corrcoef(values[1:], values[:-1])[0, 1])


def test_standardised_student_t_has_unit_variance_and_fat_tails() -> None:
    draws = standardised_student_t(np.random.default_rng(1), 6.0, (400_000,))

    assert draws.var() == pytest.approx(1.0, abs=0.02)
    assert _excess_kurtosis(draws) > 1.5


def test_garch_parameters_from_volatility_revert_to_that_volatility() -> None:
    parameters = GarchParameters.from_volatility(0.01, 0.08, 0.97, 5.0)

    assert np.sqrt(parameters.unconditional_variance) == pytest.approx([0.01])
    assert parameters.beta == pytest.approx([0.89])


@pytest.mark.parametrize(
    ("alpha", "persistence", "freedom"), [(0.1, 1.0, 5.0), (-0.1, 0.9, 5.0), (0.1, 0.9, 2.0)]
)
def test_garch_parameters_reject_explosive_or_degenerate_settings(
    alpha: float, persistence: float, freedom: float
) -> None:
    with pytest.raises(ValueError, match=r"GARCH|Student"):
        GarchParameters.from_volatility(0.01, alpha, persistence, freedom)


def test_garch_variance_follows_the_recursion_from_its_long_run_level() -> None:
    parameters = GarchParameters.from_volatility(0.02, 0.1, 0.9, 5.0)
    innovations = np.array([[2.0], [0.0], [-1.0]])

    variance = garch_variance(innovations, parameters)

    omega, alpha, beta = parameters.omega[0], parameters.alpha[0], parameters.beta[0]
    expected_second = omega + (alpha * 4.0 + beta) * 0.02**2
    assert variance[:, 0] == pytest.approx(
        [0.02**2, expected_second, omega + beta * expected_second]
    )


def test_simulate_garch_t_clusters_volatility_and_keeps_its_level() -> None:
    parameters = GarchParameters.from_volatility([0.01, 0.03], 0.08, 0.97, 5.0)

    paths = simulate_garch_t(20_000, 2, parameters, np.random.default_rng(7))

    assert paths.returns.std(axis=0) == pytest.approx([0.01, 0.03], rel=0.15)
    for column in range(2):
        assert _lag_one_autocorrelation(paths.returns[:, column] ** 2) > 0.05
        assert _excess_kurtosis(paths.returns[:, column]) > 1.0


def test_simulate_garch_t_is_reproducible_from_its_generator() -> None:
    parameters = GarchParameters.from_volatility(0.01, 0.08, 0.97, 5.0)

    first = simulate_garch_t(50, 3, parameters, np.random.default_rng(3))
    second = simulate_garch_t(50, 3, parameters, np.random.default_rng(3))

    np.testing.assert_array_equal(first.returns, second.returns)


def test_volatility_regime_squares_average_one() -> None:
    parameters = GarchParameters.from_volatility(0.01, 0.08, 0.97, 6.0)
    paths = simulate_garch_t(50_000, 1, parameters, np.random.default_rng(11))

    regime = volatility_regime(paths, parameters)

    assert (regime**2).mean() == pytest.approx(1.0, rel=0.15)


def test_correlate_innovations_imposes_the_target_correlation() -> None:
    target = np.array([[1.0, 0.3], [0.3, 1.0]])
    independent = np.random.default_rng(5).standard_normal((200_000, 2))

    mixed = correlate_innovations(independent, target)

    assert np.corrcoef(mixed.T)[0, 1] == pytest.approx(0.3, abs=0.01)
    assert mixed.std(axis=0) == pytest.approx([1.0, 1.0], abs=0.01)


def test_combine_factors_adds_loaded_factors_to_idiosyncratic_moves() -> None:
    factor_returns = np.array([[0.01, -0.02], [0.0, 0.03]])
    loadings = np.array([[1.0, 0.5], [2.0, 0.0]])
    idiosyncratic = np.array([[0.001, 0.0], [0.0, -0.001]])

    returns = combine_factors(factor_returns, loadings, idiosyncratic)
    variance = combine_factor_variances(factor_returns**2, loadings, idiosyncratic**2)

    assert returns == pytest.approx(np.array([[-0.029, 0.005], [0.06, -0.001]]))
    assert variance[0, 0] == pytest.approx(0.01**2 + 4 * 0.02**2 + 0.001**2)


def test_aggregate_between_sums_each_period_ending_at_a_position() -> None:
    daily = np.arange(1.0, 8.0)[:, np.newaxis]

    sums = aggregate_between(daily, np.array([1, 4, 6]))

    assert sums[:, 0] == pytest.approx([1 + 2, 3 + 4 + 5, 6 + 7])


def test_deduct_payouts_lowers_the_price_by_exactly_the_payout() -> None:
    log_return, payout = np.array([0.01]), np.array([0.02])

    price_return = deduct_payouts(log_return, payout)

    assert 100 * np.exp(price_return[0]) == pytest.approx(100 * np.exp(0.01) - 2.0)


def test_ohlc_from_returns_keeps_every_bar_consistent_and_positive() -> None:
    rng = np.random.default_rng(2)
    returns = rng.standard_normal((500, 4)) * 0.05
    volatility = np.full_like(returns, 0.05)
    gaps = overnight_gaps(
        returns, volatility, rng.standard_normal(returns.shape), BarShape(0.3, 0.2, 0.5)
    )
    excursions = (rng.standard_exponential(returns.shape), rng.standard_exponential(returns.shape))

    bars = ohlc_from_returns(returns, gaps, excursions, volatility, np.full(4, 50.0), 0.5)

    assert (bars.low > 0).all()
    assert (bars.low <= np.minimum(bars.open, bars.close)).all()
    assert (np.maximum(bars.open, bars.close) <= bars.high).all()
    assert np.log(bars.close[-1] / 50.0) == pytest.approx(returns.sum(axis=0))


def test_open_gaps_from_the_previous_close() -> None:
    returns = np.array([[0.02], [0.04]])
    gaps = overnight_gaps(
        returns, np.zeros_like(returns), np.zeros_like(returns), BarShape(0.5, 0.0, 0.5)
    )
    excursions = (np.zeros_like(returns), np.zeros_like(returns))

    bars = ohlc_from_returns(
        returns, gaps, excursions, np.zeros_like(returns), np.array([10.0]), 0.5
    )

    assert bars.open[1, 0] == pytest.approx(bars.close[0, 0] * np.exp(0.02))


def test_autoregressive_noise_has_unit_variance_and_the_given_persistence() -> None:
    noise = autoregressive_noise(np.random.default_rng(4).standard_normal((100_000, 1)), 0.7)

    assert noise.std() == pytest.approx(1.0, abs=0.03)
    assert _lag_one_autocorrelation(noise[:, 0]) == pytest.approx(0.7, abs=0.02)


def test_trading_volume_rises_with_the_size_of_the_move() -> None:
    volatility = np.full((2, 1), 0.01)
    quiet_and_loud = np.array([[0.0], [0.05]])

    volume = trading_volume(np.array([1e6]), quiet_and_loud, volatility, np.zeros((2, 1)), 0.3, 0.6)

    assert (volume > 0).all()
    assert volume[1, 0] > 2 * volume[0, 0]


def test_garch_variance_never_exceeds_its_cap() -> None:
    parameters = GarchParameters.from_volatility(0.01, 0.08, 0.985, 4.0, variance_cap=9.0)
    paths = simulate_garch_t(50_000, 4, parameters, np.random.default_rng(13))

    assert paths.volatility.max() <= 3.0 * 0.01 * (1 + 1e-12)
    assert paths.volatility.max() == pytest.approx(0.03)


def test_garch_paths_scale_by_a_regime_but_respect_the_cap() -> None:
    parameters = GarchParameters.from_volatility(0.01, 0.05, 0.95, 6.0, variance_cap=4.0)
    innovations = np.ones((3, 1))  # unit shocks keep the variance at its long-run level

    paths = garch_paths(innovations, parameters, np.array([[0.5], [1.5], [5.0]]))

    assert paths.volatility[:, 0] == pytest.approx([0.005, 0.015, 0.02])


def test_garch_parameters_reject_a_cap_below_the_long_run_variance() -> None:
    with pytest.raises(ValueError, match="cap"):
        GarchParameters.from_volatility(0.01, 0.05, 0.95, 6.0, variance_cap=0.5)
