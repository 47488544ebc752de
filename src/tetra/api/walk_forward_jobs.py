"""Walk-forward analysis started from the API: checked up front, run as a background job.

`prepare_walk_forward` turns a request into a ready job or raises the API's 422; the run id
is the one the stored record will have (mode ``walk_forward``), so the job's id is also the
run's URL once it is done. `walk_forward_work` runs it on the app's `BacktestJobs` (the same
queue and slots as backtests and sweeps): bars loaded off the event loop (``@group``
symbols as every member of the run, entered only while in), each fold's sweep
in threads (the API's process is never forked), progress per backtest, the result stored
with each fold's windows and in-sample and out-of-sample metric.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import anyio.from_thread
import pandas as pd

from tetra.api.backtest_jobs import (
    MAX_SWEEP_COMBINATIONS,
    SWEEP_WORKERS,
    BacktestJobs,
    Job,
    JobCancelled,
    check_groups,
    costs_of,
    invalid,
    risk_of,
    strategy_class_of,
)
from tetra.api.deps import blocking
from tetra.api.schemas.walk_forward import WalkForwardRequest
from tetra.backtest.options import RunRisk
from tetra.backtest.research.members import group_market
from tetra.backtest.research.persist import RunRecord, save_run, walk_forward_record
from tetra.backtest.research.sweep import METRICS, StrategyClass, validate_grid
from tetra.backtest.research.walk_forward import WalkForwardResult, folds, walk_forward
from tetra.core.errors import ValidationError as TetraValidationError
from tetra.market import MarketData
from tetra.simulation.orders import Costs
from tetra.strategy.membership import Membership


@dataclass(frozen=True)
class PreparedWalkForward:
    """A validated walk-forward: its strategy class, costs, risk options, spec, future run id."""

    run_id: str
    request: WalkForwardRequest
    strategy_class: StrategyClass
    costs: Costs
    spec: dict[str, Any]
    started_at: dt.datetime
    risk: RunRisk


def prepare_walk_forward(
    request: WalkForwardRequest,
    started_at: dt.datetime,
    max_combinations: int = MAX_SWEEP_COMBINATIONS,
) -> PreparedWalkForward:
    """Validate the strategy, the grid (names, size, one valid combination) and the metric."""
    combinations = math.prod(len(values) for values in request.grid.values())
    if combinations > max_combinations:
        raise invalid(
            ("body", "grid"),
            f"the grid has {combinations:,} combinations; at most {max_combinations:,} "
            "per fold (TETRA_JOBS__MAX_SWEEP_COMBINATIONS)",
        )
    cls = strategy_class_of(request.strategy)
    check_groups(request.symbols)
    unknown = sorted(set(request.grid) - set(cls.Config.model_fields))
    if unknown:
        raise invalid(("body", "grid"), f"{cls.name} has no parameter {', '.join(unknown)}")
    if request.metric not in METRICS:
        raise invalid(("body", "metric"), f"unknown metric {request.metric!r}")
    valid, rejected = validate_grid(cls, request.grid, request.cash)
    if not valid:
        why = f"{rejected[0][0]}: {rejected[0][1]}" if rejected else "a parameter has no value"
        raise invalid(("body", "grid"), f"no valid combination in the grid: {why}")
    spec = {
        "grid": request.grid,
        "train": request.train,
        "test": request.test,
        "step": request.step or request.test,
        "anchored": request.anchored,
        "metric": request.metric,
    }
    run_id = _run_id(cls.name, spec, started_at)
    costs = costs_of(request.commission_bps, request.slippage_bps)
    return PreparedWalkForward(run_id, request, cls, costs, spec, started_at, risk_of(request))


def _run_id(name: str, spec: dict[str, Any], started_at: dt.datetime) -> str:
    record = RunRecord(
        name=name,
        config=spec,
        equity=pd.Series(dtype=float),
        trades=pd.DataFrame(),
        metrics={},
        started_at=started_at,
        finished_at=started_at,
        mode="walk_forward",
    )
    return record.run_id


def walk_forward_work(
    jobs: BacktestJobs, prepared: PreparedWalkForward
) -> Callable[[Job], Coroutine[Any, Any, None]]:
    """Return the job's work: run the walk-forward, store it, report progress on the way."""

    async def work(job: Job) -> None:
        request = prepared.request
        await jobs.update(job, "running", 0.0)
        members = await blocking(
            group_market, jobs.store, request.symbols, request.start, request.end,
            request.adjustment,
        )  # fmt: skip
        market = members.market

        def progress(done: int, total: int) -> None:  # called in the worker thread
            if job.cancel_requested:
                raise JobCancelled
            anyio.from_thread.run(jobs.update, job, "running", 0.95 * done / max(total, 1))

        result = await blocking(_walk_forward, prepared, market, members.membership, progress)
        params = {
            **request.model_dump(mode="json", exclude={"strategy", "grid", "metric"}),
            "symbols": list(market.symbols),
            "warnings": list(members.notes),
            **members.stored(),
        }
        record = walk_forward_record(
            result,
            prepared.strategy_class.name,
            prepared.spec,
            started_at=prepared.started_at,
            finished_at=dt.datetime.now(dt.UTC),
            params=params,
            dates=market.dates,
        )
        await blocking(save_run, jobs.store, record)
        await jobs.update(job, "done", 1.0)
        await jobs.stored()

    return work


def _walk_forward(
    prepared: PreparedWalkForward,
    market: MarketData,
    membership: Membership | None,
    progress: Callable[[int, int], None],
) -> WalkForwardResult:
    """Run it; a window that does not fit the bars is the user's error, said in one line."""
    request = prepared.request
    bars = market.shape[0]
    if not folds(bars, request.train, request.test, request.step, anchored=request.anchored):
        raise TetraValidationError(
            f"{bars} bars between {request.start} and {request.end} hold no fold of "
            f"train {request.train} + test {request.test} bars"
        )
    return walk_forward(
        prepared.strategy_class,
        market,
        request.grid,
        train=request.train,
        test=request.test,
        step=request.step,
        anchored=request.anchored,
        metric=request.metric,
        cash=request.cash,
        costs=prepared.costs,
        workers=SWEEP_WORKERS,
        progress=progress,
        pool="thread",
        membership=membership,
        **prepared.risk.options(),
    )
