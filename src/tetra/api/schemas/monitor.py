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
    freshness_days: int | None = Field(
        description="Days between the newest record (for economic data: the newest vintage) "
        "and the response's `reference_day`; never below 0 (earnings may be scheduled ahead)."
    )
    stale_after_days: int = Field(
        4, description="Older than this is stale for this topic (its own cadence)."
    )
    sources: list[str]


class SymbolCoverage(BaseModel):
    """Coverage of one symbol's daily bars against its calendar, or of a series or news feed.

    Bars are judged against their exchange calendar (`expected`, `missing`, `gaps`); an
    economic series or a symbol's news has no calendar, so those fields are null or empty.
    """

    symbol: str = Field(description="A ticker, or an economic series id.")
    dataset: str
    source: str
    asset_class: str = Field(
        description="equity, etf or crypto for bars (unknown outside the universe), macro "
        "for an economic series, news for a symbol's articles."
    )
    calendar: str
    first: dt.date | None
    last: dt.date | None
    records: int | None = Field(None, description="Rows stored (bars, observations, articles).")
    expected: int | None
    stored: int | None
    missing: int | None
    completeness: float | None = Field(
        description="stored / expected, 1.0 when nothing is missing; null without a calendar."
    )
    gaps: list[tuple[dt.date, dt.date]]
    quarantined: int
    computed_at: dt.datetime


class CoverageResponse(BaseModel):
    store_kind: str = Field(description="sample (synthetic data) or live.")
    generated_at: dt.datetime
    reference_day: dt.date = Field(
        description="The day freshness is judged against: today for a live store, the last "
        "generated day for the sample (its history ends there by design)."
    )
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
