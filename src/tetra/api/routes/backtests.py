"""The backtests area: strategies for the form, runs in the background, results, comparisons.

A run is validated before it is accepted (202 with its run id), then runs in the thread
pool; its progress goes to the WebSocket (`/ws/monitor`) and to `GET /runs/{run_id}`.
Results are read back from the store's ``strategies`` schema, where every run is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from tetra.api.backtest_jobs import FINISHED, BacktestJobs, Job, prepare_run, prepare_sweep
from tetra.api.deps import StoreDep, blocking
from tetra.api.errors import ERROR_RESPONSES
from tetra.api.schemas.backtests import (
    ComparedRun,
    CompareResponse,
    DrawdownPoint,
    EquityPoint,
    InterventionOut,
    LegOut,
    MetricRow,
    MonthlyReturns,
    RunAccepted,
    RunDetail,
    RunRequest,
    RunSummary,
    StrategyInfo,
    SweepDetail,
    SweepRequest,
    TradeOut,
)
from tetra.api.schemas.common import Page
from tetra.backtest.research.persist import StoredRun, delete_run, load_run
from tetra.data.ports import Query as StoreQuery
from tetra.data.ports import Store
from tetra.reports.metrics import trade_counts
from tetra.reports.periodic import monthly_returns_table, yearly_returns
from tetra.settings import JobsSettings
from tetra.strategy.library import STRATEGIES

router = APIRouter(prefix="/api/backtests", tags=["backtests"], responses=ERROR_RESPONSES)

TRADES_SHOWN = 500
LISTED_METRICS = ("total_return", "sharpe_ratio", "max_drawdown")
TRADE_CSV_COLUMNS = (
    "quantity", "entry_ts", "entry_price", "exit_ts", "exit_price", "pnl", "fees",
    "exit_reason", "mark_price", "unrealised_pnl",
)  # fmt: skip
TRADE_NUMBERS = (
    "quantity", "entry_price", "exit_price", "pnl", "fees", "mark_price", "unrealised_pnl"
)  # fmt: skip


def jobs(request: Request) -> BacktestJobs:
    """Return the app's job registry, made on first use (it lives in ``app.state``)."""
    state = request.app.state
    if getattr(state, "backtest_jobs", None) is None:
        limits = job_limits(request)
        state.backtest_jobs = BacktestJobs(
            state.store, state.hub, state.cache, concurrency=limits.concurrency
        )
    found: BacktestJobs = state.backtest_jobs
    return found


JobsDep = Annotated[BacktestJobs, Depends(jobs)]


def job_limits(request: Request) -> JobsSettings:
    """Return the app's job settings (the defaults when the app was made without them)."""
    found = getattr(request.app.state, "jobs_settings", None)
    return found if isinstance(found, JobsSettings) else JobsSettings()


@router.get("/strategies", response_model=list[StrategyInfo], summary="Registered strategies")
async def strategies() -> list[StrategyInfo]:
    return [
        StrategyInfo(
            name=name,
            description=(cls.__doc__ or "").strip().split("\n")[0],
            config_schema=cls.Config.model_json_schema(),
        )
        for name, cls in sorted(STRATEGIES.items())
    ]


@router.post("/runs", status_code=202, response_model=RunAccepted, summary="Start a backtest")
async def start_run(body: RunRequest, registry: JobsDep) -> RunAccepted:
    """Validate the strategy and its params (422 when invalid), then run in the background."""
    started = dt.datetime.now(dt.UTC)
    prepared = prepare_run(body, started)
    while prepared.run_id in registry:  # two identical requests within one microsecond
        started += dt.timedelta(microseconds=1)
        prepared = prepare_run(body, started)
    job = await registry.submit_run(prepared)
    return RunAccepted(run_id=job.job_id, status=job.status)


@router.get("/runs", response_model=Page[RunSummary], summary="Stored runs, newest first")
async def list_runs(
    store: StoreDep,
    offset: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=500),
    strategy: str | None = Query(None, description="Only runs of this strategy."),
    symbol: str | None = Query(None, description="Only runs that traded this symbol."),
) -> Page[RunSummary]:
    return await blocking(_run_page, store, offset, limit, strategy, symbol)


