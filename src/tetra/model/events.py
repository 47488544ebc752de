"""Calendar events: earnings reports and economic releases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from tetra.core.errors import ValidationError


class ReportTime(StrEnum):
    BEFORE_OPEN = "bmo"
    AFTER_CLOSE = "amc"
    UNKNOWN = "unknown"


class Importance(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class EarningsEvent:
    """A company's earnings report, scheduled or past (actuals None until reported)."""

    symbol: str
    report_date: dt.date
    source: str
    fiscal_period: str | None = None
    time_of_day: ReportTime = ReportTime.UNKNOWN
    eps_estimate: float | None = None
    eps_actual: float | None = None
    revenue_estimate: float | None = None
    revenue_actual: float | None = None

    def __post_init__(self) -> None:
        for name in ("revenue_estimate", "revenue_actual"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValidationError(f"{self.symbol} {self.report_date}: {name} is negative")


@dataclass(frozen=True, slots=True)
class EconomicEvent:
    """A scheduled economic release or decision (FOMC, CPI, payrolls), at `ts` in UTC."""

    event: str
    ts: dt.datetime
    source: str
    country: str = "US"
    importance: Importance = Importance.MEDIUM
    actual: float | None = None
    forecast: float | None = None
    previous: float | None = None
    unit: str | None = None

    def __post_init__(self) -> None:
        if not self.event.strip():
            raise ValidationError("economic event without a name")
        if self.ts.tzinfo is None:
            raise ValidationError(f"{self.event}: ts must be timezone-aware")
