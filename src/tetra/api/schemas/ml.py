"""Models of the machine-learning routes: feature sets, runs, models, predictions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


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
