"""Backtests and sweeps started from the API: checked up front, run off the event loop.

Map: `prepare_run` / `prepare_sweep` turn a request into a ready job or raise the API's
422 (`RequestValidationError`), so nothing invalid is ever accepted. ``@group`` symbols
(``@crypto``) load every member of the run, entered only while in, as in `tetra backtest`
(`tetra.backtest.research.members`); an unknown group is a 422. `BacktestJobs` keeps
the jobs of one app (status, progress, error) and runs each as an asyncio task whose
blocking steps (loading bars, the backtest, persisting) go to the thread pool. Every
change of a job is published on the hub as
``{"type": "backtest" | "sweep", "run_id" | "sweep_id", "status", "progress"}``; a finished
backtest also clears the coverage cache and publishes ``{"type": "coverage_changed"}``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal

import anyio.from_thread
import pandas as pd
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from tetra.api.cache import TtlCache
from tetra.api.deps import blocking
from tetra.api.events import Event, EventHub
from tetra.api.schemas.backtests import ExitsIn, RiskOptions, RunRequest, RunStatus, SweepRequest
from tetra.backtest.managed import stored_interventions
from tetra.backtest.options import RunRisk
from tetra.backtest.research.members import GroupMarket, group_market, unknown_groups
from tetra.backtest.research.persist import RunRecord, backtest_record, save_run
from tetra.backtest.research.sweep import METRICS, StrategyClass, configure, sweep
from tetra.backtest.run import run_backtest
from tetra.core.errors import ValidationError as TetraValidationError
from tetra.core.telemetry import telemetry
from tetra.data.ports import Store
from tetra.market import Adjustment, MarketData, load_market
from tetra.ml.storage import with_stored_signal
from tetra.risk.policy import RiskPolicy, RiskPolicyError, parse_policy
from tetra.risk.sizing_policy import SizingPolicy, SizingPolicyError, parse_sizing
from tetra.simulation.exits import Exits
from tetra.simulation.orders import Commission, Costs, Slippage
from tetra.strategy.base import Strategy, StrategyConfig
from tetra.strategy.library import STRATEGIES

log = logging.getLogger(__name__)

KEPT_JOBS = 1_000  # finished jobs remembered in memory; their results stay in the store
CONCURRENT_JOBS = 2  # backtests running at once; the others wait as "queued"
MAX_SWEEP_COMBINATIONS = 10_000
SWEEP_WORKERS = 2
CLIPPED_AFTER_DAYS = 5  # a weekend plus a holiday or two between a date asked and a bar is normal
FINISHED = ("done", "failed", "cancelled")


class JobCancelled(Exception):
    """Raised inside a job's work when someone cancelled it."""


@dataclass
class Job:
    """The live state of one backtest or sweep; `outcome` holds a sweep's table."""

    job_id: str
    kind: Literal["backtest", "sweep", "walk_forward", "ml_evaluation"]
    status: RunStatus = "queued"
    progress: float = 0.0
    error: str | None = None
    outcome: pd.DataFrame | None = None
    warnings: tuple[str, ...] = ()
    metric: str = ""
    parameters: tuple[str, ...] = ()
    cancel_requested: bool = False

    def event(self) -> Event:
        key = "sweep_id" if self.kind == "sweep" else "run_id"
        event: Event = {"type": self.kind, key: self.job_id, "status": self.status}
        event["progress"] = round(self.progress, 4)
        if self.error is not None:
            event["error"] = self.error
        return event


@dataclass(frozen=True)
class PreparedRun:
    """A validated backtest request: the strategy built, the costs set, its run id chosen."""

    run_id: str
    request: RunRequest
    strategy: Strategy  # type: ignore[type-arg]
    costs: Costs
    started_at: dt.datetime
    risk: RunRisk


@dataclass(frozen=True)
class PreparedSweep:
    sweep_id: str
    request: SweepRequest
    strategy_class: StrategyClass
    costs: Costs
    risk: RunRisk


def count_job(kind: str, status: str, seconds: float) -> None:
    """Count a finished research job (backtest, sweep, simulation) and time it."""
    telemetry().increment("tetra_research_jobs", {"kind": kind, "status": status})
    telemetry().observe("tetra_research_job_seconds", {"kind": kind}, seconds)


