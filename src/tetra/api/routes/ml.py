"""The Models area: feature sets, tracked training runs, registered models, predictions.

Runs and models come from the tracker (MLflow; `create_app(tracker=...)`), predictions from
the store's ``derived.predictions``. Without a tracker the tracker's routes answer 503.
Evaluations (a version on a window, on simulated paths, under a risk policy) run as
background jobs on the backtests' queue (`tetra.api.ml_evaluations`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.exceptions import HTTPException

from tetra.api.backtest_jobs import Job
from tetra.api.deps import StoreDep, blocking
from tetra.api.errors import ERROR_RESPONSES
from tetra.api.ml_evaluations import Evaluations, evaluation_work, evaluations, prepare_evaluation
from tetra.api.routes.backtests import JobsDep
from tetra.api.schemas.common import Day
from tetra.api.schemas.ml import (
    EvaluationOut,
    EvaluationRequest,
    FeatureSetOut,
    ImportanceOut,
    ModelVersionOut,
    PredictionOut,
    PredictionsOut,
    PromoteRequest,
    RegisteredModelOut,
    RunDetailOut,
    RunSummaryOut,
)
from tetra.data.ports import Query as StoreQuery
from tetra.data.ports import Store
from tetra.data.store_kind import StoreKind
from tetra.ml.features import FEATURE_SETS
from tetra.ml.tracking import REPORT_ARTIFACT, RunInfo, Tracker, TrackingError

router = APIRouter(prefix="/api/ml", tags=["ml"], responses=ERROR_RESPONSES)

LISTED = ("ic", "rank_ic", "icir", "baseline_ic", "backtest_sharpe_ratio", "backtest_total_return")


def tracker(request: Request) -> Tracker:
    """The app's tracker; a factory given to `create_app` is called once, on first use."""
    state = request.app.state
    found = getattr(state, "tracker", None)
    if found is not None and not isinstance(found, Tracker):
        try:
            found = state.tracker = found()
        except ImportError as error:
            state.tracker = None
            raise HTTPException(
                status_code=503, detail=f"experiment tracking needs {error.name} (tetra[ml])"
            ) from None
    if found is None:
        raise HTTPException(status_code=503, detail="experiment tracking is not configured")
    return found  # type: ignore[no-any-return]


TrackerDep = Annotated[Tracker, Depends(tracker)]
EvaluationsDep = Annotated[Evaluations, Depends(evaluations)]


@router.get("/feature-sets", response_model=list[FeatureSetOut], summary="Declared feature sets")
async def feature_sets() -> list[FeatureSetOut]:
    return [
        FeatureSetOut(
            name=s.name,
            version=s.version,
            fingerprint=s.fingerprint,
            description=s.description,
            features=[
                {"name": f.name, "kind": f.kind, "params": dict(f.params)} for f in s.features
            ],
        )
        for s in FEATURE_SETS.values()
    ]


@router.get("/runs", response_model=list[RunSummaryOut], summary="Training runs, newest first")
async def runs(
    store: StoreDep, found: TrackerDep, limit: int = Query(50, ge=1, le=500)
) -> list[RunSummaryOut]:
    listed = await blocking(_tracked(found.runs), _experiment(store))
    return [_summary(run) for run in listed[:limit]]


@router.get("/runs/{run_id}", response_model=RunDetailOut, summary="A run's report")
async def run_detail(run_id: str, found: TrackerDep) -> RunDetailOut:
    run = await blocking(_tracked(found.run), run_id)
    report = json.loads(await blocking(_tracked(found.artifact), run_id, REPORT_ARTIFACT))
    importance = sorted(report["importance"].items(), key=lambda kv: -kv[1])
    return RunDetailOut(
        run_id=run.run_id, name=run.name, started_at=_started(run), spec=report["spec"],
        data=report["data"], summary=report["summary"],
        baseline_summary=report["baseline_summary"], backtest=report["backtest"],
        baseline_backtest=report["baseline_backtest"],
        backtest_warnings=report["backtest_warnings"], path_ic=report["path_ic"],
        daily=report["daily"],
        importance=[ImportanceOut(feature=name, importance=value) for name, value in importance],
        equity=report["equity"], baseline_equity=report["baseline_equity"],
    )  # fmt: skip


@router.get("/models", response_model=list[RegisteredModelOut], summary="Registered models")
async def models(found: TrackerDep) -> list[RegisteredModelOut]:
    def listing() -> list[RegisteredModelOut]:
        return [
            RegisteredModelOut(
                name=name,
                versions=[
                    ModelVersionOut(version=v.version, run_id=v.run_id, books=list(v.books))
                    for v in found.versions(name)
                ],
            )
            for name in found.models()
        ]

    return await blocking(_tracked(listing))


