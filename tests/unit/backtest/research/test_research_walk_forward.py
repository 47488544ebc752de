"""Walk-forward: fold windows, params chosen in-sample only, a continuous out-of-sample curve."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from research_fixtures import Hold, trend_market

from tetra.backtest.research.sweep import best_row, sweep
from tetra.backtest.research.walk_forward import Fold, folds, run_out_of_sample, walk_forward
from tetra.backtest.result import BacktestResult
from tetra.market import MarketData
from tetra.risk import RiskPolicy
from tetra.risk.sizing_policy import SizingMethod, SizingPolicy
from tetra.strategy.library.crossover import MovingAverageCrossover
from tetra.strategy.membership import Membership

CASH = 100_000.0


def test_rolling_folds_slide_a_fixed_train_window() -> None:
    assert folds(10, train=4, test=2) == [
        Fold(0, 0, 4, 4, 6),
        Fold(1, 2, 6, 6, 8),
        Fold(2, 4, 8, 8, 10),
    ]


def test_anchored_folds_grow_the_train_window_from_the_start() -> None:
    assert folds(11, train=4, test=2, anchored=True) == [
        Fold(0, 0, 4, 4, 6),
        Fold(1, 0, 6, 6, 8),
        Fold(2, 0, 8, 8, 10),
    ]


def test_a_longer_step_leaves_gaps_and_a_short_remainder_is_left_out() -> None:
    assert folds(11, train=4, test=2, step=3) == [Fold(0, 0, 4, 4, 6), Fold(1, 3, 7, 7, 9)]


def test_overlapping_test_windows_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        folds(100, train=20, test=10, step=5)


def test_fold_dates_follow_the_market_calendar(market: MarketData) -> None:
    result = walk_forward(
        MovingAverageCrossover,
        market,
        {"fast": [3, 5], "slow": [10]},
        train=150,
        test=100,
        anchored=True,
        cash=CASH,
        workers=1,
    )
    summary = result.summary(market.dates)
    day = [pd.Timestamp(d).date() for d in market.dates]

    assert list(summary["train_first"]) == [day[0]] * 2
    assert list(summary["train_last"]) == [day[149], day[249]]
    assert list(summary["test_first"]) == [day[150], day[250]]
    assert list(summary["test_last"]) == [day[249], day[349]]
    assert [type(v) for v in summary["params"][0].values()] == [int, int]


@pytest.fixture(scope="module")
def regimes() -> MarketData:
    """Up for 100 bars, down for 100, up for 100: the best side flips between folds."""
    return trend_market([(100, 0.004), (100, -0.004), (100, 0.004)])


def test_chosen_params_come_from_each_train_window_only(regimes: MarketData) -> None:
    grid = {"side": [1, -1]}

    result = walk_forward(
        Hold, regimes, grid, train=100, test=100, metric="total_return", cash=CASH, workers=1
    )

    assert [fold.params for fold in result.folds] == [{"side": 1}, {"side": -1}]
    for fold in result.folds:
        f = fold.fold
        in_sample = sweep(Hold, regimes.window(f.train_start, f.train_stop), grid, cash=CASH)
        assert fold.params["side"] == best_row(in_sample, "total_return")["side"]
        # chosen on the train trend, so each fold loses on the opposite test trend
        assert fold.in_sample > 0 > fold.out_of_sample


def test_out_of_sample_equity_is_continuous_over_test_windows_only(regimes: MarketData) -> None:
    result = walk_forward(
        Hold, regimes, {"side": [1, -1]}, train=100, test=100, metric="total_return", cash=CASH
    )
    dates = pd.DatetimeIndex(regimes.dates[100:300].astype("datetime64[ns]"))

    assert result.equity.index.equals(dates.rename("date"))
    assert result.equity.iloc[0] == CASH
    first, second = (fold.test.equity for fold in result.folds)
    stitched = result.equity.pct_change().to_numpy()
    assert stitched[100] == pytest.approx(0.0)  # flat at the second fold's first close
    np.testing.assert_allclose(stitched[101:], second.pct_change().to_numpy()[1:], rtol=1e-12)
    assert result.equity.iloc[99] == first.iloc[-1]
    assert result.metrics.total_return == pytest.approx(result.equity.iloc[-1] / CASH - 1.0)


def test_test_runs_warm_up_on_earlier_bars_but_trade_only_in_their_window(
    regimes: MarketData,
) -> None:
    fold = Fold(0, 100, 200, 200, 250)  # the trend turns up at bar 200
    strategy = MovingAverageCrossover(fast=5, slow=60, cash=CASH)

    warmed = run_out_of_sample(strategy, regimes, fold, warmup=100, cash=CASH)
    cold = run_out_of_sample(strategy, regimes, fold, warmup=0, cash=CASH)

    for result in (warmed, cold):
        assert len(result.equity) == 50
        assert result.equity.iloc[0] == CASH
        assert (result.fills["ts"] > result.equity.index[0]).all()
    # without warm-up the 60-bar average is never ready inside a 50-bar window
    assert len(cold.fills) == 0
    assert len(warmed.fills) > 0


def test_a_test_run_under_a_policy_is_gated_and_sized_inside_its_window(
    regimes: MarketData,
) -> None:
    fold = Fold(0, 100, 200, 200, 300)
    strategy = MovingAverageCrossover(fast=5, slow=20, cash=CASH)
    capped = RiskPolicy(max_position_weight=0.3, persistence=1)
    quarter = SizingPolicy(method=SizingMethod.FIXED_FRACTIONAL, fraction=0.25)

    plain = run_out_of_sample(strategy, regimes, fold, warmup=100, cash=CASH)
    gated = run_out_of_sample(strategy, regimes, fold, warmup=100, cash=CASH, risk_policy=capped)
    sized = run_out_of_sample(strategy, regimes, fold, warmup=100, cash=CASH, sizing=quarter)

    assert plain.interventions.empty
    assert len(gated.interventions) > 0
    assert (gated.interventions["ts"] >= gated.equity.index[0]).all()
    assert first_entry(plain) > 0.9
    assert 0.2 < first_entry(gated) <= 0.3 * 1.05  # resized to the cap at the decision's close
    assert 0.2 < first_entry(sized) <= 0.25 * 1.05


def first_entry(run: BacktestResult) -> float:
    """Return the first fill's value as a fraction of the starting cash."""
    assert len(run.fills) > 0
    fill = run.fills.iloc[0]
    return float(abs(fill["quantity"] * fill["price"]) / run.initial_cash)


