"""Ray, started locally once for the session: the executor contract, and Monte Carlo paths
bit-identical to the local pool's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

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


GRID = {"fast": [3, 5, 8, 10, 15], "slow": [20, 30, 40]}


def test_a_sweep_on_ray_equals_the_local_pool_and_the_default_path(
    ray_executor: Executor,
) -> None:
    from tetra.backtest.research.sweep import sweep

    seen: list[tuple[int, int]] = []
    on_ray = sweep(
        MovingAverageCrossover, panel(), GRID, executor=ray_executor, batch=4,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    on_pool = sweep(MovingAverageCrossover, panel(), GRID, executor=LocalPool(2))
    default = sweep(MovingAverageCrossover, panel(), GRID, workers=2)

    assert len(on_ray) == 15
    pd.testing.assert_frame_equal(on_ray, on_pool, check_exact=True)
    pd.testing.assert_frame_equal(on_ray, default, check_exact=True)
    assert seen == [(4, 15), (8, 15), (12, 15), (15, 15)]


def test_a_walk_forward_on_ray_equals_the_local_run(ray_executor: Executor) -> None:
    from tetra.backtest.research.walk_forward import walk_forward

    grid = {"fast": [3, 5, 8], "slow": [20, 30]}
    on_ray = walk_forward(
        MovingAverageCrossover, panel(), grid, train=150, test=50, executor=ray_executor
    )
    local = walk_forward(MovingAverageCrossover, panel(), grid, train=150, test=50, workers=1)

    assert [f.params for f in on_ray.folds] == [f.params for f in local.folds]
    pd.testing.assert_series_equal(on_ray.equity, local.equity, check_exact=True)


def test_a_worker_killed_mid_task_is_retried_and_no_result_is_duplicated(
    ray_executor: Executor, tmp_path: Path
) -> None:
    folder = str(tmp_path)

    def square_but_die_once_on_three(task: int) -> int:
        import os
        from pathlib import Path

        attempts = Path(folder) / f"attempt-{task}-{os.getpid()}"
        attempts.touch()
        if task == 3 and not (Path(folder) / "killed").exists():
            (Path(folder) / "killed").touch()
            os._exit(1)  # the worker process dies mid-task, as under the OOM killer
        return task * task

    results = list(ray_executor.map(square_but_die_once_on_three, range(8)))

    assert results == [n * n for n in range(8)]
    assert (tmp_path / "killed").exists()
    assert len(list(tmp_path.glob("attempt-3-*"))) == 2  # run twice, yielded once
