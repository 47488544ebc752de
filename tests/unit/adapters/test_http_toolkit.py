"""The HTTP toolkit paces, retries, gives up, and never leaks a key."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

import httpx
import pytest

from tetra.adapters.http import RetryPolicy, Scrubber, TokenBucket, VendorHttp
from tetra.adapters.http.retry import parse_retry_after
from tetra.core.errors import MalformedPayload, QuotaExhausted, SourceUnavailable

KEY = "sk-live-0123456789"


class FakeTime:
    """A clock and a sleep that advance together, so waiting costs no real time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def replay(*answers: httpx.Response | Exception) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx.MockTransport(handle), seen


def client(transport: httpx.MockTransport, time: FakeTime, **kwargs: object) -> VendorHttp:
    return VendorHttp(
        "vendor",
        base_url="https://api.example.com",
        transport=transport,
        sleep=time.sleep,
        secrets=(KEY,),
        **kwargs,  # type: ignore[arg-type]
    )


def run(call: Callable[[], object]) -> object:
    return asyncio.run(call())  # type: ignore[arg-type]


def test_token_bucket_paces_requests_beyond_the_burst() -> None:
    time = FakeTime()
    bucket = TokenBucket(rate=2.0, capacity=2.0, clock=time.clock, sleep=time.sleep)

    async def take_five() -> None:
        for _ in range(5):
            await bucket.acquire()

    asyncio.run(take_five())

    assert time.sleeps == [0.5, 0.5, 0.5]  # two free, then one every half second


def test_token_bucket_charges_the_weight_of_a_request() -> None:
    time = FakeTime()
    bucket = TokenBucket(rate=1.0, capacity=4.0, clock=time.clock, sleep=time.sleep)

    async def take() -> None:
        await bucket.acquire(2)
        await bucket.acquire(2)
        await bucket.acquire(2)

    asyncio.run(take())

    assert time.sleeps == [2.0]


def test_429_then_success_waits_what_retry_after_says() -> None:
    time = FakeTime()
    transport, seen = replay(
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={"ok": True})
    )

    async def fetch() -> object:
        async with client(transport, time) as http:
            return await http.get_json("/data", {"apiKey": KEY})

    assert asyncio.run(fetch()) == {"ok": True}
    assert len(seen) == 2
    assert time.sleeps == [7.0]


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0)

    delays = [policy.backoff(n) for n in range(6)]

    for attempt, delay in enumerate(delays):
        ceiling = min(8.0, 2.0**attempt)
        assert ceiling / 2 <= delay <= ceiling


def test_server_errors_exhaust_retries_into_source_unavailable() -> None:
    time = FakeTime()
    transport, seen = replay(*[httpx.Response(503) for _ in range(3)])

    async def fetch() -> object:
        async with client(transport, time, policy=RetryPolicy(attempts=3)) as http:
            return await http.get("/data")

    with pytest.raises(SourceUnavailable, match="gave up after 3 attempts: HTTP 503"):
        asyncio.run(fetch())
    assert len(seen) == 3
    assert len(time.sleeps) == 2


def test_timeouts_are_retried_then_reported() -> None:
    time = FakeTime()
    transport, _ = replay(httpx.ReadTimeout("slow"), httpx.Response(200, json=[1]))

    async def fetch() -> object:
        async with client(transport, time) as http:
            return await http.get_json("/data")

    assert asyncio.run(fetch()) == [1]


def test_a_ban_or_a_long_retry_after_is_final() -> None:
    time = FakeTime()
    banned, _ = replay(httpx.Response(418))
    slow, _ = replay(httpx.Response(429, headers={"Retry-After": "3600"}))

    async def fetch(transport: httpx.MockTransport) -> object:
        async with client(transport, time) as http:
            return await http.get("/data")

    with pytest.raises(QuotaExhausted, match="banned"):
        asyncio.run(fetch(banned))
    with pytest.raises(QuotaExhausted, match="retry after 3600"):
        asyncio.run(fetch(slow))
    assert time.sleeps == []


def test_quota_signal_inside_a_200_is_final() -> None:
    time = FakeTime()
    transport, seen = replay(httpx.Response(200, json={"Note": "Thank you for using our API"}))

    def check(response: httpx.Response) -> None:
        if "Note" in response.json():
            raise QuotaExhausted("vendor", "daily quota spent")

    async def fetch() -> object:
        async with client(transport, time, quota_check=check) as http:
            return await http.get_json("/data")

    with pytest.raises(QuotaExhausted, match="quota spent"):
        asyncio.run(fetch())
    assert len(seen) == 1


def test_truncated_json_is_malformed_and_keeps_the_scrubbed_text() -> None:
    time = FakeTime()
    transport, _ = replay(httpx.Response(200, text=f'{{"url": "https://x?apiKey={KEY}", "res'))

    async def fetch() -> object:
        async with client(transport, time) as http:
            return await http.get_json("/data")

    with pytest.raises(MalformedPayload) as caught:
        asyncio.run(fetch())
    assert KEY not in caught.value.payload
    assert "apiKey=***" in caught.value.payload


def test_the_key_never_reaches_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    time = FakeTime()
    transport, _ = replay(
        httpx.ConnectError(f"cannot reach https://api.example.com/data?apiKey={KEY}"),
        httpx.Response(401, text=f"invalid key {KEY}"),
    )

    async def fetch() -> object:
        async with client(transport, time) as http:
            return await http.get("/data", {"apiKey": KEY})

    with caplog.at_level(logging.DEBUG), pytest.raises(SourceUnavailable) as caught:
        asyncio.run(fetch())
    assert KEY not in str(caught.value)
    assert all(KEY not in record.getMessage() for record in caplog.records)


def test_scrubber_masks_key_parameters_and_known_secrets() -> None:
    scrub = Scrubber(["hunter22"])

    text = scrub("GET /q?function=X&apikey=abc123&x_cg_demo_api_key=zz9 failed: hunter22")

    assert text == "GET /q?function=X&apikey=***&x_cg_demo_api_key=*** failed: ***"


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = dt.datetime(2026, 1, 2, 12, 0, tzinfo=dt.UTC)

    assert parse_retry_after("30") == 30.0
    assert parse_retry_after("Fri, 02 Jan 2026 12:00:45 GMT", now) == 45.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
