"""The start- and end-of-day report as data: one typed payload, stored, rendered, emailed.

A report is built once (`tetra.cycle.daily_reports`), stored as JSON in ``reports.reports``
and rendered from that payload alone: HTML for the web, HTML + text + PNG charts for email.
Money is `Decimal` (the ledger's numbers, exact); market numbers and ratios are floats.
Pydantic models because the same payload is stored and served by the API unchanged.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

ReportKind = Literal["sod", "eod"]
# A position whose close is within this fraction of its stop is at risk (`AtRiskLine`).
NEAR_STOP = 0.02


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IndicatorLine(_Frozen):
    name: str
    value: float | None
    percentile: float | None
    thresholds: dict[str, float | None]


class Reason(_Frozen):
    """Why one strategy wants the order: its rule, indicators and track record."""

    strategy: str
    described: str
    rule: str
    decision: dict[str, Any] | None
    indicators: list[IndicatorLine]
    track_record: dict[str, float | int | None]


class RecommendationLine(_Frozen):
    symbol: str
    side: str
    quantity: Decimal
    held: Decimal
    target: Decimal
    price: Decimal
    notional: Decimal
    allowed: bool
    risk_code: str | None
    risk_reason: str
    reasons: list[Reason]


class PositionLine(_Frozen):
    symbol: str
    quantity: Decimal
    mark: Decimal
    value: Decimal
    weight: float
    cost: Decimal
    unrealised: Decimal
    day_pnl: Decimal | None  # EOD: change of value less today's cash flows in the symbol


class FillLine(_Frozen):
    symbol: str
    quantity: Decimal
    price: Decimal
    decision_price: Decimal | None
    slippage: Decimal | None
    fee: Decimal
    strategy: str


class Mover(_Frozen):
    symbol: str
    close: float
    change: float  # over the last session


class Valuation(_Frozen):
    equity: Decimal
    cash: Decimal
    market_value: Decimal
    realised: Decimal
    unrealised: Decimal
    fees: Decimal


class PnlSplit(_Frozen):
    """The day's P&L from the ledger: total = realised + unrealised change - fees, exactly."""

    total: Decimal
    realised: Decimal
    unrealised_change: Decimal
    fees: Decimal


class HeadroomLine(_Frozen):
    """One limit of the book's policy: how much of it is used and what is left.

    `used`, `cap` and `headroom` are fractions (of equity; of the peak for the drawdown; of
    the previous close's equity for the day's loss); `room` is the headroom in money at
    today's equity (None for the drawdown, whose room depends on the peak).
    """

    limit: str
    used: float
    cap: float
    headroom: float
    room: Decimal | None


class RiskBlock(_Frozen):
    drawdown: float | None
    var_95: Decimal | None  # one-day historical VaR in money, from the book's backtest curve
    gross_exposure: float
    largest_weight: float
    limits: dict[str, float]  # caps of the book's policy (empty without a policy)
    trading_state: str
    headroom: list[HeadroomLine] = []


class CurvePoint(_Frozen):
    session: dt.date
    backtest: float
    benchmark: float | None
    ledger: float | None


class WorldLine(_Frozen):
    """One line of the report's geopolitics table: what, its value, and a note."""

    label: str
    value: str
    note: str = ""


class CalendarLine(_Frozen):
    """One event of the report's day: a macro release or an earnings report.

    Only what is scheduled ahead is shown (time, importance, forecast, previous value,
    estimate), never the outcome: a replayed report must not know it.
    """

    day: dt.date
    kind: Literal["macro", "earnings"]
    event: str
    symbol: str | None = None
    time: str = ""  # e.g. 08:30 UTC, bmo (before the open), amc (after the close)
    held: bool = False
    detail: str = ""


class NewsLine(_Frozen):
    """A headline on a held name, with its sentiment score (-1 bearish to 1 bullish)."""

    symbol: str
    published_at: dt.datetime
    title: str
    publisher: str | None
    score: float
    method: str


class AtRiskLine(_Frozen):
    """A held position near its stop (or through it), or reporting earnings on the day.

    `stop` is the protective level of the book's exits (the tighter of stop loss and
    trailing stop); `distance` how far the close is above it (long; below, short) as a
    fraction of the close: negative when the close is already through it.
    """

    symbol: str
    quantity: Decimal
    close: Decimal
    entry: Decimal
    stop: Decimal | None
    distance: float | None
    reasons: list[str]


class OpenOrderLine(_Frozen):
    """An order of the book still working at its broker: pending for the next session."""

    order_id: str
    broker: str
    symbol: str
    side: str
    quantity: Decimal
    filled: Decimal
    status: str
    limit_price: Decimal | None
    created_at: dt.datetime


class RunIssue(_Frozen):
    """A scheduled job that failed or did not run: the data pipeline, a cycle, a report."""

    job: str  # pipeline, cycle, sod, eod
    book: str | None = None  # None for the data pipeline
    day: dt.date
    status: str  # failed, missed, abandoned, partial
    detail: str


class DailyReport(_Frozen):
    """One book's start-of-day (``sod``) or end-of-day (``eod``) report for one session."""

    kind: ReportKind
    book: str
    session: dt.date
    generated_at: dt.datetime
    mode: str
    benchmark: str
    summary: str
    valuation: Valuation
    pnl: PnlSplit | None
    pnl_by_strategy: dict[str, float]
    positions: list[PositionLine]
    fills: list[FillLine]
    recommendations: list[RecommendationLine]
    movers: list[Mover]
    risk: RiskBlock
    curve: list[CurvePoint]
    data_quality: list[str]
    warnings: list[str]
    world: list[WorldLine] = []
    day: dt.date | None = None  # the next session, which the report prepares
    calendar: list[CalendarLine] = []
    news: list[NewsLine] = []
    at_risk: list[AtRiskLine] = []
    # the book's stop rules the held positions were checked against (its exits' stop_loss,
    # trailing_stop and their ATR forms); empty when it declares none
    stops: dict[str, float] = {}
    nearest_stop: AtRiskLine | None = None  # the held position whose close is nearest its stop
    run_issues: list[RunIssue] = []
    open_orders: list[OpenOrderLine] = []
    summary_by: str = "template"  # or the local model that wrote it (checked, `narrative`)
    summary_note: str = ""  # why a model's summary was not used

    @property
    def report_id(self) -> str:
        return report_id(self.kind, self.book, self.session)

    @property
    def title(self) -> str:
        name = "Start of day" if self.kind == "sod" else "End of day"
        return f"{name}: {self.book}, {self.session.isoformat()}"


def report_id(kind: str, book: str, session: dt.date) -> str:
    """Return the stored id of a report: ``kind:book:session``."""
    return f"{kind}:{book}:{session.isoformat()}"
