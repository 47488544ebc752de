"""Response models of the market and pipeline routes (`routes/market.py`, `routes/pipeline.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class Bar(BaseModel):
    """One raw OHLCV bar with the indicators asked for, keyed by their column names."""

    ts: dt.datetime = Field(description="Bar open, UTC.")
    open: float
    high: float
    low: float
    close: float
    volume: float
    vwap: float | None
    trades: int | None
    indicators: dict[str, float | None] = Field(
        description="e.g. sma_20, rsi_14, bollinger_20_upper, macd_12_26_9_signal; "
        "null while an indicator warms up."
    )


class CorporateActionMarker(BaseModel):
    ex_date: dt.date
    action: str = Field(description="split or dividend.")
    split_from: float | None
    split_to: float | None
    cash_amount: float | None
    currency: str | None
    source: str


class EarningsMarker(BaseModel):
    report_date: dt.date
    fiscal_period: str | None
    time_of_day: str | None
    eps_estimate: float | None
    eps_actual: float | None
    revenue_estimate: float | None
    revenue_actual: float | None
    source: str


class BarsResponse(BaseModel):
    """A symbol's bars in a range, with indicators and the events to mark on its chart."""

    symbol: str
    interval: str
    source: str = Field(description="The source the bars come from.")
    indicators: list[str] = Field(description="The indicator columns of every bar.")
    bars: list[Bar]
    corporate_actions: list[CorporateActionMarker]
    earnings: list[EarningsMarker]


class MacroSeries(BaseModel):
    """An economic series of one source, with its latest observation (latest vintage)."""

    series_id: str
    source: str
    title: str | None
    units: str | None
    frequency: str | None
    observations: int = Field(description="Stored rows, vintages included.")
    first: dt.date
    last: dt.date = Field(description="Date of the latest observation.")
    last_value: float | None = Field(description="Its value; null when the vendor had none.")


class MacroObservation(BaseModel):
    series_id: str
    date: dt.date
    value: float | None
    realtime_start: dt.date = Field(description="First day this value was known.")
    realtime_end: dt.date | None
    source: str


class SentimentScore(BaseModel):
    symbol: str = Field(description="Ticker, or '*' for the article as a whole.")
    method: str = Field(description="vendor, vader or loughran_mcdonald.")
    score: float = Field(description="From -1 (bearish) to 1 (bullish).")
    label: str | None
    relevance: float | None
    source: str


class NewsArticle(BaseModel):
    article_id: str
    url: str
    title: str
    summary: str | None
    publisher: str | None
    author: str | None
    published_at: dt.datetime
    symbols: list[str]
    source: str
    sentiment: list[SentimentScore]


class MarketEvent(BaseModel):
    """An earnings report (`kind` earnings) or a scheduled economic release (economic)."""

    kind: str = Field(description="earnings or economic.")
    date: dt.date
    ts: dt.datetime | None = Field(description="Scheduled time, UTC, for economic events.")
    symbol: str | None
    event: str = Field(description="e.g. AAPL earnings 2025Q3, or CPI.")
    source: str
    fiscal_period: str | None = None
    time_of_day: str | None = None
    eps_estimate: float | None = None
    eps_actual: float | None = None
    revenue_estimate: float | None = None
    revenue_actual: float | None = None
    country: str | None = None
    importance: str | None = None
    actual: float | None = None
    forecast: float | None = None
    previous: float | None = None
    unit: str | None = None


class IngestRun(BaseModel):
    """One pipeline run from ``ops.ingest_runs``; `steps` and `errors` are parsed JSON."""

    run_id: str
    mode: str = Field(description="daily, backfill or load.")
    status: str = Field(description="running, success, partial or failed.")
    started_at: dt.datetime
    finished_at: dt.datetime | None
    rows_written: int | None
    rows_quarantined: int | None
    steps: dict[str, Any] = Field(description="Per step: status, written, quarantined, ...")
    errors: dict[str, Any] = Field(description="Per failed step: its failures.")
    source: str


class QuarantinedRecord(BaseModel):
    record_id: str
    dataset: str
    natural_key: str | None
    reason: str
    payload: Any = Field(description="The raw record as received.")
    run_id: str | None
    quarantined_at: dt.datetime
    source: str


class ReasonCount(BaseModel):
    reason: str
    count: int


class SymbolGaps(BaseModel):
    symbol: str
    source: str
    expected: int
    stored: int
    missing: int
    gaps: list[tuple[dt.date, dt.date]]


class DatasetQuality(BaseModel):
    """One dataset's quarantined records by reason and its symbols missing sessions."""

    dataset: str
    quarantined: int
    reasons: list[ReasonCount] = Field(description="Most frequent first.")
    symbols_with_gaps: list[SymbolGaps]


class QualityResponse(BaseModel):
    datasets: list[DatasetQuality]
