"""Response models of the market routes (`routes/market.py`): bars, macro, news, events.

Named `...Out` where a domain word (bar, article, score, event) could be mistaken for a type
of `tetra.model`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class BarOut(BaseModel):
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


class GeopoliticalMarker(BaseModel):
    """A day the world's conflict index spiked (the same for every symbol)."""

    date: dt.date
    conflict_intensity: float = Field(description="Mentions of conflict events that day.")
    zscore: float = Field(description="Standard deviations above the 90 days before.")
    headline: str | None = Field(description="The day's most-mentioned event: kind and place.")
    country: str | None = Field(description="FIPS 10-4 code of that event's country.")
    source: str


class BarsResponse(BaseModel):
    """A symbol's bars in a range, with indicators and the events to mark on its chart."""

    symbol: str
    interval: str
    source: str = Field(description="The source the bars come from.")
    indicators: list[str] = Field(description="The indicator columns of every bar.")
    bars: list[BarOut]
    corporate_actions: list[CorporateActionMarker]
    earnings: list[EarningsMarker]
    geopolitical: list[GeopoliticalMarker] = Field(
        default_factory=list,
        description="World conflict spikes in the range (events.geopolitical).",
    )


class BarColumns(BaseModel):
    """A symbol's bars in a range as column arrays (one entry per bar), for charts.

    The compact form of `BarsResponse`: the same bars and indicators without a key per
    value. Indicator values are rounded to 7 significant digits of their column's largest
    value (prices and volumes are exact as stored); null while an indicator warms up.
    """

    symbol: str
    interval: str
    source: str = Field(description="The source the bars come from.")
    period: str | None = Field(description="The preset the range was resolved from, if any.")
    first_available: dt.date = Field(description="The first day with a bar of this series.")
    last_available: dt.date = Field(description="The last day with a bar of this series.")
    start: dt.date = Field(description="The first day of the range served.")
    end: dt.date = Field(description="The last day of the range served.")
    t: list[int] = Field(description="Bar opens, UTC epoch seconds.")
    open: list[float]
    high: list[float]
    low: list[float]
    close: list[float]
    volume: list[float]
    indicators: list[str] = Field(description="The keys of `values`, in the order asked for.")
    values: dict[str, list[float | None]] = Field(
        description="Indicator columns by name (sma_20, macd_12_26_9_signal, adx_14_plus_di)."
    )
    corporate_actions: list[CorporateActionMarker]
    earnings: list[EarningsMarker]
    geopolitical: list[GeopoliticalMarker]


class MacroSeriesOut(BaseModel):
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
    released: dt.date | None = Field(
        None, description="The latest vintage: the last day the series published a value."
    )
    vintages: int = Field(0, description="Distinct vintages (publication days) stored.")


class MacroObservationOut(BaseModel):
    series_id: str
    date: dt.date
    value: float | None
    realtime_start: dt.date = Field(description="First day this value was known.")
    realtime_end: dt.date | None
    source: str


class SentimentScoreOut(BaseModel):
    symbol: str = Field(description="Ticker, or '*' for the article as a whole.")
    method: str = Field(description="vendor, vader or loughran_mcdonald.")
    score: float = Field(description="From -1 (bearish) to 1 (bullish).")
    label: str | None
    relevance: float | None
    source: str


class NewsArticleOut(BaseModel):
    article_id: str
    url: str
    title: str
    summary: str | None
    publisher: str | None
    author: str | None
    published_at: dt.datetime
    symbols: list[str]
    source: str
    sentiment: list[SentimentScoreOut]


class MarketEventOut(BaseModel):
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
