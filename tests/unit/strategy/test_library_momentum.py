"""CrossSectionalMomentum: hold the top trailing returns, rebalanced on a schedule."""

from __future__ import annotations

import numpy as np
import pydantic
import pytest
from strategy_tables import assert_no_look_ahead, fills, run_both, table

from tetra.strategy.library import CrossSectionalMomentum

# Two-bar returns at the rebalances (rows 2, 4, 6): AAA leads, then BBB, then CCC.
MARKET = table(
    AAA=[10.0, 11.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0],
    BBB=[10.0, 10.0, 10.0, 11.0, 13.0, 13.0, 13.0, 13.0],
    CCC=[10.0, 10.0, 10.0, 9.0, 9.0, 10.0, 12.0, 12.0],
)


def test_holds_the_leader_and_rotates_at_each_rebalance() -> None:
    strategy = CrossSectionalMomentum(lookback=2, top_n=1, rebalance=2)

    result = run_both(strategy, MARKET)

    assert fills(result) == [
        ("2024-01-04", "AAA", 833.0, 12.0),
        ("2024-01-08", "AAA", -833.0, 12.0),
        ("2024-01-08", "BBB", 769.0, 13.0),
        ("2024-01-10", "BBB", -769.0, 13.0),
        ("2024-01-10", "CCC", 833.0, 12.0),
    ]


def test_skip_ranks_on_returns_ending_skip_bars_ago() -> None:
    # At row 3 with skip=1 the ranking reads rows 0..2: AAA +20%, others flat.
    strategy = CrossSectionalMomentum(lookback=2, skip=1, top_n=2, rebalance=10)

    orders = strategy.orders(MARKET)

    assert np.flatnonzero(np.isfinite(orders.size).any(axis=1)).tolist() == [3]
    np.testing.assert_array_equal(orders.size[3], [0.5, 0.5, 0.0])


def test_month_end_rebalances_on_the_last_session_of_each_month() -> None:
    dates = ["2024-01-29", "2024-01-30", "2024-02-01", "2024-02-28", "2024-02-29", "2024-03-01"]
    market = table(dates=dates, AAA=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], BBB=[1.0] * 6)
    strategy = CrossSectionalMomentum(lookback=1, rebalance="month_end")

    orders = strategy.orders(market)

    assert np.flatnonzero(np.isfinite(orders.size).any(axis=1)).tolist() == [1, 4]


def test_symbols_without_a_trailing_return_are_never_held() -> None:
    market = table(AAA=[10.0, 10.0, 10.0, 10.0], BBB=[float("nan")] * 2 + [5.0, 9.0])
    strategy = CrossSectionalMomentum(lookback=1, top_n=2, rebalance=1)

    orders = strategy.orders(market)

    np.testing.assert_array_equal(orders.size[1:, 1], [0.0, 0.0, 0.5])


@pytest.mark.parametrize(
    "params",
    [{"lookback": 0}, {"skip": -1}, {"top_n": 0}, {"rebalance": 0}, {"rebalance": "weekly"}],
)
def test_invalid_configs_are_rejected(params: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        CrossSectionalMomentum(**params)


def test_momentum_does_not_look_ahead() -> None:
    assert_no_look_ahead(CrossSectionalMomentum(lookback=2, rebalance=2), MARKET)
    assert_no_look_ahead(CrossSectionalMomentum(lookback=1, rebalance="month_end"), MARKET)
