"""Golden backtests pinned to exact numbers: real public-domain bars and the sample universe.

The figures were computed once by this engine and are pinned so that any change in fills,
accounting or metrics shows up here. Both execution paths must reproduce them exactly.
The bokeh bars are raw prices without corporate actions, so AAPL's 2005 2-for-1 split
appears as a one-day halving; the pinned run includes that on purpose, as raw data does.
"""

from __future__ import annotations

import pytest

from tetra.backtest.run import run_backtest
from tetra.data.calendars import sessions
from tetra.data.universe import load_universe
from tetra.market import MarketData
from tetra.sample.history import SampleSpec, generate_sample_history
from tetra.simulation.orders import Commission, Costs, Slippage
from tetra.strategy.library.crossover import MovingAverageCrossover
from tetra.testing.public_bars import bokeh_bars

PATHS = ["compiled", "callback"]


@pytest.fixture(scope="module")
def public_market() -> MarketData:
    return MarketData.from_frames(bokeh_bars())


@pytest.mark.parametrize("path", PATHS)
def test_sma_crossover_on_public_bars_matches_its_pinned_figures(
    public_market: MarketData, path: str
) -> None:
    result = run_backtest(MovingAverageCrossover(fast=20, slow=50), public_market, path=path)  # type: ignore[arg-type]
    metrics = result.metrics()

    assert result.final_equity == pytest.approx(1_575_457.1357, abs=1e-4)
    assert len(result.fills) == 231
    assert len(result.trades) == 117
    assert metrics.number_of_trades == 114
    assert metrics.total_return == pytest.approx(0.5754571357, abs=1e-10)
    assert metrics.sharpe_ratio == pytest.approx(0.2846546082, abs=1e-10)
    assert metrics.max_drawdown == pytest.approx(-0.5957077813, abs=1e-10)
    assert metrics.win_rate == pytest.approx(0.4122807018, abs=1e-10)
    first = result.trades.iloc[0]
    assert (first["symbol"], first["quantity"], first["entry_price"], first["exit_price"]) == (
        "IBM",
        2155.0,
        116.0,
        104.44,
    )
    assert result.warnings == []


@pytest.fixture(scope="module")
def sample_market() -> MarketData:
    spec = SampleSpec()
    universe = list(load_universe().by_group("largest_etfs"))
    first = spec.end.replace(year=spec.end.year - spec.years)
    history = generate_sample_history(universe, sessions(first, spec.end), spec)
    return MarketData.from_frames(history.bars, history.corporate_actions)


@pytest.mark.parametrize("path", PATHS)
def test_sma_crossover_with_costs_on_the_sample_etfs_is_pinned(
    sample_market: MarketData, path: str
) -> None:
    costs = Costs(Commission(per_share=0.005, minimum=1.0), Slippage(basis_points=2))
    strategy = MovingAverageCrossover(fast=10, slow=40)

    result = run_backtest(strategy, sample_market, path=path, costs=costs)  # type: ignore[arg-type]

    assert (len(result.fills), round(result.final_equity, 4)) == PINNED_SAMPLE
    assert result.warnings == []


PINNED_SAMPLE = (2517, 1_060_747.5003)  # fills, final equity: identical on both paths