@router.post(
    "/models/{name}/versions/{version}/promote",
    response_model=RegisteredModelOut,
    summary="Make a version the production model of a book",
)
async def promote(
    name: str, version: int, body: PromoteRequest, found: TrackerDep
) -> RegisteredModelOut:
    await blocking(_tracked(found.promote), name, version, body.book)
    versions = await blocking(_tracked(found.versions), name)
    return RegisteredModelOut(
        name=name,
        versions=[
            ModelVersionOut(version=v.version, run_id=v.run_id, books=list(v.books))
            for v in versions
        ],
    )


@router.get("/predictions", response_model=PredictionsOut, summary="A model's latest predictions")
async def predictions(
    store: StoreDep,
    model: str = Query(..., min_length=1, max_length=64),
    version: int | None = Query(None, ge=1),
    date: Annotated[Day | None, Query(description="Day (default: the latest predicted).")] = None,
) -> PredictionsOut:
    """Return the day's predictions of `model` (latest version unless given), best first."""
    return await blocking(_predictions, store, model, version, date)


def _predictions(
    store: Store, model: str, version: int | None, day: dt.date | None
) -> PredictionsOut:
    where: dict[str, Any] = {"model": model}
    if version is not None:
        where["model_version"] = version
    rows = store.read(StoreQuery("derived.predictions", where=where))
    if rows.empty:
        raise HTTPException(
            status_code=404, detail=f"no predictions of {model!r}; run `tetra ml predict`"
        )
    chosen = int(rows["model_version"].max()) if version is None else version
    rows = rows[rows["model_version"] == chosen]
    chosen_day = day or max(rows["date"])
    today = rows[rows["date"] == chosen_day].sort_values("score", ascending=False)
    return PredictionsOut(
        model=model, model_version=chosen, date=chosen_day if len(today) else None,
        predictions=[
            PredictionOut(symbol=s, score=float(v), rank=_finite(r))
            for s, v, r in zip(today["symbol"], today["score"], today["rank"], strict=True)
        ],
    )  # fmt: skip


@router.post(
    "/evaluations",
    status_code=202,
    response_model=EvaluationOut,
    summary="Evaluate a model version: signal, baseline, backtest, guard, simulated paths",
)
async def start_evaluation(
    body: EvaluationRequest, found: TrackerDep, registry: JobsDep, results: EvaluationsDep
) -> EvaluationOut:
    """Score a registered version on a window in the background; poll its GET route.

    With `paths` it is also scored on paths of `path_model` calibrated on its training window
    (per path: mean daily IC and the Sharpe of ml_signal). A bad `risk_policy` is a 422, an
    unknown model or version a 404.
    """
    prepared = await blocking(prepare_evaluation, body, found)
    job = await registry.submit(
        Job(prepared.evaluation_id, "ml_evaluation"),
        evaluation_work(registry, found, results, prepared),
    )
    return EvaluationOut(evaluation_id=job.job_id, status=job.status, progress=job.progress)


@router.get(
    "/evaluations/{evaluation_id}", response_model=EvaluationOut, summary="An evaluation's result"
)
async def evaluation_detail(
    evaluation_id: str, registry: JobsDep, results: EvaluationsDep
) -> EvaluationOut:
    """Return its status while it runs, its result once done (the last 50 are kept)."""
    done = results.get(evaluation_id)
    if done is not None:
        return done
    job = registry.get(evaluation_id)
    if job is None or job.kind != "ml_evaluation":
        raise HTTPException(status_code=404, detail=f"no evaluation {evaluation_id!r} here")
    return EvaluationOut(
        evaluation_id=evaluation_id, status=job.status, progress=job.progress, error=job.error
    )


def _tracked(call: Any) -> Any:
    """Wrap a tracker call: unknown runs, models and versions become 404."""

    def wrapped(*args: Any) -> Any:
        try:
            return call(*args)
        except TrackingError as error:
            raise HTTPException(status_code=404, detail=str(error)) from None

    return wrapped


def _experiment(store: Store) -> str:
    return "tetra-sample" if store.kind is StoreKind.SAMPLE else "tetra-live"


def _summary(run: RunInfo) -> RunSummaryOut:
    return RunSummaryOut(
        run_id=run.run_id, name=run.name, model=run.tags.get("model", ""),
        label=run.tags.get("label", ""), started_at=_started(run),
        metrics={k: v for k, v in run.metrics.items() if k in LISTED and math.isfinite(v)},
    )  # fmt: skip


def _started(run: RunInfo) -> dt.datetime:
    return dt.datetime.fromtimestamp(run.started_ms / 1000, tz=dt.UTC)


def _finite(value: Any) -> float | None:
    return float(value) if value is not None and math.isfinite(float(value)) else None