@router.delete(
    "/runs/{run_id}",
    status_code=204,
    summary="Cancel a queued or running backtest, or delete a stored run",
    responses={
        202: {"model": RunAccepted, "description": "The queued or running run is cancelled."}
    },
)
async def delete_stored_run(run_id: str, store: StoreDep, registry: JobsDep) -> Response:
    """Cancel a queued or running backtest (202: it stops at its next step and is not stored);
    otherwise delete the stored run with its trades, equity and metrics (204; 404 if unknown).
    """
    job = registry.get(run_id)
    if job is not None and job.kind == "backtest" and job.status in ("queued", "running"):
        cancelled = await _cancel(registry, run_id, "backtest")
        accepted = RunAccepted(run_id=run_id, status=cancelled.status)
        return JSONResponse(status_code=202, content=accepted.model_dump(mode="json"))
    if not await blocking(delete_run, store, run_id):
        raise HTTPException(status_code=404, detail=f"no run {run_id!r}")
    return Response(status_code=204)


@router.get(
    "/runs/{run_id}/trades.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
    summary="A run's trades as CSV",
)
async def run_trades_csv(run_id: str, store: StoreDep) -> Response:
    """Every trade of the run (not only the first 500), one row each, as `tetra.model.trades`."""
    run = await _stored(store, run_id)
    columns = [c for c in ("symbol", "side", *TRADE_CSV_COLUMNS) if c in run.trades.columns]
    text = run.trades[columns].to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
    disposition = f'attachment; filename="{run_id}-trades.csv"'
    return Response(text, media_type="text/csv", headers={"Content-Disposition": disposition})


@router.get("/runs/{run_id}", response_model=RunDetail, summary="A run's status and results")
async def run_detail(run_id: str, store: StoreDep, registry: JobsDep) -> RunDetail:
    job = registry.get(run_id)
    if job is not None and job.kind == "backtest" and job.status != "done":
        return RunDetail(run_id=run_id, status=job.status, progress=job.progress, error=job.error)
    return _detail(await _stored(store, run_id))


@router.get("/compare", response_model=CompareResponse, summary="Runs side by side")
async def compare(
    store: StoreDep,
    run_id: Annotated[
        list[str], Query(min_length=2, max_length=10, description="Two or more run ids.")
    ],
) -> CompareResponse:
    """Return each run's metrics and its equity curve normalised to start at 1."""
    runs = [await _stored(store, one) for one in run_id]
    compared = [
        ComparedRun(
            run_id=one,
            strategy=str(run.definition["name"]),
            metrics=_finite_metrics(run.metrics),
            equity=_points(run.equity / run.equity.iloc[0] if len(run.equity) else run.equity),
        )
        for one, run in zip(run_id, runs, strict=True)
    ]
    names = list(dict.fromkeys(name for run in compared for name in run.metrics))
    rows = [MetricRow(metric=n, values=[run.metrics.get(n) for run in compared]) for n in names]
    return CompareResponse(runs=compared, metrics=rows)


@router.post("/sweeps", status_code=202, response_model=SweepDetail, summary="Start a sweep")
async def start_sweep(body: SweepRequest, registry: JobsDep, request: Request) -> SweepDetail:
    """Backtest every combination of `grid` in the background; poll `GET /sweeps/{id}`.

    A grid of more combinations than ``TETRA_JOBS__MAX_SWEEP_COMBINATIONS`` (10,000) is a 422.
    """
    cap = job_limits(request).max_sweep_combinations
    prepared = prepare_sweep(body, f"sweep-{uuid.uuid4().hex[:16]}", cap)
    job = await registry.submit_sweep(prepared)
    return SweepDetail(
        sweep_id=job.job_id,
        status=job.status,
        progress=job.progress,
        metric=body.metric,
        parameters=list(body.grid),
    )


