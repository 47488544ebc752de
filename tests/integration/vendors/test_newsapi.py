"""NewsAPI adapter: recorded ``/v2/everything`` payloads replayed through httpx.MockTransport."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pandas as pd
import pytest
from pydantic import SecretStr

from tetra.adapters.http import RetryPolicy
from tetra.adapters.sources.newsapi import NewsApiConfig, NewsApiSource
from tetra.core.errors import MalformedPayload, QuotaExhausted, SourceUnavailable
from tetra.data.batches import prepare_batch
from tetra.data.migrations import table
from tetra.data.sources import Fetched, NewsSource, Window
from tetra.model.news import article_id_for
from tetra.testing.http import ReplayHandler

FIXTURES = Path(__file__).parents[2] / "fixtures" / "vendors" / "newsapi"
KEY = "newsapi-test-key-5f3c9a"
WINDOW = Window(dt.date(2026, 11, 20), dt.date(2026, 11, 23))
Handler = Callable[[httpx.Request], httpx.Response]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def answer(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=fixture(name))


Recorder = ReplayHandler  # replays recorded answers; keeps requests


def source(
    handler: Handler,
    sleeps: list[float] | None = None,
    *,
    companies: dict[str, str] | None = None,
    max_pages: int = 5,
) -> NewsApiSource:
    async def sleep(seconds: float) -> None:
        (sleeps if sleeps is not None else []).append(seconds)

    settings = NewsApiConfig(
        api_key=SecretStr(KEY), companies=companies or {}, page_size=2, max_pages=max_pages
    )
    policy = RetryPolicy(attempts=3, base_delay=0.01)
    return NewsApiSource(
        settings, transport=httpx.MockTransport(handler), sleep=sleep, policy=policy
    )


def fetch(adapter: NewsApiSource, *symbols: str) -> list[Fetched]:
    return asyncio.run(adapter.news(list(symbols), WINDOW))


def test_source_implements_the_news_port() -> None:
    assert isinstance(source(Recorder()), NewsSource)
    assert source(Recorder()).name == "newsapi"


def test_happy_path_pages_until_total_and_returns_catalog_rows() -> None:
    handler = Recorder(answer("everything_nvda_page1.json"), answer("everything_nvda_page2.json"))
    articles, sentiment = fetch(source(handler, companies={"NVDA": "NVIDIA"}), "NVDA")
    assert [r.url.params["page"] for r in handler.requests] == ["1", "2"]
    assert articles.dataset == "news.articles"
    assert sentiment.dataset == "news.sentiment"
    assert len(articles.rows) == 2  # the page-2 duplicate and the removed article are dropped
    assert sentiment.rows.empty
    prepare_batch(table("news.articles"), articles.rows)
    prepare_batch(table("news.sentiment"), sentiment.rows)


def test_request_carries_query_window_and_key_header() -> None:
    handler = Recorder(answer("everything_empty.json"))
    fetch(source(handler, companies={"NVDA": "NVIDIA"}), "NVDA")
    request = handler.requests[0]
    assert request.url.path == "/v2/everything"
    assert dict(request.url.params) == {
        "q": '"NVIDIA" OR "NVDA"',
        "from": "2026-11-20T00:00:00",
        "to": "2026-11-23T23:59:59",
        "language": "en",
        "sortBy": "publishedAt",
        "pageSize": "2",
        "page": "1",
    }
    assert request.headers["X-Api-Key"] == KEY
    assert KEY not in str(request.url)


def test_rows_map_vendor_fields_and_times_are_utc() -> None:
    handler = Recorder(answer("everything_nvda_page1.json"), answer("everything_empty.json"))
    articles = fetch(source(handler), "NVDA")[0].rows.set_index("url")
    row = articles.loc["https://www.reuters.com/technology/nvidia-beats-estimates-2026-11-20/"]
    assert row["article_id"] == article_id_for(str(row.name))
    assert row["summary"].startswith("Nvidia reported record quarterly revenue")
    assert (row["publisher"], row["author"], row["source"]) == ("Reuters", "Jane Roe", "newsapi")
    assert row["published_at"] == pd.Timestamp("2026-11-20T21:15:00Z")
    assert json.loads(str(row["symbols"])) == ["NVDA"]


def test_dedupes_on_url_across_pages_and_symbols_uniting_symbols() -> None:
    handler = Recorder(
        answer("everything_nvda_page1.json"),
        answer("everything_nvda_page2.json"),
        answer("everything_amd.json"),
    )
    articles = fetch(source(handler), "NVDA", "AMD")[0].rows
    assert articles["article_id"].is_unique
    shared = articles.set_index("article_id").loc[
        article_id_for("https://www.reuters.com/technology/nvidia-beats-estimates-2026-11-20/")
    ]
    assert json.loads(str(shared["symbols"])) == ["AMD", "NVDA"]
    prepare_batch(table("news.articles"), articles)


def test_unreadable_articles_go_to_unparsed_beside_good_rows() -> None:
    handler = Recorder(answer("everything_nvda_page1.json"), answer("everything_nvda_page2.json"))
    articles = fetch(source(handler), "NVDA")[0]
    reasons = sorted(record.reason for record in articles.unparsed)
    assert len(reasons) == 2
    assert "no title" in reasons[0] or "no title" in reasons[1]
    assert all(record.key == "NVDA" for record in articles.unparsed)
    assert len(articles.rows) == 2


def test_empty_result_is_empty_rows_not_an_error() -> None:
    articles, sentiment = fetch(source(Recorder(answer("everything_empty.json"))), "NVDA")
    assert articles.rows.empty
    assert sentiment.rows.empty
    assert list(articles.rows.columns) == list(table("news.articles").column_names)


def test_maximum_results_reached_stops_paging_and_keeps_earlier_pages() -> None:
    handler = Recorder(
        answer("everything_nvda_page1.json"),
        answer("error_maximum_results_reached.json", 426),
    )
    articles = fetch(source(handler, max_pages=5), "NVDA")[0]
    assert len(handler.requests) == 2
    assert len(articles.rows) == 2


def test_rate_limited_is_quota_exhausted_at_once_without_retry() -> None:
    handler = Recorder(answer("error_rate_limited.json", 429))
    with pytest.raises(QuotaExhausted, match="rateLimited"):
        fetch(source(handler), "NVDA")
    assert len(handler.requests) == 1


def test_rate_limited_inside_a_200_answer_is_quota_exhausted() -> None:
    with pytest.raises(QuotaExhausted, match="rateLimited"):
        fetch(source(Recorder(answer("error_rate_limited.json"))), "NVDA")


def test_invalid_key_is_source_unavailable_naming_the_code() -> None:
    with pytest.raises(SourceUnavailable, match="apiKeyInvalid"):
        fetch(source(Recorder(answer("error_api_key_invalid.json", 401))), "NVDA")


def test_bare_429_is_retried_after_retry_after() -> None:
    sleeps: list[float] = []
    handler = Recorder(
        httpx.Response(429, text="Too Many Requests", headers={"Retry-After": "7"}),
        answer("everything_empty.json"),
    )
    articles = fetch(source(handler, sleeps), "NVDA")[0]
    assert sleeps == [7.0]
    assert articles.rows.empty
    assert len(handler.requests) == 2


def test_timeouts_exhaust_retries_into_source_unavailable() -> None:
    handler = Recorder(*[httpx.ReadTimeout("read timed out") for _ in range(3)])
    with pytest.raises(SourceUnavailable, match="timed out"):
        fetch(source(handler), "NVDA")
    assert len(handler.requests) == 3


@pytest.mark.parametrize("name", ["malformed.txt", "truncated.json"])
def test_unreadable_answer_is_malformed_payload(name: str) -> None:
    with pytest.raises(MalformedPayload) as caught:
        fetch(source(Recorder(answer(name))), "NVDA")
    assert caught.value.payload


def test_key_never_appears_in_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    echo = json.dumps({"status": "error", "code": "apiKeyInvalid", "message": f"bad key {KEY}"})
    handler = Recorder(
        httpx.Response(503, text=f"upstream said {KEY}"),
        httpx.Response(401, text=echo),
    )
    with pytest.raises(SourceUnavailable) as caught:
        fetch(source(handler), "NVDA")
    assert KEY not in str(caught.value)
    assert KEY not in caplog.text
    assert caplog.records  # the retry was logged, scrubbed
