"""`BinanceSource`: daily (or finer) spot klines from ``GET /api/v3/klines`` as ohlcv rows.

Requests ask for up to 1,000 klines from ``startTime`` to ``endTime`` (the window's first and
last millisecond, UTC). A full page means there may be more: the next request starts one
millisecond after the last open time, so the boundary kline is never fetched twice.

Pacing: a `TokenBucket` of 6,000 weight per minute, each klines call taking 2. The bucket
only sees this process, so after every answer the ``X-MBX-USED-WEIGHT-1M`` header (the
weight used by our whole IP this minute) is read too: above 80 % of the limit the adapter
logs a warning and sleeps until the next UTC minute, when Binance resets the counter. A 429
is retried after its ``Retry-After``; a 418 (IP ban) raises `QuotaExhausted`; a 400 such as
``{"code": -1121, "msg": "Invalid symbol."}`` raises `SourceUnavailable` quoting the body.

The newest kline may still be open (its ``closeTime`` after now, by the injected `Clock`):
it is dropped, not stored, since its prices would change; the next run picks it up closed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import httpx

from tetra.adapters.http import RetryPolicy, TokenBucket, VendorHttp
from tetra.adapters.http.client import Params
from tetra.adapters.http.ratelimit import Sleep
from tetra.adapters.sources.binance.config import INTERVALS, KLINES_WEIGHT, SOURCE, BinanceConfig
from tetra.adapters.sources.binance.parsing import (
    closed_klines,
    klines_frame,
    read_klines,
    to_millis,
)
from tetra.core.clock import Clock, SystemClock
from tetra.core.errors import MalformedPayload
from tetra.data.sources import Fetched, Window

log = logging.getLogger(__name__)

KLINES_PATH = "/api/v3/klines"
DATASET = "market_data.ohlcv"
USED_WEIGHT_HEADER = "X-MBX-USED-WEIGHT-1M"


class BinanceSource:
    """`BarSource` over Binance spot klines; Tetra's ``BTC`` is the ``BTCUSDT`` pair."""

    name = SOURCE

    def __init__(
        self,
        config: BinanceConfig | None = None,
        *,
        clock: Clock | None = None,
        limiter: TokenBucket | None = None,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.config = config or BinanceConfig()
        self._clock = clock or SystemClock()
        self._sleep = sleep
        per_minute = self.config.weight_per_minute
        self.limiter = limiter or TokenBucket(rate=per_minute / 60.0, capacity=per_minute)
        self._http = VendorHttp(
            SOURCE,
            base_url=self.config.base_url,
            limiter=self.limiter,
            policy=policy,
            transport=transport,
            timeout=self.config.timeout,
            sleep=sleep,
        )

    async def bars(self, symbol: str, window: Window, interval: str = "1d") -> Fetched:
        """Return the closed klines of `symbol` opening within `window`, oldest first."""
        if interval not in INTERVALS:
            raise ValueError(f"interval {interval!r} is not one of Binance's: {sorted(INTERVALS)}")
        symbol = symbol.strip().upper()
        pair = self.config.pair(symbol)
        start_ms, end_ms = window_millis(window)
        raw_rows = await self._fetch_all(pair, interval, start_ms, end_ms)
        klines, unparsed = read_klines(raw_rows, f"{symbol}/{interval}")
        closed = closed_klines(klines, to_millis(self._clock.now()))
        if len(closed) < len(klines):
            log.info("%s: %s: dropped %d open kline(s)", SOURCE, pair, len(klines) - len(closed))
        return Fetched(DATASET, klines_frame(closed, symbol, interval), tuple(unparsed))

    async def _fetch_all(
        self, pair: str, interval: str, start_ms: int, end_ms: int
    ) -> list[object]:
        rows: list[object] = []
        start = start_ms
        while True:
            page = await self._page(pair, interval, start, end_ms)
            rows.extend(page)
            following = next_start(page, self.config.page_limit)
            if following is None or following <= start or following > end_ms:
                return rows
            start = following

    async def _page(self, pair: str, interval: str, start_ms: int, end_ms: int) -> list[object]:
        params: Params = {
            "symbol": pair,
            "interval": interval,
            "startTime": start_ms,
            "endTime": end_ms,
            "limit": self.config.page_limit,
        }
        response = await self._http.get(KLINES_PATH, params, weight=KLINES_WEIGHT)
        await self._respect_used_weight(response)
        payload = self._http.decode_json(response)
        if not isinstance(payload, list):
            text = self._http.scrub(response.text[:2000])
            raise MalformedPayload(SOURCE, "expected a JSON array of klines", text)
        return payload

    async def _respect_used_weight(self, response: httpx.Response) -> None:
        used = used_weight(response)
        limit = self.config.weight_per_minute
        if used is None or used <= self.config.weight_alarm * limit:
            return
        pause = seconds_to_next_minute(self._clock.now())
        log.warning(
            "%s: %d of %d request weight used this minute by our IP; pausing %.1f s",
            SOURCE,
            used,
            limit,
            pause,
        )
        await self._sleep(pause)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> BinanceSource:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def window_millis(window: Window) -> tuple[int, int]:
    """Return the first and the last millisecond (UTC) of a window of days."""
    start = dt.datetime.combine(window.start, dt.time(), tzinfo=dt.UTC)
    after = dt.datetime.combine(window.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return to_millis(start), to_millis(after) - 1


def next_start(page: list[object], limit: int) -> int | None:
    """Return where the next page starts (after the last open time), or None when done."""
    if len(page) < limit:
        return None
    for row in reversed(page):
        if isinstance(row, list) and row and type(row[0]) is int:
            return row[0] + 1
    return None


def used_weight(response: httpx.Response) -> int | None:
    """Read ``X-MBX-USED-WEIGHT-1M``; None when absent or not a number."""
    value = response.headers.get(USED_WEIGHT_HEADER, "").strip()
    return int(value) if value.isdigit() else None


def seconds_to_next_minute(now: dt.datetime) -> float:
    """Return the seconds from `now` to the start of the next minute."""
    return 60.0 - now.second - now.microsecond / 1_000_000