@router.get("/sweeps/{sweep_id}", response_model=SweepDetail, summary="A sweep's results")
async def sweep_detail(sweep_id: str, registry: JobsDep) -> SweepDetail:
    """Return the sweep's status; once done, one row per valid combination, in grid order."""
    job = registry.get(sweep_id)
    if job is None or job.kind != "sweep":
        raise HTTPException(status_code=404, detail=f"no sweep {sweep_id!r}")
    frame = job.outcome if job.outcome is not None else pd.DataFrame()
    return SweepDetail(
        sweep_id=sweep_id,
        status=job.status,
        progress=job.progress,
        error=job.error,
        metric=job.metric,
        parameters=list(job.parameters),
        rows=[{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict("records")],
        skipped=int(frame.attrs.get("skipped", 0)),
        warnings=list(job.warnings),
    )


@router.delete(
    "/sweeps/{sweep_id}",
    status_code=202,
    response_model=SweepDetail,
    summary="Cancel a queued or running sweep",
    responses={409: ERROR_RESPONSES[404] | {"description": "The sweep has already finished."}},
)
async def cancel_sweep(sweep_id: str, registry: JobsDep) -> SweepDetail:
    """Cancel the sweep: the backtests not yet started are dropped (409 once finished)."""
    job = await _cancel(registry, sweep_id, "sweep")
    return SweepDetail(
        sweep_id=job.job_id,
        status=job.status,
        progress=job.progress,
        metric=job.metric,
        parameters=list(job.parameters),
    )


async def _cancel(registry: BacktestJobs, job_id: str, kind: str) -> Job:
    job = registry.get(job_id)
    if job is None or job.kind != kind:
        raise HTTPException(status_code=404, detail=f"no {kind} job {job_id!r} in this server")
    if job.status in FINISHED:
        raise HTTPException(status_code=409, detail=f"the {kind} is already {job.status}")
    cancelled = await registry.cancel(job_id)
    assert cancelled is not None
    return cancelled


async def _stored(store: Store, run_id: str) -> StoredRun:
    try:
        return await blocking(load_run, store, run_id)
    except KeyError as error:
        raise HTTPException(status_code=404, detail=f"no run {run_id!r}") from error


def _run_page(
    store: Store, offset: int, limit: int, strategy: str | None, symbol: str | None
) -> Page[RunSummary]:
    runs = store.read(StoreQuery("strategies.runs"))
    runs = runs.sort_values(["started_at", "run_id"], ascending=False, kind="stable")
    definitions = _definitions(store, sorted({str(s) for s in runs["strategy_id"]}))
    names = [definitions.get(str(s), (str(s), {}))[0] for s in runs["strategy_id"]]
    symbols = [_listed_symbols(params) for params in runs["params"]]
    keep = [
        (strategy is None or name == strategy) and (symbol is None or symbol.upper() in listed)
        for name, listed in zip(names, symbols, strict=True)
    ]
    chosen = [i for i, kept in enumerate(keep) if kept]
    page = chosen[offset : offset + limit]
    rows = [{str(k): v for k, v in r.items()} for r in runs.to_dict("records")]
    metrics = _listed_metrics(store, [str(rows[i]["run_id"]) for i in page])
    items = [_summary(rows[i], names[i], symbols[i], definitions, metrics) for i in page]
    return Page[RunSummary](items=items, total=len(chosen), offset=offset, limit=limit)


def _summary(
    row: dict[str, Any],
    name: str,
    symbols: list[str],
    definitions: dict[str, tuple[str, dict[str, Any]]],
    metrics: dict[tuple[str, str], float | None],
) -> RunSummary:
    run_id = str(row["run_id"])
    return RunSummary(
        run_id=run_id,
        strategy=name,
        symbols=symbols,
        config=definitions.get(str(row["strategy_id"]), ("", {}))[1],
        mode=str(row["mode"]),
        status=str(row["status"]),
        period_start=_day(row["period_start"]),
        period_end=_day(row["period_end"]),
        started_at=_moment(row["started_at"]),
        finished_at=_moment(row["finished_at"]),
        **{m: metrics.get((run_id, m)) for m in LISTED_METRICS},
    )


def _listed_symbols(params: object) -> list[str]:
    listed = _json_object(params).get("symbols", [])
    return [str(s) for s in listed] if isinstance(listed, list) else []


def _definitions(store: Store, strategy_ids: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Return each strategy id's name and config."""
    if not strategy_ids:
        return {}
    found = store.read(StoreQuery("strategies.definitions", where={"strategy_id": strategy_ids}))
    return {
        str(i): (str(n), _json_object(c))
        for i, n, c in zip(found["strategy_id"], found["name"], found["config"], strict=True)
    }


def _listed_metrics(store: Store, run_ids: list[str]) -> dict[tuple[str, str], float | None]:
    if not run_ids:
        return {}
    where = {"run_id": run_ids, "metric": list(LISTED_METRICS)}
    found = store.read(StoreQuery("strategies.performance", where=where))
    return {
        (str(r), str(m)): _finite(v)
        for r, m, v in zip(found["run_id"], found["metric"], found["value"], strict=True)
    }


def _detail(run: StoredRun) -> RunDetail:
    params = dict(_json_object(run.run.get("params")))
    warnings = [str(w) for w in params.pop("warnings", [])]
    interventions = [InterventionOut.model_validate(row) for row in params.pop("interventions", [])]
    interventions_total = int(params.pop("interventions_total", 0))
    legs = [LegOut.model_validate(leg) for leg in params.pop("legs", [])]
    trades = run.trades
    counts = trade_counts(trades)
    return RunDetail(
        run_id=str(run.run["run_id"]),
        status="done",
        progress=1.0,
        strategy=str(run.definition["name"]),
        config=_json_object(run.definition.get("config")),
        params=params,
        legs=legs,
        metrics=_finite_metrics(run.metrics),
        equity=_points(run.equity),
        drawdown=[
            DrawdownPoint(date=d.date(), drawdown=float(v))
            for d, v in zip(run.equity.index, run.equity / run.equity.cummax() - 1.0, strict=True)
        ],
        monthly_returns=_monthly(run.equity, params.get("cash")),
        trades=[_trade(row) for row in trades.head(TRADES_SHOWN).itertuples(index=False)],
        trades_total=counts.total,
        trades_closed=counts.closed,
        trades_open=counts.open,
        warnings=warnings,
        interventions=interventions,
        interventions_total=interventions_total,
    )


def _monthly(equity: pd.Series, cash: object) -> list[MonthlyReturns]:
    """Compound daily returns per month; the first day's return is against the starting cash."""
    if equity.empty:
        return []
    base = float(cash) if isinstance(cash, int | float) else float(equity.iloc[0])
    previous = equity.shift(1).fillna(base)
    table = monthly_returns_table(equity / previous - 1.0)
    totals = yearly_returns(table)
    return [
        MonthlyReturns(
            year=int(year), months=[_finite(v) for v in row], total=_finite(totals[year])
        )
        for year, row in zip(table.index, table.to_numpy(), strict=True)
    ]


def _trade(row: Any) -> TradeOut:
    numbers = {name: _finite(getattr(row, name, None)) for name in TRADE_NUMBERS}
    return TradeOut(
        symbol=str(row.symbol),
        side=str(row.side),
        entry_ts=_moment(row.entry_ts),
        exit_ts=_moment(row.exit_ts),
        exit_reason=_reason(getattr(row, "exit_reason", None)),
        **numbers,
    )


def _reason(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _points(equity: pd.Series) -> list[EquityPoint]:
    return [
        EquityPoint(date=d.date(), equity=float(v))
        for d, v in zip(equity.index, equity, strict=True)
    ]


def _finite_metrics(metrics: dict[str, float]) -> dict[str, float | None]:
    return {name: _finite(value) for name, value in metrics.items()}


def _finite(value: object) -> float | None:
    """Return `value` as a float, or None for NaN, infinities and missing values (not JSON)."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def _plain(value: object) -> float | int | str | bool | None:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return _finite(value)
    return None if value is None else str(value)


def _json_object(value: object) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value)
    return dict(value) if isinstance(value, dict) else {}


def _day(value: object) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def _moment(value: object) -> dt.datetime | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp).to_pydatetime()
