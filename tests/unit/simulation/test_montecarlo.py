"""Monte Carlo: chunking and executors never change a number; metrics match the reports'."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tetra.backtest.paths import HoldingsOnPath, StrategyOnPath
from tetra.compute import LocalPool, SerialExecutor
from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.reports.metrics import compute_metrics
from tetra.simulation.models import calibrate, history_of
from tetra.simulation.models.base import FittedModel
from tetra.simulation.montecarlo import MonteCarloSpec, run_monte_carlo
from tetra.simulation.outcomes import path_metrics
from tetra.simulation.paths import ModelMarketPaths, PathSpec
from tetra.strategy.library import MovingAverageCrossover

CROSSOVER = StrategyOnPath(MovingAverageCrossover(fast=5, slow=20))


@pytest.fixture(scope="module")
def model(panel: MarketData) -> FittedModel:
    return calibrate("bootstrap", history_of(panel))


def spec(paths: int = 12, chunk: int = 5, seed: int = 3) -> MonteCarloSpec:
    return MonteCarloSpec(PathSpec(paths=paths, bars=120, seed=seed), chunk=chunk, points=30)


def test_chunk_size_and_executor_do_not_change_any_number(model: FittedModel) -> None:
    serial = run_monte_carlo(model, CROSSOVER, spec(chunk=5), SerialExecutor())
    pooled = run_monte_carlo(model, CROSSOVER, spec(chunk=3), LocalPool(2))
    pd.testing.assert_frame_equal(serial.metrics, pooled.metrics, check_exact=True)
    pd.testing.assert_frame_equal(serial.bands, pooled.bands, check_exact=True)
    assert serial.metrics["fills"].sum() > 0


def test_a_smaller_run_is_the_start_of_a_bigger_one(model: FittedModel) -> None:
    small = run_monte_carlo(model, CROSSOVER, spec(paths=4), SerialExecutor())
    big = run_monte_carlo(model, CROSSOVER, spec(paths=12), SerialExecutor())
    pd.testing.assert_frame_equal(small.metrics, big.metrics.iloc[:4], check_exact=True)


def test_callback_strategies_run_too_and_agree_with_the_compiled_path(model: FittedModel) -> None:
    per_bar = StrategyOnPath(MovingAverageCrossover(fast=5, slow=20), path="callback")
    compiled = run_monte_carlo(model, CROSSOVER, spec(paths=3), SerialExecutor())
    callbacks = run_monte_carlo(model, per_bar, spec(paths=3), SerialExecutor())
    pd.testing.assert_frame_equal(compiled.metrics, callbacks.metrics)


def test_probabilities_and_summary_follow_the_per_path_metrics(model: FittedModel) -> None:
    result = run_monte_carlo(model, HoldingsOnPath.of({"AAA": 1.0}), spec(), SerialExecutor())
    returns = result.metrics["total_return"]
    assert result.probability_of_loss == (returns < 0).mean()
    worst = result.metrics["max_drawdown"]
    assert result.probability_of_drawdown == (worst < -0.2).mean()
    assert result.summary().loc["total_return", "p50"] == pytest.approx(returns.median())
    assert list(result.bands.columns) == ["p5", "p25", "p50", "p75", "p95"]
    assert (np.diff(result.bands.to_numpy(), axis=1) >= 0).all()  # bands are ordered
    assert len(result.dates) == len(result.bands)


def test_holdings_are_bought_at_the_first_open_and_never_traded(panel: MarketData) -> None:
    market = panel.window(0, 50)
    run = HoldingsOnPath.of({"AAA": 0.6, "CCC": 0.3}, cash=1_000.0)(market)
    a, c = market.column("AAA"), market.column("CCC")
    expected = 1_000.0 * (
        0.1
        + 0.6 * market.close[:, a] / market.open[0, a]
        + 0.3 * market.close[:, c] / market.open[0, c]
    )
    np.testing.assert_allclose(run.equity, expected, rtol=1e-12)


def test_path_metrics_agree_with_the_reports(panel: MarketData) -> None:
    close = panel.close[:300, 0]
    curve = np.concatenate([[close[0]], close]) / close[0]
    ours = path_metrics(curve[np.newaxis], 252)
    index = pd.bdate_range("2020-01-01", periods=len(curve))
    theirs = compute_metrics(pd.Series(curve * 1e6, index=index))
    assert ours["total_return"][0] == pytest.approx(theirs.total_return, rel=1e-12)
    assert ours["sharpe_ratio"][0] == pytest.approx(theirs.sharpe_ratio, rel=1e-9)
    assert ours["max_drawdown"][0] == pytest.approx(theirs.max_drawdown, rel=1e-12)
    assert ours["cagr"][0] == pytest.approx(theirs.annual_return, rel=1e-6)


@pytest.mark.parametrize(
    ("paths", "bars", "message"),
    [(0, 100, "at least 1, not 0"), (5, 1, "between 2 and"), (-1, 100, "at least 1")],
)
def test_bad_path_counts_are_clear_errors(paths: int, bars: int, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PathSpec(paths=paths, bars=bars)


def test_portfolio_weights_beyond_the_account_are_refused() -> None:
    with pytest.raises(ValidationError, match="beyond 1"):
        HoldingsOnPath.of({"AAA": 0.8, "BBB": 0.5})


def test_model_market_paths_serve_the_ml_robustness_port(model: FittedModel) -> None:
    from tetra.ml.robustness import MarketPaths

    source: MarketPaths = ModelMarketPaths(model, bars=40)
    first = list(source.paths(3, seed=5))
    again = list(source.paths(3, seed=5))
    assert [p.shape for p in first] == [(40, 3)] * 3
    assert all(np.array_equal(a.close, b.close) for a, b in zip(first, again, strict=True))
