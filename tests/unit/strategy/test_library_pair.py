"""Pair trading: rolling OLS residual z-score, entries beyond entry_z, exits inside exit_z."""

from __future__ import annotations

import numpy as np
import pydantic
import pytest
from strategy_tables import assert_no_look_ahead, fills, run_both, table

from tetra.strategy.library import PairTrading, cointegration_pvalue
from tetra.strategy.library.pair import (
    FLAT,
    LONG_SPREAD,
    SHORT_SPREAD,
    STOPPED,
    hedge_and_zscore,
    spread_step,
)

SECOND = [10.0, 11.0] * 7
NOISE = [0, 0.1, -0.1, 0, 0.1, -0.1, 0, 1.5, 0.1, 0, -0.1, -1.5, 0, 0.1]
FIRST = [round(2 * b + e, 10) for b, e in zip(SECOND, NOISE, strict=True)]
# z over a 6-bar window: row 7 (first rich) 1.985, row 8 0.064, row 11 -1.728, row 12 0.
MARKET = table(AAA=FIRST, BBB=SECOND)


def test_hedge_ratio_and_zscore_match_a_least_squares_fit_of_each_window() -> None:
    a, b = np.array(FIRST), np.array(SECOND)

    beta, zscore = hedge_and_zscore(a, b, 6)

    assert np.isnan(beta[:5]).all()
    assert np.isnan(zscore[:5]).all()
    for t in range(5, len(a)):
        design = np.column_stack([np.ones(6), b[t - 5 : t + 1]])
        coefficients, *_ = np.linalg.lstsq(design, a[t - 5 : t + 1], rcond=None)
        residuals = a[t - 5 : t + 1] - design @ coefficients
        assert beta[t] == pytest.approx(coefficients[1], abs=1e-9)
        assert zscore[t] == pytest.approx(residuals[-1] / residuals.std(), abs=1e-9)


def test_dollar_neutral_pair_shorts_the_rich_leg_and_buys_the_cheap_one() -> None:
    strategy = PairTrading(window=6, entry_z=1.5, exit_z=0.5, allocation=0.5)

    result = run_both(strategy, MARKET)

    assert fills(result) == [
        ("2024-01-11", "AAA", -212.0, 23.5),  # z 1.985 at row 7: AAA rich
        ("2024-01-11", "BBB", 454.0, 11.0),
        ("2024-01-12", "BBB", -454.0, 10.0),  # z 0.064 at row 8: exit (sells first)
        ("2024-01-12", "AAA", 212.0, 20.1),
        ("2024-01-17", "BBB", -466.0, 11.0),  # z -1.728 at row 11: AAA cheap
        ("2024-01-17", "AAA", 250.0, 20.5),
        ("2024-01-18", "AAA", -250.0, 20.0),  # z 0 at row 12: exit
        ("2024-01-18", "BBB", 466.0, 10.0),
    ]


def test_hedge_ratio_sizing_buys_beta_times_the_first_legs_shares() -> None:
    strategy = PairTrading(window=6, entry_z=1.5, exit_z=0.5, sizing="hedge_ratio")

    result = run_both(strategy, MARKET)

    # beta 2.467 at row 7: weight 0.5 x 2.467 x 11 / 23.5 on BBB, 524 shares for 212.
    assert fills(result)[:2] == [
        ("2024-01-11", "AAA", -212.0, 23.5),
        ("2024-01-11", "BBB", 524.0, 11.0),
    ]


@pytest.mark.parametrize(
    ("zscores", "states"),
    [
        ([np.nan, 1.0, 2.5, 1.0, 0.4], [FLAT, FLAT, SHORT_SPREAD, SHORT_SPREAD, FLAT]),
        ([-2.5, -0.6, -0.4], [LONG_SPREAD, LONG_SPREAD, FLAT]),
        ([-2.5, 2.5], [LONG_SPREAD, SHORT_SPREAD]),  # an overshoot exits and re-enters
        ([2.5, 3.5, 2.5, 1.5, 2.5], [SHORT_SPREAD, STOPPED, STOPPED, FLAT, SHORT_SPREAD]),
        ([3.5, 2.5], [FLAT, SHORT_SPREAD]),  # beyond the stop: no entry
    ],
)
def test_spread_states_follow_entry_exit_and_stop_levels(
    zscores: list[float], states: list[int]
) -> None:
    state, seen = FLAT, []
    for z in zscores:
        state = spread_step(state, z, entry_z=2.0, exit_z=0.5, stop_z=3.0)
        seen.append(state)

    assert seen == states


@pytest.mark.parametrize(
    "params",
    [
        {"entry_z": 1.0, "exit_z": 1.0},
        {"entry_z": 2.0, "stop_z": 1.5},
        {"window": 2},
        {"entry_z": -1.0},
        {"symbols": ("AAA", "AAA")},
        {"allocation": 0.0},
    ],
)
def test_invalid_configs_are_rejected(params: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        PairTrading(**params)


def test_a_market_of_three_symbols_needs_the_pair_named() -> None:
    market = table(AAA=FIRST, BBB=SECOND, CCC=SECOND)

    with pytest.raises(ValueError, match="name the pair"):
        PairTrading(window=6).orders(market)
    named = PairTrading(window=6, entry_z=1.5, symbols=("AAA", "BBB")).orders(market)
    assert np.isnan(named.size[:, 2]).all()
    assert np.isfinite(named.size[:, :2]).any()


def test_pair_does_not_look_ahead() -> None:
    assert_no_look_ahead(PairTrading(window=6, entry_z=1.5, exit_z=0.5), MARKET, cuts=5)


def test_cointegration_pvalue_separates_a_cointegrated_pair_from_independent_walks() -> None:
    rng = np.random.default_rng(7)
    walk = np.cumsum(rng.normal(size=500)) + 100.0
    cointegrated = 1.5 * walk + rng.normal(scale=0.5, size=500)
    independent = np.cumsum(rng.normal(size=500)) + 100.0

    assert cointegration_pvalue(cointegrated, walk) < 0.05
    assert cointegration_pvalue(independent, walk) > 0.1
