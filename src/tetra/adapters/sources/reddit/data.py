"""`RedditSource`: recent posts of finance subreddits that name universe symbols.

It is a `NewsSource`: posts go to news.articles (source 'reddit'), deduplicated by permalink,
and are scored by the same local scorers as news in the pipeline. Each subreddit's ``new``
listing is read page by page until the posts are older than the window (or ``max_pages``).
The bearer token is fetched once and renewed when it expires or is refused (401). Requests
are paced to the documented 100 a minute, and a spent quota (``X-Ratelimit-Remaining: 0``)
waits for ``X-Ratelimit-Reset`` instead of being refused.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Collection, Sequence
from typing import Any

import httpx
import pandas as pd

from tetra.adapters.http import RetryPolicy, TokenBucket
from tetra.adapters.http.ratelimit import Sleep
from tetra.adapters.sources.reddit.config import PAGE_LIMIT, SOURCE, RedditConfig
from tetra.adapters.sources.reddit.parsing import parse_listing
from tetra.core.errors import MalformedPayload, SourceUnavailable
from tetra.data.migrations import table
from tetra.data.sources import Fetched, RawRecord, Window

ARTICLES = "news.articles"
SENTIMENT = "news.sentiment"


class RedditSource:
    """Reddit posts as a `NewsSource` (sentiment is scored locally by the pipeline)."""

    name = SOURCE

    def __init__(
        self,
        config: RedditConfig,
        universe: Collection[str],
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        policy: RetryPolicy | None = None,
    ) -> None:
        if not config.keyed:
            raise ValueError("RedditSource needs a client id and secret (TETRA_REDDIT__*)")
        self.config = config
        self.universe = frozenset(universe)
        self._sleep = sleep
        self._policy = policy or RetryPolicy()
        self._limiter = TokenBucket.per_minute(config.requests_per_minute, sleep=sleep)
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=config.timeout,
            headers={"User-Agent": config.user_agent},
        )
        self._token: str | None = None
        self._expires = 0.0

    async def news(self, symbols: Sequence[str], window: Window) -> list[Fetched]:
        """Return the posts in `window` that name any of `symbols`, and no vendor scores."""
        wanted = set(symbols) & self.universe
        found: dict[str, dict[str, Any]] = {}
        bad: list[RawRecord] = []
        for subreddit in self.config.subreddits:
            await self._subreddit(subreddit, window, wanted, found, bad)
        rows = [{**r, "symbols": json.dumps(r["symbols"])} for r in found.values()]
        frame = pd.DataFrame(rows, columns=list(table(ARTICLES).column_names))
        frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
        empty = pd.DataFrame(columns=list(table(SENTIMENT).column_names))
        return [Fetched(ARTICLES, frame, tuple(bad)), Fetched(SENTIMENT, empty)]

    async def _subreddit(
        self,
        subreddit: str,
        window: Window,
        wanted: set[str],
        found: dict[str, dict[str, Any]],
        bad: list[RawRecord],
    ) -> None:
        start = dt.datetime.combine(window.start, dt.time(), dt.UTC)
        end = dt.datetime.combine(window.end, dt.time(), dt.UTC) + dt.timedelta(days=1)
        after: str | None = None
        for _ in range(self.config.max_pages):
            params = {"limit": PAGE_LIMIT, "raw_json": 1, **({"after": after} if after else {})}
            listing = parse_listing(await self._get(f"/r/{subreddit}/new", params), wanted)
            bad += listing.bad
            for row in listing.rows:
                if start <= row["published_at"] < end:
                    kept = found.setdefault(row["article_id"], row)
                    kept["symbols"] = sorted({*kept["symbols"], *row["symbols"]})
            after = listing.after
            if after is None or listing.oldest is None or listing.oldest < start:
                return

    async def _get(self, path: str, params: dict[str, Any]) -> object:
        problem = "no attempt made"
        for attempt in range(self._policy.attempts):
            await self._limiter.acquire()
            token = await self._bearer()
            try:
                response = await self._client.get(
                    f"{self.config.api_url}{path}",
                    params=params,
                    headers={"Authorization": f"bearer {token}"},
                )
            except httpx.TransportError as error:
                problem = f"transport error: {error}"
            else:
                done, problem = await self._judge(response)
                if done:
                    return _json(response)
            if attempt + 1 < self._policy.attempts:
                await self._sleep(self._policy.delay(attempt, None))
        raise SourceUnavailable(
            SOURCE, f"gave up after {self._policy.attempts} attempts: {problem}"
        )

    async def _judge(self, response: httpx.Response) -> tuple[bool, str]:
        status = response.status_code
        if status == 401:
            self._token = None  # expired or revoked: fetch a new one and retry
            return False, "HTTP 401 (token refused)"
        if status == 429 or status >= 500:
            await self._sleep(_reset_seconds(response))
            return False, f"HTTP {status}"
        if status >= 400:
            raise SourceUnavailable(SOURCE, f"HTTP {status}: {response.text[:300]}")
        if response.headers.get("X-Ratelimit-Remaining", "1").split(".")[0] == "0":
            await self._sleep(_reset_seconds(response))
        return True, ""

    async def _bearer(self) -> str:
        if self._token is not None and time.monotonic() < self._expires:
            return self._token
        secret = self.config.client_secret.get_secret_value() if self.config.client_secret else ""
        response = await self._client.post(
            self.config.token_url,
            data={"grant_type": "client_credentials"},
            auth=(self.config.client_id or "", secret),
        )
        if response.status_code != 200:
            raise SourceUnavailable(SOURCE, f"token request refused: HTTP {response.status_code}")
        payload = _json(response)
        token = payload.get("access_token") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token:
            raise SourceUnavailable(SOURCE, "token answer has no access_token")
        expires_in = payload.get("expires_in", 3600) if isinstance(payload, dict) else 3600
        self._token = token
        self._expires = time.monotonic() + float(expires_in) - 60
        return token

    async def aclose(self) -> None:
        await self._client.aclose()


def _reset_seconds(response: httpx.Response) -> float:
    try:
        return min(float(response.headers.get("X-Ratelimit-Reset", "1")), 600.0)
    except ValueError:
        return 1.0


def _json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise MalformedPayload(
            SOURCE, f"answer is not JSON ({error})", response.text[:500]
        ) from error
