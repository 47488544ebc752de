"""Robustness checks: bootstrap of returns, trade reshuffles, the deflated Sharpe ratio."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tetra.core.errors import ValidationError
from tetra.simulation.robustness import (
    bootstrap_returns,
    deflated_sharpe_from_moments,
    deflated_sharpe_ratio,
    expected_maximum_sharpe,
    reshuffle_trades,
)

RETURNS = np.random.default_rng(0).normal(0.0004, 0.01, 750)


def test_the_paper_s_worked_example() -> None:
    # Bailey and Lopez de Prado (2014): 100 trials whose annualised Sharpe ratios vary with
    # variance 1/2, a best of 2.5 a year over 1,250 days, skewness -3, kurtosis 10:
    # the bar is 0.1132 per day and the DSR about 0.90
    per_day = 250
    bar = expected_maximum_sharpe(0.5 / per_day, 100)
    assert bar == pytest.approx(0.1132, abs=5e-5)
    dsr = deflated_sharpe_from_moments(
        sharpe=2.5 / math.sqrt(per_day), observations=1250, skewness=-3.0, kurtosis=10.0,
        trial_variance=0.5 / per_day, trials=100,
    )  # fmt: skip
    assert dsr.probability == pytest.approx(0.9004, abs=1e-3)


def test_more_trials_deflate_the_same_sharpe_ratio_more() -> None:
    few = deflated_sharpe_ratio(RETURNS, np.linspace(0.0, 1.0, 5))
    many = deflated_sharpe_ratio(RETURNS, np.linspace(0.0, 1.0, 500))
    assert many.probability < few.probability
    one = deflated_sharpe_ratio(RETURNS, np.array([1.0]))
    assert one.benchmark == 0.0  # a single trial is not selected among others


def test_bootstrap_is_seeded_and_keeps_the_return_scale() -> None:
    first = bootstrap_returns(RETURNS, 100, seed=3)
    again = bootstrap_returns(RETURNS, 100, seed=3)
    assert first.equals(again)
    assert not first.equals(bootstrap_returns(RETURNS, 100, seed=4))
    summary = first.attrs["summary"]
    assert summary.loc["total_return", "p50"] == pytest.approx(np.prod(1 + RETURNS) - 1, abs=0.25)
    assert first.attrs["block_length"] >= 1.0


def test_reshuffled_trades_end_at_the_same_equity_with_other_drawdowns() -> None:
    pnl = np.array([500.0, -300.0, 200.0, -400.0, 100.0, 250.0, -150.0])
    frame = reshuffle_trades(pnl, 10_000.0, 200, seed=1)
    np.testing.assert_allclose(frame["total_return"], pnl.sum() / 10_000.0)
    assert frame["max_drawdown"].nunique() > 1
    assert frame["max_drawdown"].min() >= -850.0 / 10_000.0 - 1e-12  # every loss in a row


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: bootstrap_returns(np.ones(5), 10), "at least 10 daily returns"),
        (lambda: reshuffle_trades(np.array([1.0]), 100.0, 10), "at least 2 closed trades"),
        (lambda: reshuffle_trades(np.ones(3), 100.0, 0), "at least 1, not 0"),
        (lambda: deflated_sharpe_ratio(RETURNS, np.array([np.nan])), "at least one trial"),
    ],
)
def test_bad_input_is_a_clear_error(call: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        call()  # type: ignore[operator]
