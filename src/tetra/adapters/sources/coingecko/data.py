"""`CoinGeckoSource`: daily USD prices, market caps and volumes from ``/coins/{id}/market_chart``.

The endpoint takes a number of days back from now, not a date range. We ask for
``interval=daily`` (one point per day at 00:00 UTC, whatever the span; without it CoinGecko
returns 5-minute points for 1 day and hourly ones up to 90 days) and for enough days to
reach the window's first day, then keep the points inside the window.

The demo plan serves the last 365 days only (`CoinGeckoConfig.max_history_days`). A window
starting earlier is clipped to what the plan serves, with a warning naming the days that
cannot be had; a window ending before that raises `SourceUnavailable`. The last point of a
daily chart is usually the live price at request time; only 00:00 UTC points are stored.

Pacing: a `TokenBucket` of 30 calls per minute; a 429 is retried after its ``Retry-After``.
The key goes in a header, and `VendorHttp` scrubs it from every error and log line.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any

import httpx
import pandas as pd

from tetra.adapters.http import RetryPolicy, TokenBucket, VendorHttp
from tetra.adapters.http.client import Params
from tetra.adapters.http.ratelimit import Sleep
from tetra.adapters.sources.coingecko.config import SOURCE, CoinGeckoConfig
from tetra.adapters.sources.coingecko.parsing import (
    ChartShapeError,
    Point,
    midnight_only,
    price_series_frame,
    read_chart,
    read_markets,
)
from tetra.core.clock import Clock, SystemClock
from tetra.core.errors import MalformedPayload, SourceUnavailable
from tetra.data.sources import Fetched, RankedAsset, RawRecord, Window

log = logging.getLogger(__name__)

DATASET = "market_data.price_series"


class CoinGeckoSource:
    """`PriceSeriesSource` over CoinGecko market charts: one daily point per 00:00 UTC."""

    name = SOURCE

    def __init__(
        self,
        config: CoinGeckoConfig | None = None,
        *,
        clock: Clock | None = None,
        limiter: TokenBucket | None = None,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.config = config or CoinGeckoConfig()
        self._clock = clock or SystemClock()
        self.limiter = limiter or TokenBucket.per_minute(self.config.calls_per_minute)
        key = self.config.api_key
        self._http = VendorHttp(
            SOURCE,
            base_url=self.config.base_url,
            limiter=self.limiter,
            policy=policy,
            secrets=(key.get_secret_value() if key else None,),
            headers=self.config.key_headers(),
            transport=transport,
            timeout=self.config.timeout,
            sleep=sleep,
        )

    async def price_series(self, symbol: str, window: Window) -> Fetched:
        """Return the daily points of `symbol` within `window` (as far as the plan serves)."""
        symbol = symbol.strip().upper()
        coin_id = self.config.coin_id(symbol)
        days = self.days_to_request(symbol, window)
        params: Params = {"vs_currency": self.config.vs_currency, "days": days, "interval": "daily"}
        payload = await self._http.get_json(f"/coins/{coin_id}/market_chart", params)
        points, unparsed = self._read(payload, symbol)
        daily = midnight_only(points)
        if len(daily) < len(points):
            dropped = len(points) - len(daily)
            log.debug("%s: %s: dropped %d point(s) off 00:00 UTC", SOURCE, coin_id, dropped)
        rows = within(price_series_frame(daily, symbol), window)
        return Fetched(DATASET, rows, tuple(unparsed))

    def days_to_request(self, symbol: str, window: Window) -> int:
        """Return the ``days`` reaching back to the window's start, clipped to the plan."""
        today = self._clock.now().astimezone(dt.UTC).date()
        wanted = max(1, (today - window.start).days + 1)
        limit = self.config.max_history_days
        if limit is None or wanted <= limit:
            return wanted
        earliest = today - dt.timedelta(days=limit - 1)
        if window.end < earliest:
            raise SourceUnavailable(
                SOURCE,
                f"{symbol} {window.start}..{window.end}: the plan serves only the last "
                f"{limit} days (from {earliest})",
            )
        log.warning(
            "%s: %s window starts %s but the plan serves only the last %d days: "
            "%s..%s cannot be fetched, fetching from %s",
            SOURCE,
            symbol,
            window.start,
            limit,
            window.start,
            earliest - dt.timedelta(days=1),
            earliest,
        )
        return limit

    async def ranking(self, count: int) -> list[RankedAsset]:
        """Return the `count` largest coins by market cap, stablecoins and wrappers left out.

        One ``/coins/markets`` page (``order=market_cap_desc``) with room for the excluded
        ones; a coin in `COIN_IDS` keeps its Tetra symbol, another one takes its ticker.
        """
        params: Params = {
            "vs_currency": self.config.vs_currency,
            "order": "market_cap_desc",
            "per_page": min(250, count + len(self.config.excluded_ids) + 10),
            "page": 1,
        }
        payload = await self._http.get_json("/coins/markets", params)
        try:
            ranked = read_markets(payload, self.config.excluded_ids, self.config.coin_ids)
        except ChartShapeError as error:
            raise MalformedPayload(SOURCE, str(error), json.dumps(payload)[:2000]) from error
        return ranked[:count]

    def _read(self, payload: Any, symbol: str) -> tuple[list[Point], list[RawRecord]]:
        try:
            points, unparsed = read_chart(payload, symbol)
        except ChartShapeError as error:
            text = self._http.scrub(json.dumps(payload, default=str)[:2000])
            raise MalformedPayload(SOURCE, str(error), text) from error
        return points, unparsed

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> CoinGeckoSource:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def within(rows: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Keep the rows whose UTC day lies in the window."""
    days = rows["ts"].dt.date
    keep = (days >= window.start) & (days <= window.end)
    kept: pd.DataFrame = rows.loc[keep].reset_index(drop=True)
    return kept