def test_a_walk_forward_under_a_membership_closes_a_leaver_and_enters_it_no_more(
    regimes: MarketData,
) -> None:
    days = regimes.dates.astype(object)
    membership = Membership({"TRND": ((None, days[219]),)}, "@test")  # out from bar 220

    result = walk_forward(Hold, regimes, {"side": [1, -1]}, train=100, test=100,
                          metric="total_return", cash=CASH, membership=membership)  # fmt: skip

    second = result.folds[1].test
    assert second.fills["ts"].max() == pd.Timestamp(days[221])  # closed at the next open
    assert second.output.positions[-1, 0] == 0.0
    assert len(result.folds[0].test.fills) > 0  # a member all through the first test window


def test_a_sized_walk_forward_tests_each_fold_as_the_sized_direct_run(market: MarketData) -> None:
    quarter = SizingPolicy(method=SizingMethod.FIXED_FRACTIONAL, fraction=0.25)
    grid = {"fast": [3, 5], "slow": [20]}
    options = {"train": 150, "test": 100, "metric": "total_return", "cash": CASH, "workers": 1}

    plain = walk_forward(MovingAverageCrossover, market, grid, **options)  # type: ignore[arg-type]
    sized = walk_forward(MovingAverageCrossover, market, grid, sizing=quarter, **options)  # type: ignore[arg-type]

    for fold in sized.folds:
        f = fold.fold
        in_sample = sweep(MovingAverageCrossover, market.window(f.train_start, f.train_stop),
                          grid, cash=CASH, sizing=quarter, workers=1)  # fmt: skip
        best = best_row(in_sample, "total_return")
        assert fold.params == {name: int(best[name]) for name in grid}
        strategy = MovingAverageCrossover(**fold.params, cash=CASH)
        direct = run_out_of_sample(strategy, market, f, warmup=150, cash=CASH, sizing=quarter)
        assert fold.test.final_equity == direct.final_equity
        assert len(fold.test.fills) > 0
    assert sized.equity.iloc[-1] != plain.equity.iloc[-1]
