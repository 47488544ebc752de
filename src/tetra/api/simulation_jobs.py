"""Simulations started from the API: checked up front, run in the background.

`prepare_simulation` turns a request into a `SimulationRequest` or raises the API's 422
naming the field (unknown strategy, bad parameters, unknown symbol, scenario or model,
malformed shock, bad path counts), so nothing invalid is accepted. `SimulationJobs` runs
each accepted run as an asyncio task whose work (`run_simulation`, the one entry point a
job queue can route) goes to a worker thread; the paths run on the app's executor (a
local thread pool unless Ray is configured: the API never forks its own process). Every
change is published on the hub as
``{"type": "simulation", "run_id", "status", "progress"}`` (and ``error`` on failure).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import anyio.from_thread
from fastapi.exceptions import RequestValidationError

from tetra.api.backtest_jobs import count_job
from tetra.api.deps import blocking
from tetra.api.events import EventHub
from tetra.api.schemas.simulation import SimulationRunRequest, SimulationStatus
from tetra.backtest.research.simulation_runs import (
    SimulationRequest,
    StrategyRegistry,
    run_simulation,
    simulation_id,
    strategy_of,
)
from tetra.compute import Executor
from tetra.core.errors import ValidationError
from tetra.data.ports import Store
from tetra.simulation.inputs import require_known
from tetra.simulation.models import MODELS
from tetra.simulation.paths import PathSpec
from tetra.simulation.scenarios import Scenario, load_scenarios, pick
from tetra.simulation.shocks import shock_from_mapping

T = TypeVar("T")
log = logging.getLogger(__name__)
KEPT_JOBS = 1_000
CONCURRENT_RUNS = 1  # paths already use every worker of the executor


@dataclass
class SimulationJob:
    run_id: str
    status: SimulationStatus = "queued"
    progress: float = 0.0
    error: str | None = None


def invalid(loc: tuple[str | int, ...], message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


def scenario_catalog(directories: list[Path]) -> dict[str, Scenario]:
    """Return shipped and user scenarios; a malformed user file is a 422-worthy error."""
    return load_scenarios(directories)


def prepare_simulation(
    store: Store,
    body: SimulationRunRequest,
    strategies: StrategyRegistry,
    scenarios: dict[str, Scenario],
) -> SimulationRequest:
    """Validate `body` against the registry, the store and the catalog; raise a 422 if bad."""
    symbols = tuple(body.portfolio) if body.portfolio else tuple(body.symbols)
    if not symbols:
        raise invalid(("body", "symbols"), "choose at least one symbol")
    if body.model not in MODELS:
        raise invalid(
            ("body", "model"),
            f"unknown market model {body.model!r}; choose one of {', '.join(MODELS)}",
        )
    checks: list[tuple[str, Callable[[], object]]] = [
        (
            "symbols",
            lambda: require_known(
                {r.symbol: r for r in store.coverage("market_data.ohlcv")}, symbols
            ),
        ),
        ("paths", lambda: PathSpec(body.paths, body.bars, body.seed)),
    ]
    for field, check in checks:
        _field(field, check)
    shocks = tuple(_field("shocks", partial(shock_from_mapping, s)) for s in body.shocks)
    chosen = _field(
        "scenarios",
        lambda: tuple(pick(scenarios, body.scenarios) if body.scenarios else scenarios.values()),
    )
    request = _field("body", lambda: SimulationRequest(
        body.kind, symbols, body.start, body.end, body.strategy, body.params, body.portfolio,
        body.model, body.states, body.paths, body.bars, body.seed, shocks, chosen, body.cash,
        body.commission_bps, body.slippage_bps, body.drawdown_threshold,
    ))  # fmt: skip
    _field("strategy", lambda: strategy_of(request, strategies))
    return request


def _field(name: str, check: Callable[[], T]) -> T:
    try:
        return check()
    except ValidationError as error:
        raise invalid(("body", name), str(error)) from error


class SimulationJobs:
    """The simulations of one app, each run in a worker thread on the app's executor."""

    def __init__(
        self,
        store: Store,
        hub: EventHub,
        executor: Callable[[], Executor],
        strategies: StrategyRegistry,
    ) -> None:
        self._store, self._hub, self._executor = store, hub, executor
        self._strategies = strategies
        self._jobs: OrderedDict[str, SimulationJob] = OrderedDict()
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(CONCURRENT_RUNS)

    def get(self, run_id: str) -> SimulationJob | None:
        return self._jobs.get(run_id)

    async def submit(self, request: SimulationRequest) -> SimulationJob:
        """Accept a run: announce it queued and start it in the background."""
        started = dt.datetime.now(dt.UTC)
        job = SimulationJob(simulation_id(request, started))
        self._jobs[job.run_id] = job
        while len(self._jobs) > KEPT_JOBS:
            self._jobs.popitem(last=False)
        await self._publish(job)
        task = asyncio.create_task(self._run(job, request, started))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(
        self, job: SimulationJob, request: SimulationRequest, started: dt.datetime
    ) -> None:
        async with self._slots:
            began = time.perf_counter()
            try:
                await self._update(job, "running", 0.0)
                await blocking(self._work, job, request, started)
                await self._update(job, "done", 1.0)
            except Exception as error:  # a background run must report any failure, not vanish
                log.warning("simulation %s failed: %s", job.run_id, error, exc_info=True)
                job.error = str(error) or type(error).__name__
                await self._update(job, "failed", job.progress)
            finally:
                count_job("simulation", job.status, time.perf_counter() - began)

    def _work(self, job: SimulationJob, request: SimulationRequest, started: dt.datetime) -> None:
        def progress(done: float) -> None:  # called in this worker thread
            anyio.from_thread.run(self._update, job, "running", min(done, 0.99))

        with self._executor() as executor:
            run_simulation(
                self._store,
                request,
                executor,
                self._strategies,
                progress=progress,
                started_at=started,
            )

    async def _update(self, job: SimulationJob, status: SimulationStatus, progress: float) -> None:
        job.status, job.progress = status, progress
        await self._publish(job)

    async def _publish(self, job: SimulationJob) -> None:
        event = {
            "type": "simulation",
            "run_id": job.run_id,
            "status": job.status,
            "progress": round(job.progress, 4),
        }
        if job.error is not None:
            event["error"] = job.error
        await self._hub.publish(event)
