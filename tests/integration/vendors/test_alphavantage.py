"""Alpha Vantage adapter: NEWS_SENTIMENT and EARNINGS_CALENDAR payloads replayed offline."""

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
from tetra.adapters.sources.alphavantage import AlphaVantageConfig, AlphaVantageSource
from tetra.core.errors import MalformedPayload, QuotaExhausted, SourceUnavailable
from tetra.data.batches import prepare_batch
from tetra.data.migrations import table
from tetra.data.sources import EventSource, Fetched, NewsSource, Window
from tetra.model.news import article_id_for
from tetra.testing.http import ReplayHandler

FIXTURES = Path(__file__).parents[2] / "fixtures" / "vendors" / "alphavantage"
KEY = "SECRETKEY123"  # information_daily_limit.json echoes it, as Alpha Vantage does
NEWS_WINDOW = Window(dt.date(2026, 11, 20), dt.date(2026, 11, 23))
EARNINGS_WINDOW = Window(dt.date(2027, 1, 1), dt.date(2027, 3, 31))
Handler = Callable[[httpx.Request], httpx.Response]
APPLE_BITCOIN = "https://www.fool.com/investing/2026/11/21/apple-bitcoin-treasury/"


def answer(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=(FIXTURES / name).read_bytes(), headers=headers)


Recorder = ReplayHandler  # replays recorded answers; keeps requests


def source(handler: Handler, sleeps: list[float] | None = None) -> AlphaVantageSource:
    async def sleep(seconds: float) -> None:
        (sleeps if sleeps is not None else []).append(seconds)

    config = AlphaVantageConfig(api_key=SecretStr(KEY))
    policy = RetryPolicy(attempts=3, base_delay=0.01)
    return AlphaVantageSource(
        config, transport=httpx.MockTransport(handler), sleep=sleep, policy=policy
    )


def news(adapter: AlphaVantageSource, *symbols: str) -> list[Fetched]:
    return asyncio.run(adapter.news(list(symbols), NEWS_WINDOW))


def events(adapter: AlphaVantageSource, *symbols: str) -> list[Fetched]:
    return asyncio.run(adapter.events(list(symbols), EARNINGS_WINDOW))


def test_source_implements_news_and_event_ports() -> None:
    adapter = source(Recorder())
    assert isinstance(adapter, NewsSource)
    assert isinstance(adapter, EventSource)
    assert adapter.name == "alphavantage"


def test_news_requests_one_symbol_each_with_crypto_prefix_and_feed_times() -> None:
    handler = Recorder(answer("news_sentiment_aapl.json"), answer("news_sentiment_btc.json"))
    news(source(handler), "AAPL", "BTC")
    params = [dict(r.url.params) for r in handler.requests]
    assert [p["tickers"] for p in params] == ["AAPL", "CRYPTO:BTC"]
    assert params[0] | {"apikey": "-"} == {
        "function": "NEWS_SENTIMENT",
        "tickers": "AAPL",
        "time_from": "20261120T0000",
        "time_to": "20261123T2359",
        "sort": "LATEST",
        "limit": "1000",
        "apikey": "-",
    }


def test_happy_path_rows_pass_the_catalog() -> None:
    handler = Recorder(answer("news_sentiment_aapl.json"), answer("news_sentiment_btc.json"))
    articles, sentiment = news(source(handler), "AAPL", "BTC")
    assert (articles.dataset, sentiment.dataset) == ("news.articles", "news.sentiment")
    prepare_batch(table("news.articles"), articles.rows)
    prepare_batch(table("news.sentiment"), sentiment.rows)
    assert set(sentiment.rows["method"]) == {"vendor"}
    assert set(sentiment.rows["source"]) == {"alphavantage"}


def test_article_fields_and_eastern_time_converted_to_utc() -> None:
    articles = news(source(Recorder(answer("news_sentiment_aapl.json"))), "AAPL")[0].rows
    row = articles.set_index("url").loc[APPLE_BITCOIN]
    assert row["article_id"] == article_id_for(APPLE_BITCOIN)
    assert (row["publisher"], row["author"]) == ("Motley Fool", "Jo Analyst, Max Writer")
    assert row["published_at"] == pd.Timestamp("2026-11-21T14:05:00Z")  # 09:05 EST
    assert json.loads(str(row["symbols"])) == ["AAPL", "BTC"]


def test_string_ticker_scores_are_parsed_and_overall_is_symbol_star() -> None:
    sentiment = news(source(Recorder(answer("news_sentiment_aapl.json"))), "AAPL")[1].rows
    first = article_id_for("https://www.benzinga.com/news/26/11/apple-beats-estimates")
    rows = sentiment[sentiment["article_id"] == first].set_index("symbol")
    assert rows.loc["AAPL", "score"] == pytest.approx(0.503112)
    assert rows.loc["AAPL", "relevance"] == pytest.approx(0.912345)
    assert rows.loc["AAPL", "label"] == "Bullish"
    assert rows.loc["*", "score"] == pytest.approx(0.412345)
    assert rows["relevance"].isna()["*"]
    assert sorted(rows.index) == ["*", "AAPL", "MSFT"]


def test_unparseable_score_goes_to_unparsed_but_article_stays() -> None:
    articles, sentiment = news(source(Recorder(answer("news_sentiment_aapl.json"))), "AAPL")
    article_id = article_id_for(APPLE_BITCOIN)
    assert article_id in set(articles.rows["article_id"])
    assert sorted(sentiment.rows.loc[sentiment.rows["article_id"] == article_id, "symbol"]) == [
        "*",
        "AAPL",
    ]
    problems = {record.key: record.reason for record in articles.unparsed}
    assert "n/a" in problems[f"{article_id}/BTC"]