def invalid(loc: tuple[str | int, ...], message: str) -> RequestValidationError:
    """Return the 422 of the API's error model for one bad field."""
    return RequestValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


def strategy_class_of(name: str) -> StrategyClass:
    if name not in STRATEGIES:
        known = ", ".join(sorted(STRATEGIES))
        raise invalid(("body", "strategy"), f"unknown strategy {name!r}; known: {known}")
    return STRATEGIES[name]


def costs_of(commission_bps: float, slippage_bps: float) -> Costs:
    return Costs(Commission(basis_points=commission_bps), Slippage(basis_points=slippage_bps))


def prepare_run(request: RunRequest, started_at: dt.datetime) -> PreparedRun:
    """Validate the strategy and its params; raise `RequestValidationError` when invalid."""
    cls = strategy_class_of(request.strategy)
    check_groups(request.symbols)
    try:
        config = configure(cls, request.params, request.cash)
    except ValidationError as error:
        raise RequestValidationError(
            [{"loc": ("body", "params", *e["loc"]), "msg": e["msg"]} for e in error.errors()]
        ) from error
    costs = costs_of(request.commission_bps, request.slippage_bps)
    run_id = run_id_of(cls, config, started_at)
    return PreparedRun(run_id, request, cls(config), costs, started_at, risk_of(request))


def check_groups(symbols: list[str]) -> None:
    """Raise the API's 422 naming each ``@group`` of `symbols` that is no universe group."""
    unknown = unknown_groups(symbols)
    if unknown:
        raise RequestValidationError(
            [{"loc": ("body", "symbols", n), "msg": message, "type": "value_error"}
             for n, message in unknown.items()]
        )  # fmt: skip


def risk_of(request: RiskOptions) -> RunRisk:
    """Check a request's risk policy, exits and sizing; raise the API's 422 at the bad field."""
    return RunRisk(exits=exits_of(request.exits), risk_policy=risk_policy_of(request.risk_policy),
                   sizing=sizing_of(request.sizing))  # fmt: skip


def risk_policy_of(document: dict[str, Any] | None) -> RiskPolicy | None:
    """Return the run's risk policy, or raise the API's 422 naming the bad field."""
    if document is None:
        return None
    try:
        return parse_policy(document)
    except RiskPolicyError as error:
        raise RequestValidationError(
            [{"loc": ("body", "risk_policy", *error.field.split(".")), "msg": str(error)}]
        ) from None


def sizing_of(document: dict[str, Any] | None) -> SizingPolicy | None:
    """Return the run's sizing policy, or raise the API's 422 naming the bad field."""
    if document is None:
        return None
    try:
        return parse_sizing(document)
    except SizingPolicyError as error:
        raise invalid(("body", "sizing", *error.field.split(".")), str(error)) from None


def exits_of(exits: ExitsIn | None) -> Exits | None:
    """Return the run's exits, or raise a 422 for combinations the fields alone allow."""
    if exits is None:
        return None
    try:
        return Exits(**exits.model_dump())
    except TetraValidationError as error:
        field = str(error).split(":", 1)[0]
        raise invalid(("body", "exits", field), str(error)) from None


def run_id_of(cls: StrategyClass, config: StrategyConfig, started_at: dt.datetime) -> str:
    """Return the id `save_run` will give this run (the persisted record's own formula)."""
    record = RunRecord(
        name=cls.name,
        config=config.model_dump(mode="json"),
        equity=pd.Series(dtype=float),
        trades=pd.DataFrame(),
        metrics={},
        started_at=started_at,
        finished_at=started_at,
    )
    return record.run_id


def prepare_sweep(
    request: SweepRequest, sweep_id: str, max_combinations: int = MAX_SWEEP_COMBINATIONS
) -> PreparedSweep:
    """Validate the strategy, the grid's names, its size and the metric; 422 when invalid."""
    combinations = math.prod(len(values) for values in request.grid.values())
    if combinations > max_combinations:
        raise invalid(
            ("body", "grid"),
            f"the grid has {combinations:,} combinations; at most {max_combinations:,} "
            "(TETRA_JOBS__MAX_SWEEP_COMBINATIONS)",
        )
    cls = strategy_class_of(request.strategy)
    unknown = sorted(set(request.grid) - set(cls.Config.model_fields))
    if unknown:
        raise invalid(("body", "grid"), f"{cls.name} has no parameter {', '.join(unknown)}")
    if request.metric not in METRICS:
        raise invalid(("body", "metric"), f"unknown metric {request.metric!r}")
    check_groups(request.symbols)
    costs = costs_of(request.commission_bps, request.slippage_bps)
    return PreparedSweep(sweep_id, request, cls, costs, risk_of(request))


