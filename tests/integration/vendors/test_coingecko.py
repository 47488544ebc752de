"""CoinGeckoSource against recorded market_chart payloads replayed through httpx.MockTransport."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from tetra.adapters.http import TokenBucket
from tetra.adapters.sources.coingecko import COIN_IDS, CoinGeckoConfig, CoinGeckoSource
from tetra.core.clock import FixedClock
from tetra.core.errors import MalformedPayload, SourceUnavailable
from tetra.data.batches import prepare_batch
from tetra.data.migrations import table
from tetra.data.sources import Fetched, PriceSeriesSource, Window
from tetra.data.universe import load_universe
from tetra.model.instruments import AssetClass
from tetra.testing.http import ReplayHandler

FIXTURES = Path(__file__).parents[2] / "fixtures" / "vendors" / "coingecko"
KEY = "CG-demoKEY1234567890abcd"
NOW = dt.datetime(2024, 4, 1, 15, 14, 42, tzinfo=dt.UTC)  # when the fixture was asked for
LAST_FIVE_DAYS = Window(dt.date(2024, 3, 28), dt.date(2024, 4, 1))

Handler = Callable[[httpx.Request], httpx.Response]


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def answer(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=fixture_text(name).encode(), headers=headers)


Recorder = ReplayHandler  # replays recorded answers; keeps requests


class Sleeps:
    """A fake `sleep` that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def make_source(
    recorder: Recorder, sleeps: Sleeps | None = None, *, now: dt.datetime = NOW
) -> CoinGeckoSource:
    return CoinGeckoSource(
        CoinGeckoConfig(base_url="https://api.coingecko.test/api/v3", api_key=SecretStr(KEY)),
        clock=FixedClock(now),
        transport=httpx.MockTransport(recorder),
        sleep=sleeps or Sleeps(),
    )


def fetch(source: CoinGeckoSource, symbol: str, window: Window) -> Fetched:
    async def run() -> Fetched:
        async with source:
            return await source.price_series(symbol, window)

    return asyncio.run(run())


def test_coingecko_source_is_a_price_series_source() -> None:
    assert isinstance(CoinGeckoSource(), PriceSeriesSource)
    assert CoinGeckoSource.name == "coingecko"


def test_daily_chart_becomes_price_series_rows_joined_on_time() -> None:
    recorder = Recorder(answer("market_chart_bitcoin_daily.json"))

    fetched = fetch(make_source(recorder), "BTC", LAST_FIVE_DAYS)

    rows = fetched.rows
    assert fetched.dataset == "market_data.price_series"
    assert fetched.unparsed == ()
    assert list(rows.columns) == list(table("market_data.price_series").column_names)
    assert list(rows["ts"]) == [
        dt.datetime(2024, 3, 28, tzinfo=dt.UTC) + dt.timedelta(days=n) for n in range(5)
    ]
    last = rows.iloc[-1]
    assert (last["symbol"], last["source"]) == ("BTC", "coingecko")
    assert (last["price"], last["market_cap"], last["volume"]) == (
        71246.9514406015,
        1401370211582.37,
        19723005998.215,
    )


def test_live_last_point_off_midnight_is_dropped() -> None:
    fetched = fetch(
        make_source(Recorder(answer("market_chart_bitcoin_daily.json"))), "BTC", LAST_FIVE_DAYS
    )

    assert 68887.7495158568 not in set(fetched.rows["price"])
    assert all(ts.hour == ts.minute == ts.second == 0 for ts in fetched.rows["ts"])


def test_request_asks_daily_points_back_to_the_window_start() -> None:
    recorder = Recorder(answer("market_chart_bitcoin_daily.json"))

    fetch(make_source(recorder), "BTC", LAST_FIVE_DAYS)

    request = recorder.requests[0]
    assert request.url.path == "/api/v3/coins/bitcoin/market_chart"
    assert dict(request.url.params) == {"vs_currency": "usd", "days": "5", "interval": "daily"}


