"""Response models of the report routes (`routes/reports.py`); the payload is `DailyReport`."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from tetra.reports.daily import DailyReport


class ReportSummaryOut(BaseModel):
    report_id: str
    kind: str
    book: str
    session: dt.date
    created_at: dt.datetime


class DeliveryOut(BaseModel):
    attempt: int
    at: dt.datetime
    status: str
    recipients: list[str]
    error: str | None


class ReportOut(BaseModel):
    report: DailyReport
    deliveries: list[DeliveryOut]
