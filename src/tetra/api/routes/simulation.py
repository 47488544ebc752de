"""The simulation area: models and scenarios for the form, runs in the background, results.

A run is validated before it is accepted (202 with its run id), then runs off the event
loop; its progress goes to the WebSocket (`/ws/monitor`, events of type ``simulation``)
and to `GET /runs/{run_id}`. Results are read back from the store's ``simulation``
schema, where every finished run is kept.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from starlette.exceptions import HTTPException

from tetra.api.deps import StoreDep, blocking
from tetra.api.errors import ERROR_RESPONSES
from tetra.api.schemas.common import Page
from tetra.api.schemas.simulation import (
    BandPoint,
    Distribution,
    Histogram,
    HoldingRow,
    ModelInfo,
    ScenarioInfo,
    ScenarioRow,
    SimulationAccepted,
    SimulationDetail,
    SimulationRunRequest,
    SimulationSummary,
)
from tetra.api.simulation_jobs import SimulationJobs, prepare_simulation, scenario_catalog
from tetra.backtest.research.simulation_runs import load_simulation
from tetra.compute import LocalPool
from tetra.data.ports import Query as StoreQuery
from tetra.data.ports import Store
from tetra.simulation.models import MODELS
from tetra.simulation.outcomes import METRICS
from tetra.simulation.scenarios import Scenario
from tetra.strategy.library import STRATEGIES

router = APIRouter(prefix="/api/simulation", tags=["simulation"], responses=ERROR_RESPONSES)
HISTOGRAM_BINS = 30


def jobs(request: Request) -> SimulationJobs:
    """Return the app's simulation registry, made on first use (it lives in ``app.state``)."""
    state = request.app.state
    if getattr(state, "simulation_jobs", None) is None:
        factory = getattr(state, "simulation_executor", None) or (lambda: LocalPool(2, "thread"))
        state.simulation_jobs = SimulationJobs(state.store, state.hub, factory, STRATEGIES)
    found: SimulationJobs = state.simulation_jobs
    return found


def catalog(request: Request) -> dict[str, Scenario]:
    directories: list[Path] = getattr(request.app.state, "scenario_dirs", [])
    return scenario_catalog(directories)


JobsDep = Annotated[SimulationJobs, Depends(jobs)]
CatalogDep = Annotated[dict[str, Scenario], Depends(catalog)]


@router.get("/models", response_model=list[ModelInfo], summary="Market models")
async def models() -> list[ModelInfo]:
    return [ModelInfo(name=name, description=text) for name, text in MODELS.items()]


@router.get("/scenarios", response_model=list[ScenarioInfo], summary="Named scenarios")
async def scenarios(found: CatalogDep) -> list[ScenarioInfo]:
    return [
        ScenarioInfo(
            name=s.name,
            title=s.title,
            kind=s.kind,
            window=s.describe_window(),
            shock=s.shocks,
            reference=s.reference,
            notes=s.notes,
            origin=s.origin,
        )
        for s in found.values()
    ]


@router.post("/runs", status_code=202, response_model=SimulationAccepted, summary="Start a run")
async def start_run(
    body: SimulationRunRequest, store: StoreDep, registry: JobsDep, found: CatalogDep
) -> SimulationAccepted:
    """Validate the request (422 when invalid), then simulate in the background."""
    request = await blocking(prepare_simulation, store, body, STRATEGIES, found)
    job = await registry.submit(request)
    return SimulationAccepted(run_id=job.run_id, status=job.status)


@router.get("/runs", response_model=Page[SimulationSummary], summary="Stored runs, newest first")
async def list_runs(
    store: StoreDep, offset: int = Query(0, ge=0), limit: int = Query(50, ge=1, le=500)
) -> Page[SimulationSummary]:
    return await blocking(_page, store, offset, limit)


@router.get("/runs/{run_id}", response_model=SimulationDetail, summary="A run's status and results")
async def run_detail(run_id: str, store: StoreDep, registry: JobsDep) -> SimulationDetail:
    job = registry.get(run_id)
    if job is not None and job.status != "done":
        return SimulationDetail(
            run_id=run_id, status=job.status, progress=job.progress, error=job.error
        )
    frames = await blocking(load_simulation, store, run_id)
    if frames["runs"].empty:
        raise HTTPException(status_code=404, detail=f"no simulation {run_id!r}")
    return _detail(run_id, frames)