def benchmark_returns(store: Store, request: RunRequest, market: MarketData) -> pd.Series | None:
    """Return the benchmark's daily total returns on the run's dates, or None without one.

    A benchmark without bars in the run's period raises `ValidationError` naming it.
    """
    if request.benchmark is None:
        return None
    first, last = (dt.date.fromisoformat(str(day)) for day in (market.dates[0], market.dates[-1]))
    bench = load_market(store, [request.benchmark], first, last, adjustment=Adjustment.TOTAL_RETURN)
    days = pd.DatetimeIndex(bench.dates.astype("datetime64[ns]"), name="date")
    close = pd.Series(bench.close[:, 0], index=days)
    runs = pd.DatetimeIndex(market.dates.astype("datetime64[ns]"), name="date")
    return close.reindex(runs).ffill().pct_change().iloc[1:].dropna()


def clipped_dates(request: RunRequest, market: MarketData) -> list[str]:
    """Say where the stored bars start later or end earlier than the dates asked for."""
    first, last = (dt.date.fromisoformat(str(day)) for day in (market.dates[0], market.dates[-1]))
    said = []
    if (first - request.start).days > CLIPPED_AFTER_DAYS:
        said.append(f"the data starts on {first}, after the start asked for ({request.start})")
    if (request.end - last).days > CLIPPED_AFTER_DAYS:
        said.append(f"the data ends on {last}, before the end asked for ({request.end})")
    return said


