"""Models of the machine-learning routes: feature sets, runs, models, predictions, evaluations."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tetra.api.schemas.backtests import RunStatus


class FeatureSetOut(BaseModel):
    name: str
    version: int
    fingerprint: str
    description: str
    features: list[dict[str, Any]]


class RunSummaryOut(BaseModel):
    """One tracked training run with its headline metrics (NaN ones left out)."""

    run_id: str
    name: str
    model: str
    label: str
    started_at: dt.datetime
    metrics: dict[str, float]


class IcPoint(BaseModel):
    date: dt.date
    ic: float | None
    rank_ic: float | None
    baseline_ic: float | None


class EquityPointOut(BaseModel):
    date: dt.date
    equity: float


class ImportanceOut(BaseModel):
    feature: str
    importance: float


class RunDetailOut(BaseModel):
    """A run's report: the model beside the baseline, IC over time, importance, backtests."""

    run_id: str
    name: str
    started_at: dt.datetime
    spec: dict[str, Any]
    data: dict[str, Any]
    summary: dict[str, float | None]
    baseline_summary: dict[str, float | None]
    backtest: dict[str, float | None]
    baseline_backtest: dict[str, float | None]
    backtest_warnings: list[str]
    path_ic: list[float]
    daily: list[IcPoint]
    importance: list[ImportanceOut]
    equity: list[EquityPointOut]
    baseline_equity: list[EquityPointOut]


class ModelVersionOut(BaseModel):
    version: int
    run_id: str
    books: list[str]


class RegisteredModelOut(BaseModel):
    name: str
    versions: list[ModelVersionOut]


class PromoteRequest(BaseModel):
    book: str = Field(..., description="Book id: letters, digits, '_' or '-'.", max_length=64)


class PredictionOut(BaseModel):
    symbol: str
    score: float
    rank: float | None


class PredictionsOut(BaseModel):
    """One model version's predictions for one day, best first."""

    model: str
    model_version: int
    date: dt.date | None
    predictions: list[PredictionOut]


PathModel = Literal["bootstrap", "gbm", "merton", "garch", "regime"]


class EvaluationRequest(BaseModel):
    """Score a registered version on a window; optionally on simulated paths, under a policy."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(..., min_length=1, max_length=64, description="Registered model name.")
    version: int | None = Field(None, ge=1, description="Version (default: the latest).")
    start: dt.date | None = Field(None, description="First day (default: the store's first).")
    end: dt.date | None = Field(None, description="Last day, inclusive (default: the last).")
    paths: int = Field(0, ge=0, le=1000, description="Simulated market paths to score it on.")
    path_model: PathModel = Field(
        "bootstrap",
        description="Market model of the paths, calibrated on the version's training window only.",
    )
    states: int = Field(2, ge=2, le=3, description="Regimes of the regime path model.")
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the paths and the guard.")
    risk_policy: dict[str, Any] | None = Field(
        None,
        description="A risk policy (see /api/risk/policy) the signal's backtests run under; "
        "its interventions are listed.",
    )


class RobustnessOut(BaseModel):
    """Per path: mean daily IC and the Sharpe of ml_signal; their percentiles."""

    path_model: str
    calibrated_from: dt.date
    calibrated_to: dt.date
    ic: list[float | None]
    sharpe: list[float | None]
    summary: dict[str, float | None]
    missing_sets: list[str]


class EvaluationOut(BaseModel):
    """An evaluation job: its status, then the model beside the baseline, trades and paths."""

    evaluation_id: str
    status: RunStatus
    progress: float
    error: str | None = None
    model: str | None = None
    version: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    summary: dict[str, float | None] | None = None
    baseline_summary: dict[str, float | None] | None = None
    backtest: dict[str, float | None] | None = None
    warnings: list[str] = Field(default_factory=list)
    interventions: list[dict[str, Any]] = Field(
        default_factory=list, description="What the risk policy did (the first 500)."
    )
    interventions_total: int = 0
    robustness: RobustnessOut | None = None
