"""`PolygonSource`: raw daily bars and corporate actions from Polygon.io.

Bars come from the aggregates endpoint with ``adjusted=false`` (Tetra stores raw prices);
splits and dividends from the ``/v3/reference`` endpoints. Every endpoint pages through
``next_url``, which omits the key: it is re-appended as a request parameter, and only for
``next_url``s on Polygon's own host, so a key never leaves for somewhere else.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import pandas as pd

from tetra.adapters.http import RetryPolicy, TokenBucket, VendorHttp
from tetra.adapters.http.ratelimit import Sleep
from tetra.adapters.sources.polygon.config import INTERVALS, SOURCE, PolygonConfig
from tetra.adapters.sources.polygon.parsing import (
    actions_frame,
    parse_bars,
    parse_dividends,
    parse_splits,
    read_page,
)
from tetra.core.errors import MalformedPayload
from tetra.data.sources import Fetched, RawRecord, Window
from tetra.settings import Settings

log = logging.getLogger(__name__)

_TICKER = re.compile(r"^[A-Za-z0-9.:\-]+$")
Query = dict[str, str | int | float | bool | None]


class PolygonSource:
    """Polygon.io as a `BarSource` and a `CorporateActionSource` (source name ``polygon``).

    Requests are paced by a token bucket (5 per minute on the free tier, see `PolygonConfig`)
    and retried on 429, 5xx and timeouts, honouring ``Retry-After``. Inject `transport` to
    replay recorded payloads, and `sleep`/`clock` to skip real waiting in tests.
    """

    name = SOURCE

    def __init__(
        self,
        config: PolygonConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        limiter = TokenBucket.per_minute(config.requests_per_minute, clock=clock, sleep=sleep)
        self._http = VendorHttp(
            SOURCE,
            base_url=config.base_url,
            limiter=limiter,
            policy=policy,
            secrets=(config.api_key.get_secret_value(),),
            transport=transport,
            timeout=config.timeout,
            sleep=sleep,
        )

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> PolygonSource:
        """Build the source with the key of ``settings.polygon``; kwargs go to the constructor."""
        return cls(PolygonConfig.from_settings(settings), **kwargs)

    async def bars(self, symbol: str, window: Window, interval: str = "1d") -> Fetched:
        """Return raw bars of `symbol` in `window`; no bars at all gives empty rows."""
        if interval not in INTERVALS:
            raise ValueError(f"Polygon interval must be one of {sorted(INTERVALS)}: {interval!r}")
        multiplier, timespan = INTERVALS[interval]
        ticker = self._ticker(symbol)
        path = f"/v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{window.start}/{window.end}"
        query: Query = {"adjusted": "false", "sort": "asc", "limit": self.config.page_limit}
        results = await self._collect(path, query)
        rows, unparsed = parse_bars(results, symbol, interval, crypto=self.config.is_crypto(symbol))
        log.debug("%s: %d bars of %s, %d unreadable", SOURCE, len(rows), symbol, len(unparsed))
        return Fetched("market_data.ohlcv", rows, tuple(unparsed))

    async def corporate_actions(self, symbol: str, window: Window) -> Fetched:
        """Return splits (by execution date) and cash dividends (by ex-date) in `window`."""
        if self.config.is_crypto(symbol):
            return Fetched("market_data.corporate_actions", actions_frame([]))
        splits, bad_splits = parse_splits(await self._splits(symbol, window), symbol)
        dividends, bad_dividends = parse_dividends(await self._dividends(symbol, window), symbol)
        frames = [frame for frame in (splits, dividends) if not frame.empty]
        rows = pd.concat(frames, ignore_index=True) if frames else actions_frame([])
        unparsed: tuple[RawRecord, ...] = (*bad_splits, *bad_dividends)
        return Fetched("market_data.corporate_actions", rows, unparsed)

    async def _splits(self, symbol: str, window: Window) -> list[Any]:
        query: Query = {
            "ticker": self._ticker(symbol),
            "execution_date.gte": window.start.isoformat(),
            "execution_date.lte": window.end.isoformat(),
            "sort": "execution_date",
            "order": "asc",
            "limit": self.config.reference_page_limit,
        }
        return await self._collect("/v3/reference/splits", query)

    async def _dividends(self, symbol: str, window: Window) -> list[Any]:
        query: Query = {
            "ticker": self._ticker(symbol),
            "ex_dividend_date.gte": window.start.isoformat(),
            "ex_dividend_date.lte": window.end.isoformat(),
            "sort": "ex_dividend_date",
            "order": "asc",
            "limit": self.config.reference_page_limit,
        }
        return await self._collect("/v3/reference/dividends", query)

    async def _collect(self, path: str, query: Query) -> list[Any]:
        """Return the records of every page, following ``next_url`` with the key re-appended."""
        results: list[Any] = []
        url, seen = path, set[str]()
        for _ in range(self.config.max_pages):
            response = await self._http.get(url, self._with_key(query))
            page = read_page(self._http.decode_json(response), self._excerpt(response))
            results.extend(page.results)
            if page.next_url is None:
                return results
            url, query = self._next_page(page.next_url)
            if url + str(sorted(query.items())) in seen:
                raise MalformedPayload(SOURCE, "next_url repeats itself", self._http.scrub(url))
            seen.add(url + str(sorted(query.items())))
        raise MalformedPayload(SOURCE, f"more than {self.config.max_pages} pages for {path}")

    def _next_page(self, next_url: str) -> tuple[str, Query]:
        """Split a ``next_url`` into its address and its query (cursor), minus any key."""
        target = httpx.URL(next_url)
        home = httpx.URL(self.config.base_url)
        if target.is_absolute_url and (target.scheme, target.host) != (home.scheme, home.host):
            shown = self._http.scrub(next_url)
            raise MalformedPayload(SOURCE, f"next_url leaves {home.host}: {shown}", shown)
        query: Query = {k: v for k, v in target.params.items() if k.lower() != "apikey"}
        return str(target.copy_with(query=None)), query

    def _with_key(self, query: Query) -> Query:
        return {**query, "apiKey": self.config.api_key.get_secret_value()}

    def _ticker(self, symbol: str) -> str:
        ticker = self.config.vendor_symbol(symbol)
        if not _TICKER.match(ticker):
            raise ValueError(f"not a ticker Polygon can look up: {symbol!r}")
        return ticker

    def _excerpt(self, response: httpx.Response) -> str:
        return self._http.scrub(response.text[:2000])

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> PolygonSource:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