class BacktestJobs:
    """The backtests, sweeps and walk-forwards of one app, run as background tasks."""

    def __init__(
        self, store: Store, hub: EventHub, cache: TtlCache, *, concurrency: int = CONCURRENT_JOBS
    ) -> None:
        self._store, self._hub, self._cache = store, hub, cache
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(concurrency)

    async def cancel(self, job_id: str) -> Job | None:
        """Cancel a queued or running job (None if unknown); a finished one stays as it is.

        A queued job never starts. A sweep stops after the backtests already running (those not
        started are dropped); a single backtest stops at its next step and is not stored.
        """
        job = self._jobs.get(job_id)
        if job is None or job.status in FINISHED:
            return job
        job.cancel_requested = True  # a running sweep sees it at its next finished backtest
        task = self._tasks.get(job_id)
        if task is not None and (job.status == "queued" or job.kind == "backtest"):
            task.cancel()
        return job

    @property
    def store(self) -> Store:
        return self._store

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        """Return the jobs remembered, oldest first."""
        return list(self._jobs.values())

    def __contains__(self, job_id: str) -> bool:
        return job_id in self._jobs

    async def submit_run(self, prepared: PreparedRun) -> Job:
        """Accept a backtest: announce it queued and start it in the background."""
        return await self._submit(
            Job(prepared.run_id, "backtest"), lambda job: self._run(job, prepared)
        )

    async def submit_sweep(self, prepared: PreparedSweep) -> Job:
        request = prepared.request
        job = Job(prepared.sweep_id, "sweep", metric=request.metric, parameters=tuple(request.grid))
        return await self._submit(job, lambda job: self._sweep(job, prepared))

    async def submit(self, job: Job, work: Callable[[Job], Coroutine[Any, Any, None]]) -> Job:
        """Accept any job: announce it queued and run `work(job)` when a slot is free."""
        return await self._submit(job, work)

    async def update(self, job: Job, status: RunStatus, progress: float) -> None:
        """Set a job's status and progress and announce them."""
        await self._update(job, status, progress)

    async def stored(self) -> None:
        """Say a job stored a run: the coverage cache is cleared and listeners told."""
        self._cache.clear()
        await self._hub.publish({"type": "coverage_changed", "cause": "backtest"})

    async def _submit(self, job: Job, work: Callable[[Job], Coroutine[Any, Any, None]]) -> Job:
        self._remember(job)
        await self._hub.publish(job.event())
        task = asyncio.create_task(self._guarded(job, work))
        self._tasks[job.job_id] = task  # a task only weakly referenced could be collected
        task.add_done_callback(lambda _: self._tasks.pop(job.job_id, None))
        return job

    def _remember(self, job: Job) -> None:
        self._jobs[job.job_id] = job
        finished = [k for k, j in self._jobs.items() if j.status in FINISHED]
        for key in finished[: max(0, len(self._jobs) - KEPT_JOBS)]:
            del self._jobs[key]

    async def _guarded(self, job: Job, work: Callable[[Job], Coroutine[Any, Any, None]]) -> None:
        try:
            await self._slots.acquire()
        except asyncio.CancelledError:  # cancelled while queued: it never starts
            await self._update(job, "cancelled", job.progress)
            return
        try:
            await self._work(job, work)
        finally:
            self._slots.release()

    async def _work(self, job: Job, work: Callable[[Job], Coroutine[Any, Any, None]]) -> None:
        started = time.perf_counter()
        try:
            if job.cancel_requested:
                raise JobCancelled
            await work(job)
        except (JobCancelled, asyncio.CancelledError):  # we cancel our own tasks only
            log.info("%s %s cancelled", job.kind, job.job_id)
            await self._update(job, "cancelled", job.progress)
        except Exception as error:  # a background job must report any failure, not vanish
            # A user's mistake (unknown symbol, no bars) is one line; a bug keeps its trace.
            user_error = isinstance(error, TetraValidationError)
            log.warning("%s %s failed: %s", job.kind, job.job_id, error, exc_info=not user_error)
            job.error = str(error) or type(error).__name__
            await self._update(job, "failed", job.progress)
        finally:
            count_job(job.kind, job.status, time.perf_counter() - started)

    async def _update(self, job: Job, status: RunStatus, progress: float) -> None:
        job.status, job.progress = status, progress
        await self._hub.publish(job.event())

    async def _market(self, request: RunRequest | SweepRequest) -> GroupMarket:
        """Load the request's bars off the event loop (``@group``: every member of the run)."""
        return await blocking(
            group_market,
            self._store,
            request.symbols,
            request.start,
            request.end,
            request.adjustment,
        )

    async def _run(self, job: Job, prepared: PreparedRun) -> None:
        request = prepared.request
        await self._update(job, "running", 0.0)
        members = await self._market(request)
        market = members.market
        signalled = await blocking(with_stored_signal, prepared.strategy, self._store, market)
        strategy = members.wrap(signalled)
        await self._update(job, "running", 0.25)
        result = await blocking(
            run_backtest,
            strategy,
            market,
            cash=request.cash,
            costs=prepared.costs,
            **prepared.risk.options(),
        )
        await self._update(job, "running", 0.8)
        params = {
            **request.model_dump(mode="json", exclude={"strategy", "params"}),
            "symbols": list(market.symbols),
            "legs": prepared.strategy.legs(market.symbols),
            "warnings": [*clipped_dates(request, market), *members.notes, *result.warnings],
            **stored_interventions(result.interventions),
            **members.stored(),
        }
        benchmark = await blocking(benchmark_returns, self._store, request, market)
        record = await blocking(
            backtest_record,
            result,
            prepared.strategy,
            started_at=prepared.started_at,
            finished_at=dt.datetime.now(dt.UTC),
            params=params,
            benchmark_returns=benchmark,
        )
        await blocking(save_run, self._store, record)
        await self._update(job, "done", 1.0)
        await self.stored()

    async def _sweep(self, job: Job, prepared: PreparedSweep) -> None:
        request = prepared.request
        await self._update(job, "running", 0.0)
        members = await self._market(request)
        job.warnings = members.notes

        def progress(done: int, total: int) -> None:  # called in the worker thread
            if job.cancel_requested:
                raise JobCancelled
            anyio.from_thread.run(self._update, job, "running", done / max(total, 1))

        job.outcome = await blocking(
            sweep,
            prepared.strategy_class,
            members.market,
            request.grid,
            cash=request.cash,
            costs=prepared.costs,
            workers=SWEEP_WORKERS,
            metric=request.metric,
            progress=progress,
            pool="thread",  # never fork the API's process: it runs threads and an event loop
            membership=members.membership,
            **prepared.risk.options(),
        )
        await self._update(job, "done", 1.0)