def test_rows_outside_the_window_are_left_out() -> None:
    window = Window(dt.date(2024, 3, 29), dt.date(2024, 3, 30))

    fetched = fetch(make_source(Recorder(answer("market_chart_bitcoin_daily.json"))), "BTC", window)

    assert [ts.day for ts in fetched.rows["ts"]] == [29, 30]


def test_rows_pass_the_price_series_batch_validation() -> None:
    fetched = fetch(
        make_source(Recorder(answer("market_chart_bitcoin_daily.json"))), "BTC", LAST_FIVE_DAYS
    )

    batch = prepare_batch(table("market_data.price_series"), fetched.rows)

    assert batch.num_rows == 5


def test_window_older_than_the_plan_allows_is_clipped_to_365_days_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = Recorder(answer("market_chart_bitcoin_daily.json"))
    window = Window(dt.date(2022, 1, 1), dt.date(2024, 4, 1))

    fetch(make_source(recorder), "BTC", window)

    assert recorder.requests[0].url.params["days"] == "365"
    assert "serves only the last 365 days" in caplog.text
    assert "2022-01-01..2023-04-02 cannot be fetched" in caplog.text


def test_window_ending_before_the_plan_history_raises_without_a_request() -> None:
    recorder = Recorder(answer("market_chart_bitcoin_daily.json"))

    with pytest.raises(SourceUnavailable, match="last 365 days"):
        fetch(make_source(recorder), "BTC", Window(dt.date(2022, 1, 1), dt.date(2022, 12, 31)))
    assert recorder.requests == []


def test_paid_plan_without_history_limit_asks_for_every_day() -> None:
    recorder = Recorder(answer("market_chart_bitcoin_daily.json"))
    source = CoinGeckoSource(
        CoinGeckoConfig(max_history_days=None),
        clock=FixedClock(NOW),
        transport=httpx.MockTransport(recorder),
    )

    fetch(source, "BTC", Window(dt.date(2023, 4, 1), dt.date(2024, 4, 1)))

    assert recorder.requests[0].url.params["days"] == "367"


def test_empty_chart_gives_no_rows() -> None:
    fetched = fetch(make_source(Recorder(answer("market_chart_empty.json"))), "BTC", LAST_FIVE_DAYS)

    assert fetched.rows.empty
    assert prepare_batch(table("market_data.price_series"), fetched.rows).num_rows == 0


def test_point_with_an_unreadable_price_goes_to_unparsed_and_the_rest_are_kept() -> None:
    recorder = Recorder(answer("market_chart_bitcoin_bad_point.json"))

    fetched = fetch(make_source(recorder), "BTC", LAST_FIVE_DAYS)

    assert [ts.day for ts in fetched.rows["ts"]] == [28, 29, 31, 1]
    (record,) = fetched.unparsed
    assert "price is not a number" in record.reason
    assert record.key == "BTC/1711756800000"
    assert fetched.rows.iloc[2]["market_cap"] != fetched.rows.iloc[2]["market_cap"]  # null cap


def test_429_is_retried_after_its_retry_after() -> None:
    throttled = answer("error_429_rate_limit.json", 429, {"Retry-After": "30"})
    recorder = Recorder(throttled, answer("market_chart_bitcoin_daily.json"))
    sleeps = Sleeps()

    fetched = fetch(make_source(recorder, sleeps), "BTC", LAST_FIVE_DAYS)

    assert len(fetched.rows) == 5
    assert len(recorder.requests) == 2
    assert sleeps.delays == [30.0]


def test_unknown_coin_raises_source_unavailable() -> None:
    recorder = Recorder(answer("error_coin_not_found.json", 404))

    with pytest.raises(SourceUnavailable, match="coin not found"):
        fetch(make_source(recorder), "BTC", LAST_FIVE_DAYS)


@pytest.mark.parametrize("name", ["market_chart_malformed.html", "market_chart_truncated.json"])
def test_unreadable_body_raises_malformed_payload(name: str) -> None:
    with pytest.raises(MalformedPayload) as caught:
        fetch(make_source(Recorder(answer(name))), "BTC", LAST_FIVE_DAYS)
    assert caught.value.payload == fixture_text(name)


