"""`VendorHttp`: one vendor's HTTP access, paced, retried and scrubbed."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from tetra.adapters.http.ratelimit import Sleep, TokenBucket
from tetra.adapters.http.retry import RETRYABLE_STATUS, RetryPolicy, parse_retry_after
from tetra.adapters.http.scrub import Scrubber, guard_library_logs
from tetra.core.errors import MalformedPayload, QuotaExhausted, SourceUnavailable
from tetra.core.telemetry import telemetry

log = logging.getLogger(__name__)

Params = Mapping[str, str | int | float | bool | None]


class VendorHttp:
    """GET requests to one vendor: a token per request, retries on 429/5xx/timeouts.

    `quota_check`, when given, inspects each successful response and raises
    `QuotaExhausted` for vendors that signal a spent quota inside a 200 answer (Alpha
    Vantage's ``Note``). `error_check`, when given, reads every 4xx/5xx answer first and may
    raise what the vendor's error body means (NewsAPI's ``rateLimited`` comes with a 429);
    when it returns, the status decides as usual. A 418 (Binance's IP ban) and a
    ``Retry-After`` longer than the policy allows are final too. Every error message and log
    line passes through the `Scrubber`, so keys never leave this class.
    """

    def __init__(
        self,
        source: str,
        *,
        base_url: str = "",
        limiter: TokenBucket | None = None,
        policy: RetryPolicy | None = None,
        secrets: tuple[str | None, ...] = (),
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        sleep: Sleep = asyncio.sleep,
        quota_check: Callable[[httpx.Response], None] | None = None,
        error_check: Callable[[httpx.Response], None] | None = None,
    ) -> None:
        self.source = source
        self.scrub = Scrubber(secrets)
        guard_library_logs(secrets)
        self._limiter = limiter
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self._quota_check = quota_check
        self._error_check = error_check
        self._client = httpx.AsyncClient(
            base_url=base_url, headers=headers, transport=transport, timeout=timeout
        )

    async def get(
        self, url: str, params: Params | None = None, *, weight: float = 1
    ) -> httpx.Response:
        """Return a successful response, or raise `SourceUnavailable` / `QuotaExhausted`."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        last_problem = _Problem("no attempt made")
        for attempt in range(self._policy.attempts):
            if self._limiter is not None:
                await self._limiter.acquire(weight)
            response, last_problem = await self._attempt(url, clean)
            if response is not None:
                return response
            if attempt + 1 < self._policy.attempts:
                await self._wait(attempt, last_problem)
        raise SourceUnavailable(
            self.source, f"gave up after {self._policy.attempts} attempts: {last_problem}"
        )

    async def get_json(self, url: str, params: Params | None = None, *, weight: float = 1) -> Any:
        """GET and decode JSON; an unreadable body raises `MalformedPayload` with its text."""
        response = await self.get(url, params, weight=weight)
        return self.decode_json(response)

    def decode_json(self, response: httpx.Response) -> Any:
        try:
            return json.loads(response.content)
        except (ValueError, RecursionError) as error:  # bad JSON, bad UTF-8, too deep or long
            text = self.scrub(response.text[:2000])
            raise MalformedPayload(
                self.source, f"response is not valid JSON ({error})", text
            ) from error

    async def _attempt(self, url: str, params: Params) -> tuple[httpx.Response | None, _Problem]:
        started = time.perf_counter()
        source = {"source": self.source}
        try:
            response = await self._client.get(url, params=params)
        except httpx.TimeoutException as error:
            telemetry().increment("tetra_vendor_requests", {**source, "outcome": "timeout"})
            return None, _Problem(f"timed out: {self.scrub(str(error)) or type(error).__name__}")
        except httpx.TransportError as error:
            telemetry().increment("tetra_vendor_requests", {**source, "outcome": "transport_error"})
            return None, _Problem(f"transport error: {self.scrub(str(error))}")
        telemetry().observe("tetra_vendor_request_seconds", source, time.perf_counter() - started)
        status = response.status_code
        outcome = "ok" if status < 400 else f"http_{status // 100}xx"
        telemetry().increment("tetra_vendor_requests", {**source, "outcome": outcome})
        if status in (418, 429):
            telemetry().increment("tetra_vendor_throttled", source)
        return self._judge(response)

    def _judge(self, response: httpx.Response) -> tuple[httpx.Response | None, _Problem]:
        status = response.status_code
        if status >= 400 and self._error_check is not None:
            self._error_check(response)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if status == 418:
            raise QuotaExhausted(self.source, "HTTP 418: the vendor has banned this IP for now")
        if status in RETRYABLE_STATUS:
            if retry_after is not None and retry_after > self._policy.max_retry_after:
                raise QuotaExhausted(self.source, f"HTTP {status}; retry after {retry_after:.0f} s")
            return None, _Problem(f"HTTP {status}", retry_after)
        if status >= 400:
            body = self.scrub(response.text[:300])
            raise SourceUnavailable(self.source, f"HTTP {status}: {body}")
        if self._quota_check is not None:
            self._quota_check(response)
        return response, _Problem("")

    async def _wait(self, attempt: int, problem: _Problem) -> None:
        delay = self._policy.delay(attempt, problem.retry_after)
        log.warning("%s: %s; retry %d in %.1f s", self.source, problem.text, attempt + 1, delay)
        await self._sleep(delay)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> VendorHttp:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


@dataclass(frozen=True, slots=True)
class _Problem:
    """Why an attempt failed, and how long the server asked us to wait."""

    text: str
    retry_after: float | None = None

    def __str__(self) -> str:
        return self.text
