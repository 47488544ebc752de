"""Request and response models of the risk area (`/api/risk`).

Numbers JSON cannot carry (NaN, infinity) travel as ``null``; a usage against a zero cap is
``null`` with ``breached`` true. Weights and VaR are fractions (0.02 = 2 %).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

TradingStateName = Literal["active", "reducing", "halted"]
ExposureKind = Literal["group", "asset_class", "theme"]
MarketModelName = Literal["bootstrap", "gbm", "merton", "garch", "regime"]
ScenarioMethod = Literal["replay", "factor", "shock", "unavailable"]


class MonteCarloIn(BaseModel):
    """The Monte Carlo VaR row: a market model's seeded paths over the VaR horizon."""

    model_config = ConfigDict(extra="forbid")

    model: MarketModelName = Field(default="bootstrap", description="Market model of the paths.")
    paths: int = Field(default=1_000, ge=100, le=10_000, description="Paths drawn.")
    seed: int = Field(default=0, ge=0, le=2**32 - 1, description="Same seed, same VaR.")


class RiskRequest(BaseModel):
    """A book to analyse: holdings typed in (weights of equity) or a stored run's final book."""

    model_config = ConfigDict(extra="forbid")

    holdings: dict[str, float] | None = Field(
        None, description="Weights of equity by symbol, e.g. {'SPY': 0.3, 'TLT': -0.1}."
    )
    run_id: str | None = Field(None, description="A stored backtest run (started from the API).")
    equity: float = Field(1_000_000.0, gt=0, allow_inf_nan=False)
    policy: dict[str, Any] | None = Field(
        None, description="A risk policy (the TOML layout as JSON); the default when null."
    )
    confidence: float = Field(0.95, ge=0.5, le=0.999, allow_inf_nan=False)
    horizon: int = Field(1, ge=1, le=250, description="VaR horizon in trading days.")
    lookback: int = Field(504, ge=30, le=10_000, description="Days of history used.")
    target_volatility: float | None = Field(None, gt=0, le=5, allow_inf_nan=False)
    monte_carlo: MonteCarloIn | None = Field(
        default_factory=lambda: MonteCarloIn(), description="The Monte Carlo row; null for none."
    )
    scenarios: bool = Field(True, description="Apply every named scenario to the book.")

    @model_validator(mode="after")
    def _one_book(self) -> RiskRequest:
        if (self.holdings is None) == (self.run_id is None):
            raise ValueError("give either holdings or run_id")
        if self.holdings is not None:
            _check_holdings(self.holdings)
        return self


def _check_holdings(holdings: dict[str, float]) -> None:
    if not 1 <= len(holdings) <= 200:
        raise ValueError("holdings must list 1 to 200 symbols")
    for symbol, weight in holdings.items():
        if not (weight == weight and abs(weight) <= 10):
            raise ValueError(f"weight of {symbol} must be a number between -10 and 10")
        if not symbol.strip() or len(symbol) > 20:
            raise ValueError(f"{symbol!r} is not a symbol")


class HoldingOut(BaseModel):
    symbol: str
    weight: float
    value: float
    volatility: float | None = Field(description="Annualised.")
    beta: float | None
    marginal: float | None = Field(description="d(book volatility)/d(weight).")
    component: float | None = Field(description="Contribution to book volatility; they sum to it.")
    share: float | None = Field(description="Component over book volatility.")
    cluster: int


class ExposureOut(BaseModel):
    kind: ExposureKind
    name: str
    long: float
    short: float
    gross: float
    net: float
    symbols: list[str]


class VarOut(BaseModel):
    """One VaR/CVaR estimate, always with its method."""

    method: Literal["historical", "parametric_normal", "cornish_fisher", "monte_carlo"]
    label: str = Field(description="The method as people write it, e.g. 'Cornish-Fisher'.")
    confidence: float
    horizon: int
    var: float
    cvar: float
    var_amount: float
    cvar_amount: float
    observations: int = Field(description="Returns used, or paths drawn (Monte Carlo).")
    model: str | None = Field(default=None, description="Monte Carlo only: the market model.")
    seed: int | None = Field(default=None, description="Monte Carlo only: the seed of the draw.")


class ScenarioHoldingOut(BaseModel):
    symbol: str
    scenario_return: float = Field(description="The holding's own move in the scenario.")
    pnl: float = Field(description="Money; negative is a loss.")


class ScenarioLossOut(BaseModel):
    """A named scenario applied to the current holdings (numbers null when unavailable)."""

    scenario: str
    title: str
    method: ScenarioMethod
    why: str = Field(description="Why this method (or why the scenario is unavailable).")
    pnl: float | None = Field(description="Money; negative is a loss.")
    pnl_pct: float | None = Field(description="P&L as a fraction of equity.")
    worst_symbol: str | None = Field(description="The holding that loses the most.")
    worst_pnl: float | None
    holdings: list[ScenarioHoldingOut]


class CorrelationOut(BaseModel):
    """The holdings' correlation, rows and columns in cluster order (nulls: too little data)."""

    symbols: list[str]
    matrix: list[list[float | None]]
    clusters: list[list[str]]
    window: int


class LimitUsageOut(BaseModel):
    kind: str
    subject: str
    value: float
    cap: float | None
    usage: float | None
    breached: bool


class TransitionOut(BaseModel):
    at: str
    previous: TradingStateName
    current: TradingStateName
    reason: str
    limit: str | None


class VolatilityOut(BaseModel):
    book: float = Field(description="Annualised book volatility from the covariance.")
    target: float | None
    realised: float | None = Field(description="Annualised, last 63 returns (with a target).")


class RiskReportOut(BaseModel):
    """Everything the Risk page shows for one book."""

    book: str
    as_of: dt.date
    equity: float
    gross: float
    net: float
    state: TradingStateName
    holdings: list[HoldingOut]
    exposures: list[ExposureOut]
    var: list[VarOut]
    correlation: CorrelationOut
    limits: list[LimitUsageOut]
    transitions: list[TransitionOut]
    volatility: VolatilityOut
    scenarios: list[ScenarioLossOut] = Field(description="Worst first; unavailable ones last.")
    notes: list[str]


class KillSwitchOut(BaseModel):
    scope: str = Field(description="'*' for every book, else a book id.")
    engaged: bool
    reason: str
    changed_by: str
    changed_at: dt.datetime


class KillSwitchRequest(BaseModel):
    """Engage or release a kill switch; a reason is required either way."""

    model_config = ConfigDict(extra="forbid")

    scope: str = Field("*", min_length=1, max_length=128, pattern=r"^\S+$")
    engaged: bool
    reason: str = Field(min_length=1, max_length=500)
    changed_by: str = Field("api", min_length=1, max_length=64)


class TradingStateOut(BaseModel):
    """A book's state as the kill switches set it (limit states come with a report)."""

    book: str
    state: TradingStateName
    halted_by: str | None = Field(description="The scope whose switch halts the book, if any.")
    reason: str | None


class PolicyOut(BaseModel):
    """A validated policy, normalised, with the limits it sets."""

    policy: dict[str, Any]
    limits: list[str]
