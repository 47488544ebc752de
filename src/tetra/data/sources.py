"""The contracts data sources implement, and the shape of what they return.

Each capability is a small Protocol; an adapter implements the ones its vendor offers
(Polygon: bars and corporate actions; FRED: economic series; ...). All methods are async,
take an inclusive `Window` of days, and return `Fetched` results: rows ready for one catalog
table (with the `source` column filled) plus the raw records the adapter could not parse,
kept for the quarantine with their reason.

Errors are part of the contract (`tetra.core.errors`): `QuotaExhausted` when the vendor says
the quota is spent (final for the window), `SourceUnavailable` when retries are exhausted,
`EmptyResponse` when the vendor returned nothing where data was due, and `MalformedPayload`
when a whole answer is unreadable. "No data" is an empty `rows` frame only when the vendor
positively said so (e.g. no bars on a holiday).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import pandas as pd


@dataclass(frozen=True, slots=True)
class Window:
    """Days from `start` to `end`, both inclusive."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A vendor record that could not become a row, with why and what it was."""

    reason: str
    payload: Mapping[str, object] | Sequence[object] | str
    key: str = ""


@dataclass(frozen=True, slots=True)
class Fetched:
    """Rows for one catalog table (`dataset`) and the raw records that failed to parse."""

    dataset: str
    rows: pd.DataFrame
    unparsed: tuple[RawRecord, ...] = field(default_factory=tuple)


@runtime_checkable
class BarSource(Protocol):
    """Daily (or finer) OHLCV bars, raw (unadjusted) prices."""

    name: str

    async def bars(self, symbol: str, window: Window, interval: str = "1d") -> Fetched: ...


@runtime_checkable
class CorporateActionSource(Protocol):
    """Splits and dividends with ex-dates in the window (rows for market_data.corporate_actions)."""

    name: str

    async def corporate_actions(self, symbol: str, window: Window) -> Fetched: ...


@runtime_checkable
class EconomicSource(Protocol):
    """Observations of an economic series, with vintages (economic_data.indicators)."""

    name: str

    async def observations(self, series_id: str, window: Window) -> Fetched: ...


@runtime_checkable
class NewsSource(Protocol):
    """News articles about symbols, and the vendor's sentiment where it gives one.

    Returns a `news.articles` result and a `news.sentiment` result (possibly empty).
    """

    name: str

    async def news(self, symbols: Sequence[str], window: Window) -> list[Fetched]: ...


@runtime_checkable
class EventSource(Protocol):
    """Calendar events in the window: earnings, dividends or economic releases."""

    name: str

    async def events(self, symbols: Sequence[str], window: Window) -> list[Fetched]: ...


@runtime_checkable
class PriceSeriesSource(Protocol):
    """A price series that is not OHLC (CoinGecko): market_data.price_series rows."""

    name: str

    async def price_series(self, symbol: str, window: Window) -> Fetched: ...


@dataclass(frozen=True, slots=True)
class Batch:
    """What a file-based source fetched up to `through`: everything before it has been read.

    The pipeline ingests `fetched`, then moves the source's watermark to `through`, so a run
    killed between batches resumes after the last batch it stored. `note` tells what the
    batch lacks that is not an error (files the vendor never published, say).
    """

    fetched: list[Fetched]
    through: dt.datetime
    note: str = ""


@runtime_checkable
class GeopoliticalSource(Protocol):
    """Geopolitical events or indices published over time (GDELT files, the GPR index).

    `batches(window, since)` yields, oldest first, what was published for the window's days
    after `since` (the watermark; None for everything in the window).
    """

    name: str

    def batches(self, window: Window, since: dt.datetime | None = None) -> AsyncIterator[Batch]: ...


@dataclass(frozen=True, slots=True)
class RankedAsset:
    """One asset of a market-cap ranking."""

    symbol: str
    rank: int
    market_cap: float
    vendor_id: str


@runtime_checkable
class MarketCapRanking(Protocol):
    """Assets ordered by market capitalisation, largest first (CoinGecko's /coins/markets)."""

    name: str

    async def ranking(self, count: int) -> list[RankedAsset]: ...