def _page(store: Store, offset: int, limit: int) -> Page[SimulationSummary]:
    runs = store.read(StoreQuery("simulation.runs"))
    runs = runs.sort_values(["started_at", "run_id"], ascending=False, kind="stable")
    items = [
        SimulationSummary(
            run_id=str(r["run_id"]),
            kind=str(r["kind"]),
            subject=_text(r["subject"]),
            model=_text(r["model"]),
            started_at=pd.Timestamp(r["started_at"]).to_pydatetime(),
        )
        for r in runs.iloc[offset : offset + limit].to_dict("records")
    ]
    return Page[SimulationSummary](items=items, total=len(runs), offset=offset, limit=limit)


def _detail(run_id: str, frames: dict[str, pd.DataFrame]) -> SimulationDetail:
    row = frames["runs"].iloc[0]
    summary = _json(row["summary"])
    return SimulationDetail(
        run_id=run_id,
        status="done",
        progress=1.0,
        kind=str(row["kind"]),
        subject=_text(row["subject"]),
        model=_text(row["model"]),
        executor=_text(row["executor"]),
        spec=_json(row["spec"]),
        warnings=list(_json(row["warnings"]) or []),
        probability_of_loss=summary.get("probability_of_loss"),
        probability_of_drawdown=summary.get("probability_of_drawdown"),
        distributions=_distributions(summary),
        bands=_bands(frames["bands"]),
        histograms=_histograms(frames["outcomes"]),
        scenarios=_scenarios(frames["scenario_results"]),
        parameters=_parameters(frames["parameters"]),
    )


def _distributions(summary: dict[str, Any]) -> list[Distribution]:
    names = ("mean", "p5", "p25", "p50", "p75", "p95")
    metrics: dict[str, dict[str, float | None]] = summary.get("metrics", {})
    return [Distribution(metric=m, **{k: v.get(k) for k in names}) for m, v in metrics.items()]


def _parameters(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {"symbol": str(r["symbol"]), "parameter": str(r["parameter"]), "value": _finite(r["value"])}
        for r in frame.to_dict("records")
    ]


def _bands(frame: pd.DataFrame) -> list[BandPoint]:
    frame = frame.sort_values("step")
    return [
        BandPoint(
            date=pd.Timestamp(r["ts"]).date(),
            **{p: float(r[p]) for p in ("p5", "p25", "p50", "p75", "p95")},
        )
        for r in frame.to_dict("records")
    ]


def _histograms(frame: pd.DataFrame) -> list[Histogram]:
    found = []
    for metric in METRICS:
        values = frame[metric].to_numpy(dtype=np.float64) if metric in frame else np.array([])
        values = values[np.isfinite(values)]
        if values.size == 0:
            continue
        counts, edges = np.histogram(values, bins=min(HISTOGRAM_BINS, max(1, values.size)))
        found.append(Histogram(metric=metric, edges=edges.tolist(), counts=counts.tolist()))
    return found


def _scenarios(frame: pd.DataFrame) -> list[ScenarioRow]:
    rows = []
    for name, group in frame.groupby("scenario", sort=False):
        total = group[group["symbol"] == "*"].iloc[0]
        holdings = [_holding(h) for h in group[group["symbol"] != "*"].to_dict("records")]
        rows.append(
            ScenarioRow(
                scenario=str(name),
                title=str(name),
                method=total["method"],
                why=str(total["why"] or ""),
                scenario_return=_finite(total["scenario_return"]),
                pnl=_finite(total["pnl"]),
                max_drawdown=_finite(total["max_drawdown"]),
                proxy_drawdown=_finite(total["proxy_drawdown"]),
                holdings=holdings,
            )
        )
    return rows


def _holding(row: Mapping[Any, Any]) -> HoldingRow:
    return HoldingRow(
        symbol=str(row["symbol"]),
        weight=_finite(row["weight"]),
        scenario_return=_finite(row["scenario_return"]),
        pnl=_finite(row["pnl"]),
        betas=_json(row["betas"]) or {},
    )


def _json(value: object) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return {}
    return json.loads(value) if isinstance(value, str) else value


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _finite(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None
