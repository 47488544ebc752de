"""Parameter sweeps: the same numbers as single backtests, in grid order, invalid ones skipped."""

from __future__ import annotations

import pytest

from tetra.backtest.research.sweep import best_row, combinations, sweep
from tetra.backtest.run import run_backtest
from tetra.market import MarketData
from tetra.risk import RiskPolicy
from tetra.risk.sizing_policy import SizingMethod, SizingPolicy
from tetra.simulation.exits import Exits
from tetra.simulation.orders import Commission, Costs
from tetra.strategy.library.crossover import MovingAverageCrossover
from tetra.strategy.membership import Membership, MembersOnly

CASH = 100_000.0
COSTS = Costs(commission=Commission(basis_points=5.0))
GRID = {"fast": [3, 5, 8], "slow": [10, 20]}


@pytest.mark.parametrize(("pool", "workers"), [("process", 2), ("thread", 2), ("process", 1)])
def test_sweep_rows_equal_single_backtests_exactly(
    market: MarketData, pool: str, workers: int
) -> None:
    frame = sweep(
        MovingAverageCrossover,
        market,
        GRID,
        cash=CASH,
        costs=COSTS,
        workers=workers,
        pool=pool,  # type: ignore[arg-type]
    )

    assert len(frame) == 6
    for row in frame.itertuples(index=False):
        single = run_backtest(
            MovingAverageCrossover(fast=row.fast, slow=row.slow, cash=CASH),
            market,
            cash=CASH,
            costs=COSTS,
        )
        metrics = single.metrics()
        assert row.final_equity == single.final_equity
        assert row.sharpe_ratio == metrics.sharpe_ratio
        assert row.max_drawdown == metrics.max_drawdown
        assert row.trades == len(single.trades)


def test_sweep_keeps_grid_order_first_parameter_slowest(market: MarketData) -> None:
    frame = sweep(MovingAverageCrossover, market, GRID, cash=CASH)

    assert list(zip(frame["fast"], frame["slow"], strict=True)) == [
        (3, 10),
        (3, 20),
        (5, 10),
        (5, 20),
        (8, 10),
        (8, 20),
    ]


def test_sweep_skips_and_counts_invalid_combinations(market: MarketData) -> None:
    frame = sweep(MovingAverageCrossover, market, {"fast": [5, 20], "slow": [10, 20]}, cash=CASH)

    assert list(zip(frame["fast"], frame["slow"], strict=True)) == [(5, 10), (5, 20)]
    assert frame.attrs["skipped"] == 2
    assert [params for params, _ in frame.attrs["invalid"]] == [
        {"fast": 20, "slow": 10},
        {"fast": 20, "slow": 20},
    ]
    assert "must be shorter than slow" in frame.attrs["invalid"][0][1]


def test_sweep_reports_progress_up_to_the_number_of_valid_runs(market: MarketData) -> None:
    seen: list[tuple[int, int]] = []

    sweep(
        MovingAverageCrossover, market, GRID, cash=CASH, progress=lambda d, t: seen.append((d, t))
    )

    assert [done for done, _ in seen] == [1, 2, 3, 4, 5, 6]
    assert {total for _, total in seen} == {6}


def test_sweep_adds_a_chosen_metric_column_and_ranks_by_it(market: MarketData) -> None:
    frame = sweep(MovingAverageCrossover, market, GRID, cash=CASH, metric="win_rate")
    best = best_row(frame, "win_rate")

    assert "win_rate" in frame.columns
    assert best["win_rate"] == frame["win_rate"].max()


def test_sweep_rejects_an_unknown_metric(market: MarketData) -> None:
    with pytest.raises(ValueError, match="unknown metric"):
        sweep(MovingAverageCrossover, market, GRID, metric="happiness")


def test_combinations_of_an_empty_grid_is_one_default_run() -> None:
    assert combinations({}) == [{}]


def test_a_sweep_under_a_membership_runs_each_strategy_entering_only_members(
    market: MarketData,
) -> None:
    # BBB is in the group only from bar 100 to bar 299
    days = market.dates.astype(object)
    membership = Membership({"BBB": ((days[100], days[299]),)}, "@test")

    frame = sweep(MovingAverageCrossover, market, {"fast": [5]}, cash=CASH, costs=COSTS,
                  membership=membership)  # fmt: skip

    masked = run_backtest(MembersOnly(MovingAverageCrossover(fast=5, cash=CASH), membership),
                          market, cash=CASH, costs=COSTS)  # fmt: skip
    plain = run_backtest(MovingAverageCrossover(fast=5, cash=CASH), market, cash=CASH, costs=COSTS)
    assert frame["final_equity"].iloc[0] == masked.final_equity
    assert masked.final_equity != plain.final_equity


def test_a_sized_sweep_cell_equals_the_sized_single_backtest_exactly(market: MarketData) -> None:
    quarter = SizingPolicy(method=SizingMethod.FIXED_FRACTIONAL, fraction=0.25)
    exits = Exits(stop_loss=0.05)
    grid = {"fast": [3, 5], "slow": [20]}

    plain = sweep(MovingAverageCrossover, market, grid, cash=CASH, costs=COSTS, workers=1)
    sized = sweep(MovingAverageCrossover, market, grid, cash=CASH, costs=COSTS, workers=2,
                  pool="thread", sizing=quarter, exits=exits)  # fmt: skip

    assert len(sized) == len(plain) == 2
    rows = zip(sized.itertuples(index=False), plain.itertuples(index=False), strict=True)
    for row, unsized in rows:
        single = run_backtest(
            MovingAverageCrossover(fast=row.fast, slow=row.slow, cash=CASH),
            market, cash=CASH, costs=COSTS, sizing=quarter, exits=exits, guards=False,
        )  # fmt: skip
        assert row.final_equity == single.final_equity
        assert row.trades == len(single.trades)
        assert row.final_equity != unsized.final_equity


def test_a_sweep_under_a_risk_policy_equals_the_gated_single_backtest(market: MarketData) -> None:
    capped = RiskPolicy(max_position_weight=0.2, persistence=1)

    frame = sweep(MovingAverageCrossover, market, {"fast": [5], "slow": [20]}, cash=CASH,
                  workers=1, risk_policy=capped)  # fmt: skip

    single = run_backtest(MovingAverageCrossover(fast=5, slow=20, cash=CASH), market,
                          cash=CASH, risk_policy=capped, guards=False)  # fmt: skip
    assert len(single.interventions) > 0
    assert frame["final_equity"].iloc[0] == single.final_equity
