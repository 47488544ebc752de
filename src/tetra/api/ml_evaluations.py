"""ML evaluations started from the API: checked up front, run as background jobs.

`prepare_evaluation` turns a request into the service's arguments or raises the API's 422
(a bad risk policy) or 404 (an unknown model or version). `evaluation_work` runs
`tetra.ml.service.evaluate_version` on the app's `BacktestJobs` (the same queue and slots as
backtests), off the event loop, reporting progress per path (a cancel through `/api/jobs`
stops it at its next step), and keeps the answer in `Evaluations`, the app's last
`KEPT_EVALUATIONS` results, which nothing stores: an evaluation is cheap to ask again.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import anyio.from_thread
from fastapi import Request
from starlette.exceptions import HTTPException

from tetra.api.backtest_jobs import BacktestJobs, Job, JobCancelled, risk_policy_of
from tetra.api.deps import blocking
from tetra.api.schemas.ml import EvaluationOut, EvaluationRequest, RobustnessOut
from tetra.backtest.managed import stored_interventions
from tetra.ml import service
from tetra.ml.service import PathsRequest, VersionEvaluation
from tetra.ml.tracking import Tracker, TrackingError
from tetra.ml.training import Progress
from tetra.risk import RiskPolicy

KEPT_EVALUATIONS = 50
PATHS_SHARE = 0.9  # of a job's progress: the paths, when it has any, take most of its time


class Evaluations:
    """The finished evaluations of one app, newest `KEPT_EVALUATIONS` kept, by job id."""

    def __init__(self) -> None:
        self._found: OrderedDict[str, EvaluationOut] = OrderedDict()

    def put(self, answer: EvaluationOut) -> None:
        self._found[answer.evaluation_id] = answer
        while len(self._found) > KEPT_EVALUATIONS:
            self._found.popitem(last=False)

    def get(self, evaluation_id: str) -> EvaluationOut | None:
        return self._found.get(evaluation_id)


def evaluations(request: Request) -> Evaluations:
    """The app's evaluations, made on first use."""
    state = request.app.state
    found = getattr(state, "ml_evaluations", None)
    if not isinstance(found, Evaluations):
        found = state.ml_evaluations = Evaluations()
    return found


@dataclass(frozen=True)
class PreparedEvaluation:
    """A checked request: its job id, the paths asked for, and the policy parsed."""

    evaluation_id: str
    request: EvaluationRequest
    paths: PathsRequest
    risk_policy: RiskPolicy | None


def prepare_evaluation(body: EvaluationRequest, tracker: Tracker) -> PreparedEvaluation:
    """Check the policy (422) and that the model and version are registered (404)."""
    policy = risk_policy_of(body.risk_policy)
    try:
        versions = tracker.versions(body.model)
    except TrackingError as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    if body.version is not None and body.version not in {v.version for v in versions}:
        raise HTTPException(status_code=404, detail=f"{body.model} has no version {body.version}")
    paths = PathsRequest(body.paths, body.seed, body.path_model, body.states)
    return PreparedEvaluation(f"mle-{uuid.uuid4().hex[:16]}", body, paths, policy)


def evaluation_work(
    jobs: BacktestJobs, tracker: Tracker, results: Evaluations, prepared: PreparedEvaluation
) -> Callable[[Job], Coroutine[Any, Any, None]]:
    """Return the job's work: evaluate in a thread, keep the answer, mark the job done."""

    async def work(job: Job) -> None:
        await jobs.update(job, "running", 0.0)

        def progress(stage: str, done: int, total: int) -> None:  # in the worker thread
            if job.cancel_requested:
                raise JobCancelled
            share = PATHS_SHARE * done / total if stage.endswith(" paths") else 0.0
            anyio.from_thread.run(jobs.update, job, "running", 0.05 + share)

        found, first, last = await blocking(_evaluate, jobs, tracker, prepared, progress)
        results.put(answer(job, found, first, last))
        await jobs.update(job, "done", 1.0)

    return work


def _evaluate(
    jobs: BacktestJobs, tracker: Tracker, prepared: PreparedEvaluation, progress: Progress
) -> tuple[VersionEvaluation, dt.date, dt.date]:
    body, store = prepared.request, jobs.store
    stored_first, stored_last = service.stored_window(store)
    first, last = body.start or stored_first, body.end or stored_last
    found = service.evaluate_version(
        store, tracker, body.model, version=body.version, book=None, start=first, end=last,
        paths=prepared.paths, risk_policy=prepared.risk_policy, progress=progress,
    )  # fmt: skip
    return found, first, last


def answer(job: Job, found: VersionEvaluation, first: dt.date, last: dt.date) -> EvaluationOut:
    """Return what the GET route shows of a finished evaluation."""
    fitted, backtest = found.fitted, found.backtest
    kept = stored_interventions(backtest.interventions) if backtest.risk_managed else {}
    return EvaluationOut(
        evaluation_id=job.job_id, status="done", progress=1.0, model=fitted.name,
        version=fitted.version, start=first, end=last,
        summary=_finite_values(found.summary.as_dict()),
        baseline_summary=_finite_values(found.baseline_summary.as_dict()),
        backtest=_finite_values(backtest.metrics),
        warnings=[*backtest.warnings, *found.guard_problems],
        interventions=kept.get("interventions", []),
        interventions_total=kept.get("interventions_total", 0),
        robustness=_robustness(found),
    )  # fmt: skip


def _robustness(found: VersionEvaluation) -> RobustnessOut | None:
    paths = found.robustness
    if paths is None:
        return None
    return RobustnessOut(
        path_model=found.path_model, calibrated_from=found.fitted.first_day,
        calibrated_to=found.fitted.last_day, ic=[_finite(v) for v in paths.ic],
        sharpe=[_finite(v) for v in paths.sharpe], summary=_finite_values(paths.summary()),
        missing_sets=list(paths.missing_sets),
    )  # fmt: skip


def _finite_values(values: dict[str, float]) -> dict[str, float | None]:
    return {key: _finite(value) for key, value in values.items()}


def _finite(value: float) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None