def test_unreadable_feed_item_goes_to_unparsed() -> None:
    articles = news(source(Recorder(answer("news_sentiment_aapl.json"))), "AAPL")[0]
    reasons = [record.reason for record in articles.unparsed]
    assert any("time data '2026-11-22 08:00'" in reason for reason in reasons)
    assert len(articles.rows) == 2


def test_dedupes_articles_and_sentiment_across_symbol_requests() -> None:
    handler = Recorder(answer("news_sentiment_aapl.json"), answer("news_sentiment_btc.json"))
    articles, sentiment = news(source(handler), "AAPL", "BTC")
    assert articles.rows["article_id"].is_unique
    assert len(articles.rows) == 3
    assert not sentiment.rows.duplicated(["article_id", "symbol", "method", "source"]).any()


def test_empty_feed_is_empty_rows() -> None:
    articles, sentiment = news(source(Recorder(answer("news_sentiment_empty.json"))), "AAPL")
    assert articles.rows.empty
    assert sentiment.rows.empty
    assert list(sentiment.rows.columns) == list(table("news.sentiment").column_names)


@pytest.mark.parametrize("name", ["note_rate_limit.json", "information_daily_limit.json"])
def test_quota_notice_in_a_200_is_quota_exhausted_without_retry(name: str) -> None:
    handler = Recorder(answer(name))
    with pytest.raises(QuotaExhausted):
        news(source(handler), "AAPL")
    assert len(handler.requests) == 1


def test_invalid_inputs_notice_is_source_unavailable_not_quota() -> None:
    with pytest.raises(SourceUnavailable, match="Invalid inputs"):
        news(source(Recorder(answer("information_invalid_inputs.json"))), "AAPL")


def test_429_then_success_honours_retry_after() -> None:
    sleeps: list[float] = []
    handler = Recorder(
        httpx.Response(429, text="slow down", headers={"Retry-After": "3"}),
        answer("news_sentiment_empty.json"),
    )
    news(source(handler, sleeps), "AAPL")
    assert sleeps == [3.0]
    assert len(handler.requests) == 2


def test_timeouts_exhaust_retries_into_source_unavailable() -> None:
    handler = Recorder(*[httpx.ReadTimeout("read timed out") for _ in range(3)])
    with pytest.raises(SourceUnavailable, match="timed out"):
        news(source(handler), "AAPL")


@pytest.mark.parametrize("name", ["news_malformed.txt", "news_truncated.json"])
def test_unreadable_answer_is_malformed_payload(name: str) -> None:
    with pytest.raises(MalformedPayload) as caught:
        news(source(Recorder(answer(name))), "AAPL")
    assert caught.value.payload


def test_key_never_appears_in_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    handler = Recorder(httpx.Response(503, text="busy"), answer("information_daily_limit.json"))
    with pytest.raises(QuotaExhausted) as caught:
        news(source(handler), "AAPL")
    assert "***" in str(caught.value)
    assert KEY not in str(caught.value)
    assert KEY not in caplog.text


def test_earnings_one_symbol_is_asked_by_name_and_mapped() -> None:
    handler = Recorder(
        answer("earnings_calendar.csv", headers={"content-type": "application/x-download"})
    )
    (earnings,) = events(source(handler), "AAPL")
    params = dict(handler.requests[0].url.params)
    assert (params["function"], params["horizon"], params["symbol"]) == (
        "EARNINGS_CALENDAR",
        "3month",
        "AAPL",
    )
    row = earnings.rows.iloc[0]
    assert earnings.dataset == "events.earnings"
    assert len(earnings.rows) == 1
    assert (row["symbol"], row["report_date"], row["fiscal_period"]) == (
        "AAPL",
        dt.date(2027, 1, 28),
        "2026-12-31",
    )
    assert (row["eps_estimate"], row["time_of_day"], row["source"]) == (2.61, "amc", "alphavantage")
    prepare_batch(table("events.earnings"), earnings.rows)


def test_earnings_several_symbols_use_one_request_and_read_time_of_day() -> None:
    handler = Recorder(answer("earnings_calendar.csv"))
    (earnings,) = events(source(handler), "JPM", "NVDA", "TSLA")
    assert len(handler.requests) == 1
    assert "symbol" not in handler.requests[0].url.params
    rows = earnings.rows.set_index("symbol")
    assert rows.loc["JPM", "time_of_day"] == "bmo"
    assert rows.loc["NVDA", "time_of_day"] == "unknown"
    assert rows["eps_estimate"].isna()["NVDA"]
    assert "TSLA" not in rows.index  # its estimate "n/a" cannot be read
    assert [record.key for record in earnings.unparsed] == ["TSLA"]
    prepare_batch(table("events.earnings"), earnings.rows)


def test_earnings_empty_csv_is_empty_rows() -> None:
    (earnings,) = events(source(Recorder(answer("earnings_calendar_empty.csv"))), "AAPL")
    assert earnings.rows.empty
    assert not earnings.unparsed


@pytest.mark.parametrize(
    "name",
    ["earnings_calendar_throttled.csv", "note_rate_limit.json", "information_daily_limit.json"],
)
def test_earnings_throttled_answers_are_quota_exhausted(name: str) -> None:
    with pytest.raises(QuotaExhausted):
        events(source(Recorder(answer(name))), "AAPL")


def test_earnings_error_message_is_source_unavailable() -> None:
    with pytest.raises(SourceUnavailable, match="Invalid API call"):
        events(source(Recorder(answer("error_message.json"))), "AAPL")


def test_earnings_non_csv_answer_is_malformed_payload() -> None:
    with pytest.raises(MalformedPayload, match="lacks columns"):
        events(source(Recorder(answer("news_malformed.txt"))), "AAPL")
