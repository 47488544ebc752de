"""`AlphaVantageSource`: NEWS_SENTIMENT behind `NewsSource`, EARNINGS_CALENDAR behind `EventSource`.

NEWS_SENTIMENT's ``tickers=A,B`` returns only articles mentioning *all* of them, so each
symbol is one request (``limit=1000``, ``sort=LATEST``; the endpoint has no pages).
EARNINGS_CALENDAR answers CSV for the next `earnings_horizon`: one symbol is asked by name,
several with one whole-market request filtered here, to spare the 25-a-day quota. Every
200 answer passes `vendor_signal` (as `quota_check`), because Alpha Vantage reports a
spent quota as a 200 notice, even in place of the CSV.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

import httpx

from tetra.adapters.http import RetryPolicy, Scrubber, TokenBucket, VendorHttp
from tetra.adapters.http.ratelimit import Sleep
from tetra.adapters.sources.alphavantage.config import SOURCE, AlphaVantageConfig
from tetra.adapters.sources.alphavantage.parsing import (
    Feed,
    frame,
    parse_earnings,
    parse_feed,
    vendor_signal,
)
from tetra.data.sources import Fetched, Window

QUERY = "/query"
SECONDS_PER_DAY = 86_400.0


class AlphaVantageSource:
    """Articles with Alpha Vantage's own sentiment, and scheduled earnings reports."""

    name = SOURCE

    def __init__(
        self,
        config: AlphaVantageConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        policy: RetryPolicy | None = None,
        limiter: TokenBucket | None = None,
    ) -> None:
        self.config = config
        self._transport = transport
        self._sleep = sleep
        self._policy = policy
        self._limiter = limiter or _BothBuckets(
            TokenBucket(
                config.requests_per_day / SECONDS_PER_DAY, config.requests_per_day, sleep=sleep
            ),
            TokenBucket.per_minute(config.requests_per_minute, sleep=sleep),
        )

    async def news(self, symbols: Sequence[str], window: Window) -> list[Fetched]:
        """Return the window's articles about `symbols` and their vendor sentiment rows."""
        feed = Feed()
        async with self._http() as http:
            for symbol in symbols:
                payload = await http.get_json(QUERY, self._news_params(symbol, window))
                parse_feed(payload, feed, self.config.zone, self.config.tetra_symbol)
        return [
            Fetched(
                "news.articles",
                frame(feed.articles.values(), "news.articles"),
                tuple(feed.unparsed),
            ),
            Fetched("news.sentiment", frame(feed.sentiment.values(), "news.sentiment")),
        ]

    async def events(self, symbols: Sequence[str], window: Window) -> list[Fetched]:
        """Return the earnings reports of `symbols` scheduled inside `window`."""
        params: dict[str, str] = {
            "function": "EARNINGS_CALENDAR",
            "horizon": self.config.earnings_horizon,
            "apikey": self.config.api_key.get_secret_value(),
        }
        if len(symbols) == 1:
            params["symbol"] = self.config.vendor_ticker(symbols[0])
        async with self._http() as http:
            response = await http.get(QUERY, params)
        rows, unparsed = parse_earnings(response.text, symbols, window, self.config.tetra_symbol)
        return [Fetched("events.earnings", frame(rows, "events.earnings"), tuple(unparsed))]

    def _news_params(self, symbol: str, window: Window) -> dict[str, str | int]:
        return {
            "function": "NEWS_SENTIMENT",
            "tickers": self.config.vendor_ticker(symbol),
            "time_from": _feed_time(window.start, dt.time(0, 0)),
            "time_to": _feed_time(window.end, dt.time(23, 59)),
            "sort": "LATEST",
            "limit": self.config.news_limit,
            "apikey": self.config.api_key.get_secret_value(),
        }

    def _http(self) -> VendorHttp:
        key = self.config.api_key.get_secret_value()
        scrub = Scrubber((key,))

        def quota_check(response: httpx.Response) -> None:
            signal = vendor_signal(response.content, scrub)
            if signal is not None:
                raise signal

        return VendorHttp(
            SOURCE,
            base_url=self.config.base_url,
            limiter=self._limiter,
            policy=self._policy,
            secrets=(key,),
            transport=self._transport,
            timeout=self.config.timeout,
            sleep=self._sleep,
            quota_check=quota_check,
        )


def _feed_time(day: dt.date, time: dt.time) -> str:
    """Format a bound as ``YYYYMMDDTHHMM`` (read in the feed's zone by Alpha Vantage)."""
    return dt.datetime.combine(day, time).strftime("%Y%m%dT%H%M")


class _BothBuckets(TokenBucket):
    """Pace by several buckets at once: a request takes a token from each (25/day, 5/min)."""

    def __init__(self, *buckets: TokenBucket) -> None:
        tightest = min(buckets, key=lambda bucket: bucket.capacity)
        super().__init__(tightest.rate, tightest.capacity)
        self._buckets = buckets

    async def acquire(self, cost: float = 1.0) -> float:
        waited = 0.0
        for bucket in self._buckets:
            waited += await bucket.acquire(cost)
        return waited
