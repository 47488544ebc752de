"""Run a plan: steps concurrently, data quality last, every run recorded.

The run is written to ``ops.ingest_runs`` as ``running`` (with its owner process) when it
starts and with its outcome when it ends (`RunStatus`). Nothing one symbol or one step does
stops the others: a step that raises is recorded as failed with the error's class and message,
and a run that is stopped (a `StoreError`, Ctrl-C) is recorded as failed before the error
goes on. A run
killed outright stays ``running`` until the next run or the server's start-up marks it
``abandoned`` (`records.mark_abandoned`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tetra.core.clock import Clock, SystemClock
from tetra.core.errors import SourceError, StoreError
from tetra.core.telemetry import telemetry
from tetra.data.calendars import sessions
from tetra.data.coverage import coverage_rows, store_coverage
from tetra.data.ingest import ingest
from tetra.data.pipeline.owners import this_process
from tetra.data.pipeline.plan import RunPlan, RunStatus, Step, StepStatus
from tetra.data.pipeline.records import RUNS, mark_abandoned
from tetra.data.pipeline.steps import (
    Progress,
    RunContext,
    Sources,
    StepResult,
    describe,
    per_symbol,
)
from tetra.data.pipeline.world import crypto_universe, geopolitical, social_sentiment
from tetra.data.ports import Store
from tetra.data.quality import stale_warnings
from tetra.data.sources import Fetched, Window

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunResult:
    run_id: str
    status: RunStatus
    steps: list[StepResult]
    started: dt.datetime
    finished: dt.datetime
    abandoned: tuple[str, ...] = ()  # earlier runs this one found dead and marked

    @property
    def written(self) -> int:
        return sum(s.written for s in self.steps)

    @property
    def quarantined(self) -> int:
        return sum(s.quarantined for s in self.steps)


class Pipeline:
    """Fetches what a `RunPlan` asks from `Sources` into a `Store`."""

    def __init__(self, store: Store, sources: Sources, *, clock: Clock | None = None) -> None:
        self.store = store
        self.sources = sources
        self.clock = clock or SystemClock()

    def run(self, plan: RunPlan, *, progress: Progress | None = None) -> RunResult:
        """Run `plan` to completion and return its outcome (see `run_async`)."""
        return asyncio.run(self.run_async(plan, progress=progress))

    async def run_async(self, plan: RunPlan, *, progress: Progress | None = None) -> RunResult:
        started = self.clock.now()
        run_id = f"{plan.mode}-{started:%Y%m%dT%H%M%S%f}"
        abandoned = mark_abandoned(self.store, started, by=f"run {run_id}")
        ctx = RunContext(self.store, plan, self.sources, self.clock, run_id, progress)
        self._record(run_id, plan, started, None, RunStatus.RUNNING, [])
        try:
            results = await self._steps(ctx)
        except BaseException as error:  # store trouble, Ctrl-C, cancelled: say so, then go on
            crash = {"run": f"stopped: {describe(error)}"}
            ended = self.clock.now()
            self._record(run_id, plan, started, ended, RunStatus.FAILED, [], crash)
            _count_run(plan, RunStatus.FAILED, [], (ended - started).total_seconds())
            raise
        status = overall_status(results)
        finished = self.clock.now()
        self._record(run_id, plan, started, finished, status, results)
        _count_run(plan, status, results, (finished - started).total_seconds())
        return RunResult(run_id, status, results, started, finished, tuple(abandoned))

    async def _steps(self, ctx: RunContext) -> list[StepResult]:
        fetching = [s for s in ctx.plan.steps if s is not Step.DATA_QUALITY]
        results = list(await asyncio.gather(*(_contained(s, _STEPS[s](ctx)) for s in fetching)))
        if Step.DATA_QUALITY in ctx.plan.steps:
            quality = asyncio.to_thread(data_quality, ctx)
            results.append(await _contained(Step.DATA_QUALITY, quality))
        return results

    def _record(
        self,
        run_id: str,
        plan: RunPlan,
        started: dt.datetime,
        finished: dt.datetime | None,
        status: RunStatus,
        results: list[StepResult],
        crash: dict[str, str] | None = None,
    ) -> None:
        steps = {r.step.value: _step_summary(r) for r in results}
        errors: dict[str, object] = {r.step.value: r.failures for r in results if r.failures}
        row = {
            "run_id": run_id,
            "mode": plan.mode.value,
            "status": status.value,
            "started_at": started,
            "finished_at": finished,
            "rows_written": sum(r.written for r in results),
            "rows_quarantined": sum(r.quarantined for r in results),
            "steps": json.dumps(steps),
            "errors": json.dumps(errors | (crash or {})),
            "owner": str(this_process()),
            "source": "tetra",
        }
        self.store.upsert(RUNS, pd.DataFrame([row]))


def _count_run(plan: RunPlan, status: str, results: list[StepResult], seconds: float) -> None:
    sink = telemetry()
    sink.increment("tetra_pipeline_runs", {"mode": plan.mode.value, "status": str(status)})
    sink.observe("tetra_pipeline_run_seconds", {"mode": plan.mode.value}, seconds)
    for result in results:
        step = {"step": result.step.value}
        sink.increment("tetra_rows_written", step, result.written)
        sink.increment("tetra_rows_quarantined", step, result.quarantined)


async def _contained(step: Step, work: Coroutine[Any, Any, StepResult]) -> StepResult:
    """Run one step; an error it raises fails that step alone, with its class and message."""
    try:
        return await work
    except StoreError:
        raise  # the store itself is wrong: the run stops, recorded as failed
    except Exception as error:
        log.exception("step %s failed", step.value)
        return StepResult(step, attempted=1, failures={"*": f"step failed: {describe(error)}"})


def overall_status(results: list[StepResult]) -> RunStatus:
    """Success when every step that ran succeeded; failed when every fetching step failed.

    The data-quality step reports on what is stored, so it alone cannot make a run whose
    fetches all failed look partial.
    """
    ran = [r for r in results if r.status is not StepStatus.NOT_RUN]
    if all(r.status is StepStatus.SUCCESS for r in ran):
        return RunStatus.SUCCESS
    fetching = [r for r in ran if r.step is not Step.DATA_QUALITY]
    if fetching and all(r.status is StepStatus.FAILED for r in fetching):
        return RunStatus.FAILED
    return RunStatus.PARTIAL


def _step_summary(result: StepResult) -> dict[str, object]:
    return {
        "status": result.status.value,
        "written": result.written,
        "quarantined": result.quarantined,
        "covered": len(result.covered),
        "failed": len(result.failures),
        "warnings": [f"{w.symbol}: {w.kind}: {w.detail}" for w in result.warnings[:50]],
        "note": result.note,
    }


async def market_data(ctx: RunContext) -> StepResult:
    """Corporate actions first (the jump checks of the bars read their splits), then bars."""
    source = ctx.sources.bars
    if source is None or not ctx.plan.equities:
        return _nothing(Step.MARKET_DATA, "no bar source or no equities")
    actions = ctx.sources.corporate_actions
    first = None
    if actions is not None:
        first = await per_symbol(
            ctx,
            Step.MARKET_DATA,
            actions.name,
            "market_data.corporate_actions",
            ctx.plan.equities,
            lambda symbol, window: actions.corporate_actions(symbol, window),
        )
    result = await per_symbol(
        ctx,
        Step.MARKET_DATA,
        source.name,
        "market_data.ohlcv",
        ctx.plan.equities,
        lambda symbol, window: source.bars(symbol, window),
    )
    if first is not None:
        _merge(result, first, "corporate actions")
    return result


async def crypto(ctx: RunContext) -> StepResult:
    source = ctx.sources.crypto_bars
    if source is None or not ctx.plan.crypto:
        return _nothing(Step.CRYPTO, "no crypto source or no crypto symbols")
    result = await per_symbol(
        ctx,
        Step.CRYPTO,
        source.name,
        "market_data.ohlcv",
        ctx.plan.crypto,
        lambda symbol, window: source.bars(symbol, window),
    )
    series = ctx.sources.price_series
    if series is not None:
        more = await per_symbol(
            ctx,
            Step.CRYPTO,
            series.name,
            "market_data.price_series",
            ctx.plan.crypto,
            lambda symbol, window: series.price_series(symbol, window),
        )
        _merge(result, more, "price series")
    return result


async def economic_data(ctx: RunContext) -> StepResult:
    source = ctx.sources.economic
    if source is None or not ctx.plan.series:
        return _nothing(Step.ECONOMIC_DATA, "no economic source or no series")
    return await per_symbol(
        ctx,
        Step.ECONOMIC_DATA,
        source.name,
        "economic_data.indicators",
        ctx.plan.series,
        lambda series_id, window: source.observations(series_id, window),
    )


async def news_sentiment(ctx: RunContext) -> StepResult:
    return await _whole_window(
        ctx, Step.NEWS_SENTIMENT, [(s.name, s.news) for s in ctx.sources.news], score=True
    )


async def event_data(ctx: RunContext) -> StepResult:
    return await _whole_window(
        ctx, Step.EVENT_DATA, [(s.name, s.events) for s in ctx.sources.events]
    )


WholeWindow = Callable[[list[str], Window], Awaitable[list[Fetched]]]


async def _whole_window(
    ctx: RunContext, step: Step, calls: list[tuple[str, WholeWindow]], *, score: bool = False
) -> StepResult:
    """Run sources that take all symbols at once over the plan's window."""
    if not calls:
        return _nothing(step, "no source configured")
    result = StepResult(step, attempted=len(calls))
    for name, call in calls:
        try:
            fetched = await call(list(ctx.plan.symbols), ctx.plan.window)
            for part in _with_scores(ctx, fetched, score):
                done = await asyncio.to_thread(
                    ingest,
                    ctx.store,
                    part,
                    source=name,
                    run_id=ctx.run_id,
                    now=ctx.clock.now(),
                    window=ctx.plan.window,
                )
                result.add(done)
        except SourceError as error:
            result.failures[name] = str(error)
        except StoreError:
            raise
        except Exception as error:  # one source's bad payload fails that source, not the step
            log.warning("%s: %s", name, describe(error))
            result.failures[name] = describe(error)
    return result


