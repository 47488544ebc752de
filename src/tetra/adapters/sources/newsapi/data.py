"""`NewsApiSource`: NewsAPI ``/v2/everything`` behind the `NewsSource` port.

One query per symbol (see `NewsApiConfig.query_for`), paged with ``pageSize=100`` until a
short page, the vendor's ``totalResults``, `max_pages` or the developer plan's 100-result
cap (``maximumResultsReached``, HTTP 426: not an error, the pages so far are kept).
NewsAPI states errors in a JSON body beside a 4xx status (``rateLimited`` comes with 429);
`VendorHttp`'s `error_check` reads those bodies first, so a spent quota is final at once and
every error names its code. A 4xx without a NewsAPI body (a proxy's bare 429) is retried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx

from tetra.adapters.http import RetryPolicy, Scrubber, TokenBucket, VendorHttp
from tetra.adapters.http.ratelimit import Sleep
from tetra.adapters.sources.newsapi.config import SOURCE, NewsApiConfig
from tetra.adapters.sources.newsapi.parsing import (
    ResultsCapReached,
    articles_frame,
    decode_error_body,
    empty_sentiment_frame,
    merge_rows,
    parse_page,
)
from tetra.data.sources import Fetched, RawRecord, Window

EVERYTHING = "/v2/everything"
SECONDS_PER_DAY = 86_400.0


class NewsApiSource:
    """News articles from NewsAPI; its sentiment result is always empty (scored locally)."""

    name = SOURCE

    def __init__(
        self,
        config: NewsApiConfig,
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
        per_day = config.requests_per_day
        self._limiter = limiter or TokenBucket(per_day / SECONDS_PER_DAY, per_day, sleep=sleep)

    async def news(self, symbols: Sequence[str], window: Window) -> list[Fetched]:
        """Return the window's articles about `symbols` and an empty sentiment result."""
        rows: dict[str, dict[str, Any]] = {}
        unparsed: list[RawRecord] = []
        async with self._http() as http:
            for symbol in symbols:
                await self._collect(http, symbol, window, rows, unparsed)
        return [
            Fetched("news.articles", articles_frame(rows.values()), tuple(unparsed)),
            Fetched("news.sentiment", empty_sentiment_frame()),
        ]

    async def _collect(
        self,
        http: VendorHttp,
        symbol: str,
        window: Window,
        rows: dict[str, dict[str, Any]],
        unparsed: list[RawRecord],
    ) -> None:
        seen = 0
        for page_number in range(1, self.config.max_pages + 1):
            try:
                payload = await http.get_json(EVERYTHING, self._params(symbol, window, page_number))
            except ResultsCapReached:
                return
            page = parse_page(payload, symbol)
            merge_rows(rows, page.rows)
            unparsed.extend(page.unparsed)
            seen += len(payload["articles"])
            if len(payload["articles"]) < self.config.page_size or seen >= page.total_results:
                return

    def _params(self, symbol: str, window: Window, page: int) -> dict[str, str | int]:
        return {
            "q": self.config.query_for(symbol),
            "from": f"{window.start.isoformat()}T00:00:00",
            "to": f"{window.end.isoformat()}T23:59:59",
            "language": self.config.language,
            "sortBy": "publishedAt",
            "pageSize": self.config.page_size,
            "page": page,
        }

    def _http(self) -> VendorHttp:
        key = self.config.api_key.get_secret_value()
        scrub = Scrubber((key,))

        def check(response: httpx.Response) -> None:
            error = decode_error_body(response.content, scrub)
            if error is not None:
                raise error

        return VendorHttp(
            SOURCE,
            base_url=self.config.base_url,
            limiter=self._limiter,
            policy=self._policy,
            secrets=(key,),
            headers={"X-Api-Key": key},
            transport=self._transport,
            timeout=self.config.timeout,
            sleep=self._sleep,
            quota_check=check,
            error_check=check,
        )
