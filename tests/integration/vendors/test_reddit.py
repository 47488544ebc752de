"""RedditSource against recorded Reddit API payloads (httpx.MockTransport; no network)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from tetra.adapters.http import RetryPolicy
from tetra.adapters.sources.reddit import RedditConfig, RedditSource
from tetra.adapters.sources.reddit.parsing import mentioned_symbols
from tetra.data.sources import Fetched, NewsSource, Window

FIXTURES = Path(__file__).parents[2] / "fixtures" / "vendors" / "reddit"
UNIVERSE = ("NVDA", "AAPL", "MSFT", "SPY", "TSLA", "AMD", "ALL", "NOW")
WINDOW = Window(dt.date(2025, 12, 1), dt.date(2025, 12, 1))
CONFIG = RedditConfig(
    client_id="p-jcoLKBynTLew",
    client_secret=SecretStr("gko_LXELoV07ZBNUXrvWZfzE3aI"),
    user_agent="python:tetra-tests:0.1 (by /u/tetra_dev)",
    subreddits=("stocks", "wallstreetbets"),
)


class Recorder:
    def __init__(self, pages: dict[str, list[httpx.Response]]) -> None:
        self.pages = pages
        self.requests: list[httpx.Request] = []
        self.delays: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/api/v1/access_token":
            return httpx.Response(200, content=(FIXTURES / "token.json").read_bytes())
        return self.pages[request.url.path].pop(0)

    async def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)


def page(name: str, headers: dict[str, str] | None = None) -> httpx.Response:
    base = {"X-Ratelimit-Used": "3", "X-Ratelimit-Remaining": "97.0", "X-Ratelimit-Reset": "412"}
    return httpx.Response(
        200, content=(FIXTURES / name).read_bytes(), headers={**base, **(headers or {})}
    )


def run(recorder: Recorder, symbols: tuple[str, ...] = UNIVERSE) -> list[Fetched]:
    reddit = RedditSource(
        CONFIG,
        UNIVERSE,
        transport=httpx.MockTransport(recorder),
        sleep=recorder.sleep,
        policy=RetryPolicy(attempts=3),
    )
    return asyncio.run(reddit.news(symbols, WINDOW))


def standard() -> Recorder:
    return Recorder(
        {
            "/r/stocks/new": [page("stocks_new_page1.json"), page("stocks_new_page2.json")],
            "/r/wallstreetbets/new": [page("wallstreetbets_new.json")],
        }
    )


def test_reddit_source_implements_the_news_port() -> None:
    assert isinstance(RedditSource(CONFIG, UNIVERSE), NewsSource)


def test_the_token_is_asked_once_with_basic_auth_and_the_client_credentials_grant() -> None:
    recorder = standard()

    run(recorder)

    token = [r for r in recorder.requests if r.url.path == "/api/v1/access_token"]
    assert len(token) == 1
    expected = base64.b64encode(b"p-jcoLKBynTLew:gko_LXELoV07ZBNUXrvWZfzE3aI").decode()
    assert token[0].method == "POST"
    assert token[0].headers["Authorization"] == f"Basic {expected}"
    assert token[0].content == b"grant_type=client_credentials"
    api = [r for r in recorder.requests if r.url.host == "oauth.reddit.com"]
    assert all(r.headers["Authorization"].startswith("bearer eyJ") for r in api)
    assert all(r.headers["User-Agent"] == CONFIG.user_agent for r in recorder.requests)


def test_listings_are_paged_with_after_until_older_than_the_window() -> None:
    recorder = standard()

    run(recorder)

    stocks = [r for r in recorder.requests if r.url.path == "/r/stocks/new"]
    assert [r.url.params.get("after") for r in stocks] == [None, "t3_1h4kq2c"]
    assert all(r.url.params["limit"] == "100" for r in stocks)


def test_posts_in_the_window_naming_universe_symbols_become_articles_once() -> None:
    articles, sentiment = run(standard())

    rows = articles.rows.set_index("title")
    assert sorted(rows.index) == [
        "Loss porn: down 90% on AMD puts",
        "NVDA beats, data center revenue up again",
        "Rebalancing before year end",
    ]
    assert json.loads(rows.loc["Rebalancing before year end", "symbols"]) == ["AAPL", "MSFT"]
    assert rows.loc["NVDA beats, data center revenue up again", "url"] == (
        "https://www.reddit.com/r/stocks/comments/1h4kz9a/nvda_beats_data_center_revenue_up_again/"
    )
    assert rows.loc["NVDA beats, data center revenue up again", "published_at"] == (
        dt.datetime(2025, 12, 1, 20, 0, tzinfo=dt.UTC)
    )
    assert set(articles.rows["source"]) == {"reddit"}
    assert sentiment.dataset == "news.sentiment"
    assert sentiment.rows.empty


def test_a_child_that_is_not_a_post_is_quarantined() -> None:
    articles, _ = run(standard())

    assert [r.reason for r in articles.unparsed] == [
        "unreadable post: child is not a post (kind t3)"
    ]


def test_common_words_count_only_as_cashtags() -> None:
    assert mentioned_symbols("Is it ALL going to crash NOW?", "", UNIVERSE) == set()
    assert mentioned_symbols("Bought $ALL today", "", UNIVERSE) == {"ALL"}
    assert mentioned_symbols("Rotation", "into $aapl and $MSFT", UNIVERSE) == {"AAPL", "MSFT"}


def test_a_refused_token_is_renewed_and_the_request_retried() -> None:
    recorder = Recorder(
        {
            "/r/stocks/new": [
                httpx.Response(401, json={"message": "Unauthorized", "error": 401}),
                page("stocks_new_page2.json"),
            ],
            "/r/wallstreetbets/new": [page("wallstreetbets_new.json")],
        }
    )

    run(recorder)

    assert sum(r.url.path == "/api/v1/access_token" for r in recorder.requests) == 2


def test_a_spent_quota_waits_for_the_reset_the_server_names() -> None:
    recorder = Recorder(
        {
            "/r/stocks/new": [
                httpx.Response(
                    429, headers={"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "37"}
                ),
                page(
                    "stocks_new_page2.json",
                    {"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "12"},
                ),
            ],
            "/r/wallstreetbets/new": [page("wallstreetbets_new.json")],
        }
    )

    run(recorder)

    assert 37.0 in recorder.delays
    assert 12.0 in recorder.delays


def test_without_credentials_the_source_cannot_be_built() -> None:
    with pytest.raises(ValueError, match="TETRA_REDDIT"):
        RedditSource(RedditConfig(), UNIVERSE)


def test_a_body_that_is_not_a_listing_is_malformed() -> None:
    recorder = Recorder({"/r/stocks/new": [httpx.Response(200, json={"error": "oops"})]})

    with pytest.raises(Exception, match="not a Listing"):
        run(recorder)


Handler = Callable[[httpx.Request], httpx.Response]