def _with_scores(ctx: RunContext, fetched: list[Fetched], score: bool) -> list[Fetched]:
    scorer = ctx.sources.score_news
    if not score or scorer is None:
        return fetched
    scored = [scorer(part) for part in fetched if part.dataset == "news.articles"]
    return [*fetched, *(s for s in scored if s is not None)]


def data_quality(ctx: RunContext) -> StepResult:
    """Store coverage and gaps of daily bars; warn about stale symbols."""
    result = StepResult(Step.DATA_QUALITY, attempted=1)
    end = ctx.plan.window.end
    found = store_coverage(ctx.store, ctx.plan.calendars, end=end)
    if found:
        result.written = ctx.store.upsert("ops.coverage", coverage_rows(found, ctx.clock.now()))
    last_seen = {c.symbol: c.last for c in found if c.last is not None}
    expected = {c.symbol: _last_session(c.calendar, end) for c in found}
    result.warnings = stale_warnings(last_seen, expected)
    result.note = f"{sum(c.missing for c in found)} missing sessions across {len(found)} series"
    return result


def _last_session(calendar: str, end: dt.date) -> dt.date:
    days = sessions(end - dt.timedelta(days=10), end, calendar)
    return dt.date.fromisoformat(str(days[-1]))


def _merge(result: StepResult, more: StepResult, label: str) -> None:
    result.written += more.written
    result.quarantined += more.quarantined
    result.warnings += more.warnings
    result.failures |= {f"{symbol} ({label})": why for symbol, why in more.failures.items()}
    result.attempted += more.attempted


def _nothing(step: Step, note: str) -> StepResult:
    return StepResult(step, note=note, not_run=True)


_STEPS = {
    Step.MARKET_DATA: market_data,
    Step.CRYPTO: crypto,
    Step.ECONOMIC_DATA: economic_data,
    Step.NEWS_SENTIMENT: news_sentiment,
    Step.EVENT_DATA: event_data,
    Step.GEOPOLITICAL: geopolitical,
    Step.SOCIAL: lambda ctx: social_sentiment(ctx, _whole_window),
    Step.CRYPTO_UNIVERSE: crypto_universe,
}
