"""Ray, started locally once for the session: the executor contract, and Monte Carlo paths
bit-identical to the local pool's."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pytest

from tetra.adapters.compute import open_executor
from tetra.adapters.compute.ray import RayExecutor
from tetra.backtest.paths import StrategyOnPath
from tetra.compute import Executor, LocalPool
from tetra.market import MarketData
from tetra.simulation.models import calibrate, history_of
from tetra.simulation.montecarlo import MonteCarloSpec, run_monte_carlo
from tetra.simulation.paths import PathSpec
from tetra.strategy.library import MovingAverageCrossover
from tetra.testing.executor_contract import CHECKS


@pytest.fixture(scope="session")
def ray_executor() -> Iterator[Executor]:
    executor = open_executor("auto", ray_cpus=2)
    assert isinstance(executor, RayExecutor)
    yield executor
    executor.close()


def panel(steps: int = 400) -> MarketData:
    rng = np.random.default_rng(8)
    close = 100 * np.exp(np.cumsum(0.01 * rng.standard_normal((steps, 2)), axis=0))
    dates = np.busday_offset(np.datetime64("2020-01-01"), np.arange(steps), roll="forward")
    ones, zeros = np.ones((steps, 2)), np.zeros((steps, 2))
    return MarketData(
        dates, ("A", "B"), close, close * 1.01, close * 0.99, close, ones * 1e6, ones, zeros
    )


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_ray_keeps_the_executor_contract(
    ray_executor: Executor, check: Callable[[Executor], None]
) -> None:
    check(ray_executor)


@pytest.mark.parametrize("model_name", ["bootstrap", "garch"])
def test_monte_carlo_on_ray_equals_the_local_pool_bit_for_bit(
    ray_executor: Executor, model_name: str
) -> None:
    model = calibrate(model_name, history_of(panel()))
    spec = MonteCarloSpec(PathSpec(paths=10, bars=150, seed=42), chunk=3, points=40)
    evaluate = StrategyOnPath(MovingAverageCrossover(fast=5, slow=20))
    on_ray = run_monte_carlo(model, evaluate, spec, ray_executor)
    local = run_monte_carlo(model, evaluate, spec, LocalPool(2))
    pd.testing.assert_frame_equal(on_ray.metrics, local.metrics, check_exact=True)
    pd.testing.assert_frame_equal(on_ray.bands, local.bands, check_exact=True)
    assert on_ray.executor.startswith("ray (local")
