"""Response models of the monitor routes (`routes/monitor.py`): coverage, tables, entities."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from tetra.reports.daily import RunIssue


class TopicCoverage(BaseModel):
    """One coverage card: a dataset's size, breadth, range and freshness."""

    topic: str = Field(
        description="market_data, crypto, economic_data, news, events, geopolitics or social."
    )
    dataset: str
    records: int
    entities: int = Field(description="Symbols, series or events covered.")
    first: dt.date | None
    last: dt.date | None
    freshness_days: int | None = Field(description="Days between the newest record and today.")
    sources: list[str]


class SymbolCoverage(BaseModel):
    """Coverage of one symbol's daily bars against its calendar."""

    symbol: str
    dataset: str
    source: str
    calendar: str
    first: dt.date | None
    last: dt.date | None
    expected: int
    stored: int
    missing: int
    completeness: float = Field(description="stored / expected, 1.0 when nothing is missing.")
    gaps: list[tuple[dt.date, dt.date]]
    quarantined: int
    computed_at: dt.datetime


class CoverageResponse(BaseModel):
    store_kind: str = Field(description="sample (synthetic data) or live.")
    generated_at: dt.datetime
    topics: list[TopicCoverage]
    symbols: list[SymbolCoverage]


class TableInfo(BaseModel):
    schema_name: str
    table: str
    description: str
    columns: list[str]
    key: list[str]


class TableStats(BaseModel):
    table: str
    rows: int
    entities: int | None
    first: dt.date | None
    last: dt.date | None


class EntityStats(BaseModel):
    table: str
    entity: str
    source: str
    rows: int
    first: dt.date | None
    last: dt.date | None


class AlertItem(BaseModel):
    """One of Tetra's alerts (``ops.alerts``): what is wrong, since when, whether announced."""

    alert_id: str = Field(description="rule:subject, e.g. stale_data:market_data.ohlcv.")
    rule: str = Field(description="stale_data, failed_run, quarantine_spike, halted_book, ...")
    subject: str
    severity: str = Field(description="warning or critical.")
    state: str = Field(description="firing or resolved.")
    message: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    resolved_at: dt.datetime | None
    notified_state: str | None = Field(description="The state last delivered (webhook, email).")
    delivery_error: str | None


class RunIssuesOut(BaseModel):
    """Missed and failed scheduled runs (data pipeline, cycles, SOD/EOD reports) of a window."""

    start: dt.date = Field(description="First session looked at.")
    end: dt.date = Field(description="Last session looked at (yesterday: today's may not be due).")
    issues: list[RunIssue]
