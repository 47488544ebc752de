"""Walk-forward analysis from the web: start one, follow it, read its folds and stitched run.

A walk-forward runs on the backtests' job queue (`BacktestJobs`) and is stored as a run of
mode ``walk_forward``; its id is that run's id, so ``GET /walk-forwards/{run_id}`` answers
while it runs (status, progress) and ever after (from the store).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException

from tetra.api.backtest_jobs import FINISHED, BacktestJobs, Job
from tetra.api.deps import StoreDep, blocking
from tetra.api.errors import ERROR_RESPONSES
from tetra.api.routes.backtests import JobsDep, job_limits
from tetra.api.schemas.backtests import EquityPoint
from tetra.api.schemas.walk_forward import FoldOut, WalkForwardDetail, WalkForwardRequest
from tetra.api.walk_forward_jobs import prepare_walk_forward, walk_forward_work
from tetra.backtest.research.persist import StoredRun, load_run

router = APIRouter(prefix="/api/backtests", tags=["backtests"], responses=ERROR_RESPONSES)


@router.post(
    "/walk-forwards",
    status_code=202,
    response_model=WalkForwardDetail,
    summary="Start a walk-forward analysis",
)
async def start_walk_forward(
    body: WalkForwardRequest, registry: JobsDep, request: Request
) -> WalkForwardDetail:
    """Sweep `grid` on each train window, test the best on the next; poll its GET route.

    A grid of more combinations than ``TETRA_JOBS__MAX_SWEEP_COMBINATIONS`` is a 422, as is a
    grid without one valid combination; windows longer than the bars fail the job, saying so.
    """
    started = dt.datetime.now(dt.UTC)
    cap = job_limits(request).max_sweep_combinations
    prepared = prepare_walk_forward(body, started, cap)
    while prepared.run_id in registry:  # two identical requests within one microsecond
        started += dt.timedelta(microseconds=1)
        prepared = prepare_walk_forward(body, started, cap)
    job = await registry.submit(
        Job(prepared.run_id, "walk_forward"), walk_forward_work(registry, prepared)
    )
    return WalkForwardDetail(run_id=job.job_id, status=job.status, progress=job.progress)


@router.get(
    "/walk-forwards/{run_id}", response_model=WalkForwardDetail, summary="A walk-forward's folds"
)
async def walk_forward_detail(run_id: str, store: StoreDep, registry: JobsDep) -> WalkForwardDetail:
    """Return the status while it runs; once done, every fold and the out-of-sample run."""
    job = registry.get(run_id)
    if job is not None and job.kind == "walk_forward" and job.status != "done":
        return WalkForwardDetail(
            run_id=run_id, status=job.status, progress=job.progress, error=job.error
        )
    try:
        run = await blocking(load_run, store, run_id)
    except KeyError as error:
        raise HTTPException(status_code=404, detail=f"no walk-forward {run_id!r}") from error
    if run.run.get("mode") != "walk_forward":
        raise HTTPException(status_code=404, detail=f"run {run_id!r} is not a walk-forward")
    return _detail(run_id, run)


@router.delete(
    "/walk-forwards/{run_id}",
    status_code=202,
    response_model=WalkForwardDetail,
    summary="Cancel a queued or running walk-forward",
    responses={409: ERROR_RESPONSES[404] | {"description": "It has already finished."}},
)
async def cancel_walk_forward(run_id: str, registry: JobsDep) -> WalkForwardDetail:
    """Cancel it: it stops after the backtests already running and is not stored."""
    job = await _cancelled(registry, run_id)
    return WalkForwardDetail(run_id=run_id, status=job.status, progress=job.progress)


async def _cancelled(registry: BacktestJobs, run_id: str) -> Job:
    job = registry.get(run_id)
    if job is None or job.kind != "walk_forward":
        raise HTTPException(status_code=404, detail=f"no walk-forward job {run_id!r} here")
    if job.status in FINISHED:
        raise HTTPException(status_code=409, detail=f"the walk-forward is already {job.status}")
    cancelled = await registry.cancel(run_id)
    assert cancelled is not None
    return cancelled


def _detail(run_id: str, run: StoredRun) -> WalkForwardDetail:
    params = _object(run.run.get("params"))
    results = params.pop("fold_results", [])
    params.pop("folds", None)
    return WalkForwardDetail(
        run_id=run_id,
        status="done",
        progress=1.0,
        strategy=str(run.definition["name"]),
        spec=_object(run.definition.get("config")),
        params=params,
        folds=[FoldOut.model_validate(row) for row in results],
        equity=[
            EquityPoint(date=d.date(), equity=float(v))
            for d, v in zip(run.equity.index, run.equity, strict=True)
        ],
        metrics={name: _finite(value) for name, value in run.metrics.items()},
    )


def _object(value: object) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value)
    return dict(value) if isinstance(value, dict) else {}


def _finite(value: float) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None
