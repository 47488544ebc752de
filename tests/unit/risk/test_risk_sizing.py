"""Sizing policies: each rule against a hand computation, composition, units by asset class."""

from __future__ import annotations

import numpy as np
import pytest

from tetra.core.errors import ValidationError
from tetra.risk.contributions import risk_contributions
from tetra.risk.sizing import (
    Capped,
    CappedKelly,
    EqualWeight,
    FixedFractional,
    FixedRisk,
    InverseVolatility,
    RiskParity,
    SizingInputs,
    VolatilityTarget,
    VolatilityTargetBook,
    fractional_units,
    to_quantities,
)


@pytest.fixture(scope="module")
def returns() -> np.ndarray:
    rng = np.random.default_rng(21)
    vols = np.array([0.01, 0.02, 0.005, 0.03])
    common = rng.normal(0, 1, (500, 1))
    return (0.5 * common + rng.normal(0, 1, (500, 4))) * vols + 0.0004


def inputs(returns: np.ndarray, signal: list[float], **extra: object) -> SizingInputs:
    prices = np.array([100.0, 50.0, 200.0, 25_000.0])
    return SizingInputs(1_000_000.0, prices, np.array(signal), returns, **extra)  # type: ignore[arg-type]


def test_equal_weight_splits_gross_among_signals(returns: np.ndarray) -> None:
    weights = EqualWeight(gross=0.9)(inputs(returns, [1, -1, 0, np.nan]))

    np.testing.assert_allclose(weights, [0.45, -0.45, 0, 0])


def test_fixed_fractional(returns: np.ndarray) -> None:
    weights = FixedFractional(0.05)(inputs(returns, [1, 0, -2, 1]))

    np.testing.assert_allclose(weights, [0.05, 0, -0.05, 0.05])


def test_fixed_risk_loses_the_risk_budget_at_the_stop(returns: np.ndarray) -> None:
    book = inputs(returns, [1, -1, 1, 0], stops=np.array([95.0, 55.0, 200.0, np.nan]))

    weights = FixedRisk(0.01)(book)

    loss_at_stop = np.abs(weights[:2]) * np.abs(book.prices[:2] - book.stops[:2]) / book.prices[:2]
    np.testing.assert_allclose(loss_at_stop, [0.01, 0.01])
    assert weights[1] < 0
    assert weights[2] == 0  # a stop at the price has no distance: no position


def test_volatility_target_per_position(returns: np.ndarray) -> None:
    book = inputs(returns, [1, 1, 1, -1])

    weights = VolatilityTarget(0.10)(book)

    np.testing.assert_allclose(np.abs(weights) * book.volatility(), 0.10)
    assert weights[3] < 0


def test_inverse_volatility_sums_to_gross(returns: np.ndarray) -> None:
    book = inputs(returns, [1, 1, 1, 1])

    weights = InverseVolatility(gross=1.0)(book)

    assert weights.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(weights * book.volatility(), (weights * book.volatility())[0])


def test_risk_parity_equalises_contributions(returns: np.ndarray) -> None:
    book = inputs(returns, [1, 1, -1, 1])

    weights = RiskParity()(book)

    shares = risk_contributions(weights, book.covariance()).share
    np.testing.assert_allclose(shares, 0.25, atol=1e-8)
    assert np.abs(weights).sum() == pytest.approx(1.0)
    assert weights[2] < 0


def test_capped_kelly_single_asset_is_fraction_of_mean_over_variance(returns: np.ndarray) -> None:
    book = inputs(returns, [0, 0, 1, 0])
    column = returns[:, 2]
    kelly = column.mean() * 252 / (column.var(ddof=1) * 252)

    weights = CappedKelly(fraction=0.5, cap=100.0, ridge=0.0)(book)

    assert weights[2] == pytest.approx(0.5 * kelly, rel=1e-9)
    assert CappedKelly(fraction=0.5, cap=0.25)(book)[2] == 0.25


def test_book_volatility_target_then_caps_compose(returns: np.ndarray) -> None:
    book = inputs(returns, [1, 1, 1, 1])
    sizer = Capped(VolatilityTargetBook(EqualWeight(), 0.08, max_gross=3.0), max_weight=0.5)

    scaled = VolatilityTargetBook(EqualWeight(), 0.08, max_gross=3.0)(book)
    weights = sizer(book)

    cov = book.covariance()
    assert np.sqrt(scaled @ cov @ scaled) == pytest.approx(0.08)
    assert weights.max() <= 0.5


def test_units_whole_for_stocks_fractional_for_crypto() -> None:
    fractional = fractional_units(["SPY", "NVDA", "BTC", "UNKNOWN"])
    prices = np.array([501.0, 120.0, 65_000.0, 10.0])

    units = to_quantities(np.array([0.1, -0.05, 0.01, 0.0]), 100_000.0, prices, fractional)

    assert fractional.tolist() == [False, False, True, False]
    assert units[0] == 19  # 10,000 / 501 = 19.96: never above the target
    assert units[1] == -41
    assert units[2] == pytest.approx(0.01538461, abs=1e-8)
    assert abs(units[2]) * prices[2] <= 1_000.0


def test_sizers_needing_history_or_stops_say_so(returns: np.ndarray) -> None:
    bare = SizingInputs(1.0, np.array([1.0]), np.array([1.0]))

    with pytest.raises(ValidationError, match="returns"):
        VolatilityTarget(0.1)(bare)
    with pytest.raises(ValidationError, match="stop"):
        FixedRisk(0.01)(bare)
    with pytest.raises(ValidationError, match="equity"):
        SizingInputs(-1.0, np.array([1.0]), np.array([1.0]))
    with pytest.raises(ValidationError, match="signal"):
        SizingInputs(1.0, np.array([1.0]), np.array([1.0, 2.0]))
