"""Response models of the API: the OpenAPI schema and the web client are generated from them."""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Health(BaseModel):
    status: str = Field(description="ok when the API answers and its store is reachable.")
    store_kind: str
    schema_version: int
    version: str


class TopicCoverage(BaseModel):
    """One coverage card: a dataset's size, breadth, range and freshness."""

    topic: str = Field(description="market_data, crypto, economic_data, news or events.")
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


class InstrumentOut(BaseModel):
    symbol: str
    name: str
    asset_class: str
    group: str
    exchange: str
    currency: str
    themes: list[str]
    sector: str | None
    listed: dt.date | None


class Page(BaseModel, Generic[T]):
    """A page of results: `items`, the `total` count, and where this page starts."""

    items: list[T]
    total: int
    offset: int
    limit: int
