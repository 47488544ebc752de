"""Request and response models of walk-forward analysis (`/api/backtests/walk-forwards`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tetra.api.schemas.backtests import SYMBOLS_HELP, EquityPoint, RiskOptions, RunStatus
from tetra.api.schemas.common import Day
from tetra.market import Adjustment


class WalkForwardRequest(RiskOptions):
    """Choose parameters on each train window by `metric`, test them on the next window."""

    model_config = ConfigDict(extra="forbid")

    strategy: str
    symbols: list[str] = Field(min_length=1, max_length=500, description=SYMBOLS_HELP)
    start: Day
    end: Day
    grid: dict[str, list[Any]] = Field(min_length=1, description="Values to try per parameter.")
    metric: str = Field("sharpe_ratio", description="What each train window maximises.")
    train: int = Field(252, ge=2, le=10_000, description="Train bars per fold.")
    test: int = Field(63, ge=2, le=10_000, description="Test bars per fold.")
    step: int | None = Field(
        None, ge=2, le=10_000, description="Bars between folds (default: test); at least test."
    )
    anchored: bool = Field(False, description="Grow every train window from the first bar.")
    cash: float = Field(1_000_000.0, gt=0)
    commission_bps: float = Field(0.0, ge=0)
    slippage_bps: float = Field(0.0, ge=0)
    adjustment: Adjustment = Adjustment.RAW

    @model_validator(mode="after")
    def _ordered(self) -> WalkForwardRequest:
        if self.end < self.start:
            raise ValueError("end is before start")
        if self.step is not None and self.step < self.test:
            raise ValueError(f"step ({self.step}) must be at least test ({self.test})")
        return self


class FoldOut(BaseModel):
    """One fold: its windows, the parameters chosen in-sample and the metric both sides."""

    fold: int
    train_first: dt.date
    train_last: dt.date
    test_first: dt.date
    test_last: dt.date
    params: dict[str, Any]
    in_sample: float | None = Field(description="The metric on the train window (the best).")
    out_of_sample: float | None = Field(description="The same metric on the test window.")


class WalkForwardDetail(BaseModel):
    """A walk-forward's status; once done, its folds and the stitched out-of-sample run."""

    run_id: str = Field(description="Also a stored run (mode walk_forward) once done.")
    status: RunStatus
    progress: float = Field(ge=0, le=1)
    error: str | None = None
    strategy: str | None = None
    spec: dict[str, Any] = Field(
        default_factory=dict, description="grid, train, test, step, anchored, metric."
    )
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="Symbols, dates, cash and costs of the run; its warnings and, for an "
        "@group, the membership spans it followed.",
    )
    folds: list[FoldOut] = Field(default_factory=list)
    equity: list[EquityPoint] = Field(
        default_factory=list, description="Out-of-sample equity: the test windows chained."
    )
    metrics: dict[str, float | None] = Field(
        default_factory=dict, description="Of the stitched out-of-sample equity."
    )