def test_chart_without_prices_raises_malformed_payload() -> None:
    recorder = Recorder(httpx.Response(200, json={"status": "ok"}))

    with pytest.raises(MalformedPayload, match="no 'prices' list"):
        fetch(make_source(recorder), "BTC", LAST_FIVE_DAYS)


def test_timeouts_raise_source_unavailable_after_the_retries() -> None:
    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    recorder = Recorder(time_out)

    with pytest.raises(SourceUnavailable, match="timed out"):
        fetch(make_source(recorder), "BTC", LAST_FIVE_DAYS)
    assert len(recorder.requests) == 5


def test_key_travels_in_the_header_not_in_the_url() -> None:
    recorder = Recorder(answer("market_chart_bitcoin_daily.json"))

    fetch(make_source(recorder), "BTC", LAST_FIVE_DAYS)

    request = recorder.requests[0]
    assert request.headers["x-cg-demo-api-key"] == KEY
    assert KEY not in str(request.url)


def test_key_never_appears_in_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    def echo_key(request: httpx.Request) -> httpx.Response:
        body = f'{{"error": "invalid key {request.headers["x-cg-demo-api-key"]}"}}'
        return httpx.Response(401, content=body.encode())

    throttled = answer("error_429_rate_limit.json", 429, {"Retry-After": "1"})
    with pytest.raises(SourceUnavailable) as caught:
        fetch(make_source(Recorder(throttled, echo_key)), "BTC", LAST_FIVE_DAYS)

    assert "invalid key ***" in str(caught.value)
    assert KEY not in str(caught.value)
    assert caplog.records
    assert KEY not in caplog.text


def test_default_bucket_allows_30_calls_per_minute() -> None:
    source = CoinGeckoSource()

    assert isinstance(source.limiter, TokenBucket)
    assert source.limiter.capacity == 30
    assert source.limiter.rate == pytest.approx(0.5)


def test_every_crypto_of_the_universe_has_a_coin_id() -> None:
    crypto = load_universe().by_asset_class(AssetClass.CRYPTO).symbols

    assert set(crypto) == set(COIN_IDS)


def test_symbol_without_a_coin_id_is_refused_before_any_request() -> None:
    recorder = Recorder(answer("market_chart_empty.json"))

    with pytest.raises(SourceUnavailable, match="no CoinGecko coin id"):
        fetch(make_source(recorder), "PEPE", LAST_FIVE_DAYS)
    assert recorder.requests == []


@pytest.mark.skipif(os.environ.get("TETRA_LIVE_TESTS") != "1", reason="live calls are opt-in")
def test_live_bitcoin_daily_prices() -> None:
    today = dt.datetime.now(dt.UTC).date()
    window = Window(today - dt.timedelta(days=10), today - dt.timedelta(days=1))

    async def run() -> Fetched:
        async with CoinGeckoSource() as source:
            return await source.price_series("BTC", window)

    fetched = asyncio.run(run())

    assert len(fetched.rows) == 10
    prepare_batch(table("market_data.price_series"), fetched.rows)


def test_the_ranking_leaves_out_stablecoins_and_wrappers_and_keeps_tetra_symbols() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=(FIXTURES / "coins_markets_top.json").read_bytes())

    gecko = CoinGeckoSource(transport=httpx.MockTransport(handle))
    ranking = asyncio.run(gecko.ranking(10))

    assert [a.symbol for a in ranking] == [
        "BTC",
        "ETH",
        "XRP",
        "BNB",
        "SOL",
        "TRX",
        "DOGE",
        "ADA",
        "HYPE",
        "LINK",
    ]
    assert [a.rank for a in ranking] == list(range(1, 11))
    assert ranking[0].vendor_id == "bitcoin"
    assert ranking[0].market_cap == 1.818e12
    assert seen[0].url.path == "/api/v3/coins/markets"
    assert seen[0].url.params["order"] == "market_cap_desc"
    assert seen[0].url.params["vs_currency"] == "usd"
