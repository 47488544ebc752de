"""`FredSource`: FRED economic series with their vintages (economic_data.indicators).

With an API key, observations come from ``/fred/series/observations`` with every vintage: the
request asks for ``realtime_start = window.start`` and ``realtime_end = 9999-12-31``, i.e. each
value of the window's observations as known on any day from the window's start until today.
An observation is not published before its period starts, so no vintage of the window's
observations is lost; a value already current before ``window.start`` (a forecast series)
comes back with ``realtime_start`` clipped to ``window.start``, which only delays it.

Without a key, observations come from the keyless ``fredgraph.csv``. It carries no vintages:
every row is stamped ``realtime_start`` = the fetch day (from the injected `Clock`), so a
backtest reading it as-of an earlier day sees nothing, and one reading it later sees today's
revised values: this fallback cannot avoid look-ahead of revisions; use a key for research.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx

from tetra.adapters.http import RetryPolicy, TokenBucket, VendorHttp
from tetra.adapters.http.client import Params
from tetra.adapters.http.ratelimit import Sleep
from tetra.adapters.sources.fred.config import LATEST_REALTIME, SOURCE, FredConfig
from tetra.adapters.sources.fred.parsing import (
    indicators_frame,
    page_extent,
    parse_graph_csv,
    parse_observations,
    parse_series_info,
)
from tetra.core.clock import Clock, SystemClock
from tetra.core.errors import SourceUnavailable
from tetra.data.sources import Fetched, RawRecord, Window

log = logging.getLogger(__name__)

INDICATORS = "economic_data.indicators"
RELEASES = "economic_data.releases"


class FredSource:
    """FRED observations as an `EconomicSource`, plus series metadata (`series_info`)."""

    name = SOURCE

    def __init__(
        self,
        config: FredConfig | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.config = config or FredConfig()
        self._clock = clock or SystemClock()
        self.http = fred_http(self.config, transport=transport, sleep=sleep, policy=policy)

    async def observations(self, series_id: str, window: Window) -> Fetched:
        """Return every vintage of `series_id`'s observations dated in `window`."""
        if not self.config.keyed:
            return await self._observations_from_csv(series_id, window)
        rows: list[dict[str, object]] = []
        unparsed: list[RawRecord] = []
        url = f"{self.config.api_url}/series/observations"
        params = self._observation_params(series_id, window)
        async for items in pages(self.http, url, params, "observations", self.config.page_limit):
            page_rows, page_unparsed = parse_observations(series_id, items)
            rows += page_rows
            unparsed += page_unparsed
        return Fetched(INDICATORS, indicators_frame(rows), tuple(unparsed))

    async def series_info(self, series_id: str) -> Fetched:
        """Return the series' title, units, frequency and adjustment (economic_data.releases)."""
        if not self.config.keyed:
            raise SourceUnavailable(SOURCE, "series metadata needs a FRED API key")
        params = {"series_id": series_id, **key_params(self.config)}
        payload = await self.http.get_json(f"{self.config.api_url}/series", params)
        return Fetched(RELEASES, parse_series_info(series_id, payload))

    def _observation_params(self, series_id: str, window: Window) -> dict[str, str | int]:
        # FRED rejects a real-time period starting after today.
        realtime_start = min(window.start, self._clock.now().date())
        return {
            "series_id": series_id,
            **key_params(self.config),
            "observation_start": window.start.isoformat(),
            "observation_end": window.end.isoformat(),
            "realtime_start": realtime_start.isoformat(),
            "realtime_end": LATEST_REALTIME.isoformat(),
            "sort_order": "asc",
        }

    async def _observations_from_csv(self, series_id: str, window: Window) -> Fetched:
        log.info("%s: no API key; %s from fredgraph.csv, without vintages", SOURCE, series_id)
        params = {"id": series_id, "cosd": window.start.isoformat(), "coed": window.end.isoformat()}
        response = await self.http.get(self.config.csv_url, params)
        known_since = self._clock.now().date()
        rows, unparsed = parse_graph_csv(series_id, response.text, window, known_since)
        return Fetched(INDICATORS, indicators_frame(rows), tuple(unparsed))

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> FredSource:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def fred_http(
    config: FredConfig,
    *,
    transport: httpx.AsyncBaseTransport | None,
    sleep: Sleep,
    policy: RetryPolicy | None,
) -> VendorHttp:
    """Return FRED's `VendorHttp`: one token bucket per key, the key scrubbed everywhere."""
    secret = config.api_key.get_secret_value() if config.api_key is not None else None
    return VendorHttp(
        SOURCE,
        limiter=TokenBucket.per_minute(config.requests_per_minute, sleep=sleep),
        policy=policy,
        secrets=(secret,),
        transport=transport,
        timeout=config.timeout,
        sleep=sleep,
    )


def key_params(config: FredConfig) -> dict[str, str]:
    """Return the key and format parameters; the key leaves its SecretStr only here."""
    if config.api_key is None or not config.keyed:
        return {"file_type": "json"}
    return {"api_key": config.api_key.get_secret_value(), "file_type": "json"}


async def pages(
    http: VendorHttp, url: str, params: Mapping[str, str | int], items_key: str, limit: int
) -> AsyncIterator[list[Any]]:
    """Yield the items of each page, advancing `offset` while ``offset + len < count``."""
    offset = 0
    while True:
        page_params: Params = {**params, "limit": limit, "offset": offset}
        items, count = page_extent(await http.get_json(url, page_params), items_key)
        yield items
        offset += len(items)
        if not items or offset >= count:
            return
