"""Request and response models of the backtests area (`/api/backtests`).

Numbers that may be undefined (NaN metrics, infinite ratios) travel as ``null``: JSON has
no NaN. Equity curves are lists of ``{date, equity}`` points, ready for a chart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tetra.api.schemas.common import Day
from tetra.market import Adjustment

RunStatus = Literal["queued", "running", "done", "failed", "cancelled"]
SYMBOLS_HELP = (
    "Symbols, or @group for every member of a universe group during the run (@crypto: each "
    "coin in the recorded top ten on some day), entered only while a member and closed at "
    "the next open after it leaves; universe.toml's list stands in where no membership is "
    "recorded (a warning says so). The stored run keeps the spans in params.membership."
)


class StrategyInfo(BaseModel):
    """A registered strategy and the JSON schema of its config, for the web form."""

    name: str
    description: str
    config_schema: dict[str, Any] = Field(description="JSON schema of the strategy's config.")


class ExitsIn(BaseModel):
    """Stops and exits applied to every position of a run (`tetra.simulation.exits`).

    Fractions are of the entry price (0.05 = 5 %); `*_atr` legs are multiples of the ATR over
    `atr_window` bars, as of the bar before the entry. A leg is a fraction or a multiple.
    """

    model_config = ConfigDict(extra="forbid")

    stop_loss: float | None = Field(None, gt=0, lt=1)
    stop_loss_atr: float | None = Field(None, gt=0)
    take_profit: float | None = Field(None, gt=0)
    take_profit_atr: float | None = Field(None, gt=0)
    trailing_stop: float | None = Field(None, gt=0, lt=1)
    trailing_stop_atr: float | None = Field(None, gt=0)
    time_exit: int | None = Field(None, ge=1, description="Exit at the open after n bars.")
    atr_window: int = Field(14, ge=1)
    both_touched: Literal["stop", "target"] = Field(
        "stop", description="Which fill a bar touching both the stop and the target takes."
    )


class RiskOptions(BaseModel):
    """How every backtest of a request is run: under a risk policy, with exits, sized.

    Shared by a run, a sweep (every combination) and a walk-forward (every train sweep and
    test run); the API checks them at the edge (`tetra.api.backtest_jobs.risk_of`).
    """

    risk_policy: dict[str, Any] | None = Field(
        None,
        description="A risk policy to run the strategy under (see /api/risk/policy): caps "
        "resize orders, breached limits move the book to reducing or halted; a single "
        "run lists every intervention in its `interventions`.",
    )
    exits: ExitsIn | None = Field(None, description="Stops and exits for every position.")
    sizing: dict[str, Any] | None = Field(
        None,
        description='Size every entry by a policy, e.g. {"method": "volatility_target", '
        '"target": 0.1}. Methods (settings): equal_weight (gross), fixed_fractional '
        "(fraction), fixed_risk (risk; the entry's stop, else exits.stop_loss), "
        "volatility_target (target), inverse_volatility (gross), risk_parity (gross), kelly "
        "(fraction, cap); any method also takes book_volatility, max_weight, max_gross, "
        "lookback, periods_per_year. Overrides the risk_policy's sizing table.",
    )


class RunRequest(RiskOptions):
    """One backtest: a strategy with its parameters on symbols between two days."""

    model_config = ConfigDict(extra="forbid")

    strategy: str = Field(description="A registered strategy; see GET /api/backtests/strategies.")
    symbols: list[str] = Field(min_length=1, max_length=500, description=SYMBOLS_HELP)
    start: Day
    end: Day = Field(description="Last day, inclusive.")
    params: dict[str, Any] = Field(default_factory=dict, description="The strategy's config.")
    cash: float = Field(1_000_000.0, gt=0)
    commission_bps: float = Field(0.0, ge=0, description="Basis points of traded value.")
    slippage_bps: float = Field(0.0, ge=0, description="Basis points of price.")
    adjustment: Adjustment = Field(
        Adjustment.RAW,
        description="Prices the engine trades: raw (splits and cash dividends booked), "
        "split_adjusted, or total_return (dividends reinvested in the price).",
    )
    benchmark: str | None = Field(
        None,
        description="A symbol to measure alpha and beta against (its total return over the "
        "run's dates); without one they are null.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> RunRequest:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class RunAccepted(BaseModel):
    run_id: str
    status: RunStatus


class RunSummary(BaseModel):
    """One stored run, as listed."""

    run_id: str
    strategy: str
    symbols: list[str] = Field(default_factory=list, description="In the order given.")
    config: dict[str, Any] = Field(default_factory=dict, description="The strategy's config.")
    mode: str
    status: str
    period_start: dt.date | None
    period_end: dt.date | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    total_return: float | None
    sharpe_ratio: float | None
    max_drawdown: float | None


class EquityPoint(BaseModel):
    date: dt.date
    equity: float


class DrawdownPoint(BaseModel):
    date: dt.date
    drawdown: float = Field(description="Equity over its running peak, minus 1 (<= 0).")


class MonthlyReturns(BaseModel):
    """One year of the monthly-returns table: `months[0]` is January; null without data."""

    year: int
    months: list[float | None]
    total: float | None


class TradeOut(BaseModel):
    """One trade as `tetra.model.trades` defines it: closed (with `pnl`) or open."""

    symbol: str
    side: str
    entry_ts: dt.datetime | None
    exit_ts: dt.datetime | None = Field(description="null while the trade is open.")
    quantity: float | None
    entry_price: float | None
    exit_price: float | None
    pnl: float | None = Field(description="Realised, net of fees; null while open.")
    fees: float | None
    exit_reason: str | None = Field(
        None,
        description="signal, stop_loss, take_profit, trailing_stop or time_exit; null while open.",
    )
    mark_price: float | None = Field(None, description="Open trades: the run's last close.")
    unrealised_pnl: float | None = Field(
        None, description="Open trades: P&L at mark_price, net of the fees paid."
    )


class InterventionOut(BaseModel):
    """One thing the risk gate did during a run, and why."""

    ts: dt.date
    symbol: str = Field(description="The symbol, the bucket of a group/theme/class cap, or ''.")
    action: Literal["resized", "refused", "cancelled", "tripped", "cleared"]
    code: str = Field(description="The limit (resized, tripped, cleared) or the book's state.")
    requested: float | None = Field(description="Order quantity, or the limit's value.")
    allowed: float | None = Field(description="Quantity let through, or the limit's cap.")
    state: str = Field(description="The book's trading state after it.")
    reason: str


class LegOut(BaseModel):
    """One leg of a multi-leg strategy, in the order the user gave."""

    symbol: str
    role: str


class RunDetail(BaseModel):
    """A run's status; once done, its results."""

    run_id: str
    status: RunStatus
    progress: float = Field(ge=0, le=1)
    error: str | None = None
    strategy: str | None = None
    config: dict[str, Any] | None = None
    params: dict[str, Any] | None = None
    legs: list[LegOut] = Field(
        default_factory=list, description="Each leg's role, for strategies whose legs have one."
    )
    metrics: dict[str, float | None] | None = None
    equity: list[EquityPoint] = Field(default_factory=list)
    drawdown: list[DrawdownPoint] = Field(default_factory=list)
    monthly_returns: list[MonthlyReturns] = Field(default_factory=list)
    trades: list[TradeOut] = Field(default_factory=list, description="The first 500 trades.")
    trades_total: int = Field(default=0, description="trades_closed + trades_open.")
    trades_closed: int = 0
    trades_open: int = 0
    warnings: list[str] = Field(default_factory=list)
    interventions: list[InterventionOut] = Field(
        default_factory=list,
        description="What the risk policy did (the first 500), for runs with a risk_policy.",
    )
    interventions_total: int = 0


