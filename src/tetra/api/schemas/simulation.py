"""Request and response models of the simulation area (`/api/simulation`).

Numbers that may be undefined travel as ``null``. A Monte Carlo result carries the fan
chart (percentile bands of equity, 1 = start), a histogram per outcome metric and the
distribution table; a stress result one row per scenario with its holdings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tetra.api.schemas.common import Day

SimulationStatus = Literal["queued", "running", "done", "failed"]


class SimulationRunRequest(BaseModel):
    """A Monte Carlo or stress run of a strategy (by name) or a portfolio (weights)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["montecarlo", "stress"]
    strategy: str | None = Field(
        None, description="A registered strategy, or null for a portfolio."
    )
    params: dict[str, Any] = Field(default_factory=dict, description="The strategy's config.")
    portfolio: dict[str, float] = Field(default_factory=dict, description="Symbol -> weight.")
    symbols: list[str] = Field(
        default_factory=list, max_length=200, description="The strategy's symbols."
    )
    start: Day = Field(dt.date(2000, 1, 1), description="Calibration history: first day.")
    end: Day = Field(dt.date(2100, 12, 31), description="Calibration history: last day.")
    model: str = Field("bootstrap", description="gbm, merton, garch, bootstrap or regime.")
    states: int = Field(2, ge=2, le=3)
    paths: int = Field(200, ge=1, le=20_000)
    bars: int = Field(252, ge=2, le=5_040)
    seed: int = Field(0, ge=0)
    shocks: list[dict[str, Any]] = Field(
        default_factory=list,
        description='e.g. {"kind": "halt", "symbol": "SPY", "at": 10, "bars": 3}',
    )
    scenarios: list[str] = Field(default_factory=list, description="Scenario names; empty: all.")
    cash: float = Field(1_000_000.0, gt=0)
    commission_bps: float = Field(0.0, ge=0)
    slippage_bps: float = Field(0.0, ge=0)
    drawdown_threshold: float = Field(0.2, gt=0, lt=1)

    @model_validator(mode="after")
    def _one_subject(self) -> SimulationRunRequest:
        if (self.strategy is None) == (not self.portfolio):
            raise ValueError("give either a strategy or a portfolio, exactly one")
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class SimulationAccepted(BaseModel):
    run_id: str
    status: SimulationStatus


class BandPoint(BaseModel):
    date: dt.date
    p5: float
    p25: float
    p50: float
    p75: float
    p95: float


class Histogram(BaseModel):
    """Counts of paths per bin: `edges` has one more entry than `counts`."""

    metric: str
    edges: list[float]
    counts: list[int]


class Distribution(BaseModel):
    metric: str
    mean: float | None
    p5: float | None
    p25: float | None
    p50: float | None
    p75: float | None
    p95: float | None


class HoldingRow(BaseModel):
    symbol: str
    weight: float | None
    scenario_return: float | None
    pnl: float | None
    betas: dict[str, float] = Field(default_factory=dict)


class ScenarioRow(BaseModel):
    scenario: str
    title: str
    method: Literal["replay", "factor"]
    why: str
    scenario_return: float | None
    pnl: float | None
    max_drawdown: float | None
    proxy_drawdown: float | None
    holdings: list[HoldingRow]


class SimulationDetail(BaseModel):
    """A run's status; once done, its results."""

    run_id: str
    status: SimulationStatus
    progress: float
    error: str | None = None
    kind: str | None = None
    subject: str | None = None
    model: str | None = None
    executor: str | None = None
    spec: dict[str, Any] = Field(default_factory=dict)
    probability_of_loss: float | None = None
    probability_of_drawdown: float | None = None
    distributions: list[Distribution] = Field(default_factory=list)
    bands: list[BandPoint] = Field(default_factory=list)
    histograms: list[Histogram] = Field(default_factory=list)
    scenarios: list[ScenarioRow] = Field(default_factory=list)
    parameters: list[dict[str, Any]] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class SimulationSummary(BaseModel):
    run_id: str
    kind: str
    subject: str | None
    model: str | None
    started_at: dt.datetime | None


class ScenarioInfo(BaseModel):
    name: str
    title: str
    kind: str
    window: str
    shock: dict[str, float]
    reference: str
    notes: str
    origin: str


class ModelInfo(BaseModel):
    name: str
    description: str
