"""Training runs into the tracker, and registered models back out of it.

`track_training` records a run (parameters, the feature sets with their fingerprints, the
data window and digest, metrics of the model and of the baseline, per-day IC series, the
fitted model and a JSON report for the web page) and registers the model as a new version.
`load_model` returns a registered version: a given one, a book's production one, or the
latest.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from tetra.backtest.managed import stored_interventions
from tetra.core.errors import ValidationError
from tetra.ml.fitted import FittedModel
from tetra.ml.tracking import MODEL_ARTIFACT, REPORT_ARTIFACT, RunRecord, Tracker
from tetra.ml.training import TrainingResult

EQUITY_POINTS = 400


def track_training(tracker: Tracker, result: TrainingResult, experiment: str) -> TrainingResult:
    """Record `result` as a run, register its model; return it with run id and version."""
    run_id = tracker.record(training_record(result, experiment))
    version = tracker.register(result.spec.name, run_id, MODEL_ARTIFACT)
    fitted = replace(result.fitted, version=version)
    return replace(result, run_id=run_id, version=version, fitted=fitted)


def training_record(result: TrainingResult, experiment: str) -> RunRecord:
    spec, evaluation = result.spec, result.evaluation
    metrics = {
        **evaluation.summary.as_dict(),
        **{f"baseline_{k}": v for k, v in evaluation.baseline_summary.as_dict().items()},
        **{f"backtest_{k}": v for k, v in evaluation.backtest.metrics.items()},
        **{f"baseline_backtest_{k}": v for k, v in evaluation.baseline_backtest.metrics.items()},
        **_path_metrics(evaluation.path_ic),
        **_intervention_metrics(result),
    }
    return RunRecord(
        experiment=experiment,
        name=f"{spec.name} {spec.model}",
        params=_params(result),
        metrics={k: v for k, v in metrics.items() if np.isfinite(v)},
        series=_series(result),
        tags={"model": spec.model, "label": spec.label.value, "name": spec.name},
        artifacts={MODEL_ARTIFACT: result.fitted.to_bytes(), REPORT_ARTIFACT: report(result)},
    )


def load_model(
    tracker: Tracker, name: str, *, version: int | None = None, book: str | None = None
) -> FittedModel:
    """Return version `version`, else `book`'s production version, else the latest."""
    versions = tracker.versions(name)
    if version is None and book is not None:
        version = tracker.production(name, book)
        if version is None:
            raise ValidationError(f"no version of {name} is in production for book {book!r}")
    chosen = versions[-1] if version is None else _find(versions, name, version)
    fitted = FittedModel.from_bytes(tracker.artifact(chosen.run_id, MODEL_ARTIFACT))
    return replace(fitted, version=chosen.version)


def report(result: TrainingResult) -> bytes:
    """The run's JSON report: what the Models page shows."""
    evaluation, dates = result.evaluation, _dates(result)
    daily = evaluation.daily.assign(date=dates, baseline_ic=evaluation.baseline_daily["ic"])
    daily = daily.dropna(subset=["ic"])
    body: dict[str, Any] = {
        "spec": result.spec.model_dump(mode="json"),
        "data": result.data,
        "summary": evaluation.summary.as_dict(),
        "baseline_summary": evaluation.baseline_summary.as_dict(),
        "backtest": evaluation.backtest.metrics,
        "baseline_backtest": evaluation.baseline_backtest.metrics,
        "backtest_warnings": list(evaluation.backtest.warnings),
        "path_ic": list(evaluation.path_ic),
        "importance": result.importance,
        "daily": [
            {"date": d, "ic": _num(i), "rank_ic": _num(r), "baseline_ic": _num(b)}
            for d, i, r, b in zip(
                daily["date"], daily["ic"], daily["rank_ic"], daily["baseline_ic"], strict=True
            )
        ],
        "equity": _equity(evaluation.backtest.equity),
        "baseline_equity": _equity(evaluation.baseline_backtest.equity),
        **_risk_report(result),
    }
    return json.dumps(body, allow_nan=False, default=str).encode()


def _policy(result: TrainingResult) -> dict[str, Any] | None:
    policy = result.risk_policy
    return None if policy is None else policy.model_dump(mode="json", exclude_defaults=True)


def _risk_report(result: TrainingResult) -> dict[str, Any]:
    """The policy the backtests ran under and the gate's interventions (empty without one)."""
    if result.risk_policy is None:
        return {}
    evaluation = result.evaluation
    return {
        "risk_policy": _policy(result),
        "backtest_interventions": stored_interventions(evaluation.backtest.interventions),
        "baseline_backtest_interventions": stored_interventions(
            evaluation.baseline_backtest.interventions
        ),
    }


def _intervention_metrics(result: TrainingResult) -> dict[str, float]:
    if result.risk_policy is None:
        return {}
    evaluation = result.evaluation
    return {
        "backtest_interventions": float(len(evaluation.backtest.interventions)),
        "baseline_backtest_interventions": float(len(evaluation.baseline_backtest.interventions)),
    }


def _params(result: TrainingResult) -> dict[str, str]:
    spec = result.spec.model_dump(mode="json")
    flat = {k: json.dumps(v) if isinstance(v, dict | list) else str(v) for k, v in spec.items()}
    for key, value in result.data.items():
        flat[f"data_{key}"] = json.dumps(value) if isinstance(value, dict) else str(value)
    if result.risk_policy is not None:
        flat["risk_policy"] = json.dumps(_policy(result))
    return flat


def _series(result: TrainingResult) -> dict[str, tuple[tuple[int, float], ...]]:
    steps = _steps(result)
    found = {}
    for key, frame, column in (
        ("daily_ic", result.evaluation.daily, "ic"),
        ("daily_rank_ic", result.evaluation.daily, "rank_ic"),
        ("baseline_daily_ic", result.evaluation.baseline_daily, "ic"),
    ):
        values = frame[column].to_numpy()
        kept = np.isfinite(values)
        found[key] = tuple(zip(steps[kept].tolist(), values[kept].tolist(), strict=True))
    return found


def _steps(result: TrainingResult) -> np.ndarray:
    """Metric steps are days since 1970-01-01, so a series' step is its date."""
    return pd.DatetimeIndex(_dates(result)).as_unit("s").asi8 // 86_400


def _dates(result: TrainingResult) -> list[str]:
    return [str(pd.Timestamp(d).date()) for d in result.evaluation.dates]


def _path_metrics(path_ic: tuple[float, ...]) -> dict[str, float]:
    if not path_ic:
        return {}
    values = np.array(path_ic)
    return {"path_ic_mean": float(values.mean()), "path_ic_min": float(values.min()),
            "path_ic_max": float(values.max()), "paths": float(len(values))}  # fmt: skip


def _equity(equity: pd.Series) -> list[dict[str, object]]:
    if equity.empty:
        return []
    step = max(1, len(equity) // EQUITY_POINTS)
    sampled = equity.iloc[::step]
    if sampled.index[-1] != equity.index[-1]:
        sampled = pd.concat([sampled, equity.iloc[-1:]])
    days = pd.DatetimeIndex(sampled.index)
    return [
        {"date": str(day.date()), "equity": float(value)}
        for day, value in zip(days, sampled.to_numpy(), strict=True)
    ]


def _find(versions: list[Any], name: str, version: int) -> Any:
    for found in versions:
        if found.version == version:
            return found
    raise ValidationError(f"model {name} has no version {version}")


def _num(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None