class ComparedRun(BaseModel):
    run_id: str
    strategy: str
    metrics: dict[str, float | None]
    equity: list[EquityPoint] = Field(description="Equity over its first value: starts at 1.")


class MetricRow(BaseModel):
    """One metric across the compared runs, in the order of `runs`."""

    metric: str
    values: list[float | None]


class CompareResponse(BaseModel):
    runs: list[ComparedRun]
    metrics: list[MetricRow]


class SweepRequest(RiskOptions):
    """A parameter grid: every combination is backtested (bias guards off, as in the CLI)."""

    model_config = ConfigDict(extra="forbid")

    strategy: str
    symbols: list[str] = Field(min_length=1, max_length=500, description=SYMBOLS_HELP)
    start: Day
    end: Day
    grid: dict[str, list[Any]] = Field(min_length=1, description="Values to try per parameter.")
    metric: str = "sharpe_ratio"
    cash: float = Field(1_000_000.0, gt=0)
    commission_bps: float = Field(0.0, ge=0)
    slippage_bps: float = Field(0.0, ge=0)
    adjustment: Adjustment = Adjustment.RAW

    @model_validator(mode="after")
    def _ordered(self) -> SweepRequest:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class SweepDetail(BaseModel):
    """A sweep's status; once done, one row per valid combination (a heatmap's cells)."""

    sweep_id: str
    status: RunStatus
    progress: float = Field(ge=0, le=1)
    error: str | None = None
    metric: str
    parameters: list[str]
    rows: list[dict[str, float | int | str | bool | None]] = Field(default_factory=list)
    skipped: int = 0
    warnings: list[str] = Field(
        default_factory=list,
        description="What the run's data said: e.g. no membership history for an @group.",
    )
