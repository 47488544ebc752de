"""PolygonSource against recorded Polygon.io payloads replayed through httpx.MockTransport."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pandas as pd
import pytest
from pydantic import SecretStr

from tetra.adapters.sources.polygon import PolygonConfig, PolygonSource
from tetra.core.errors import MalformedPayload, QuotaExhausted, SourceUnavailable
from tetra.data.batches import prepare_batch
from tetra.data.migrations import table
from tetra.data.sources import BarSource, CorporateActionSource, Fetched, Window
from tetra.settings import Settings

FIXTURES = Path(__file__).parents[2] / "fixtures" / "vendors" / "polygon"
KEY = "pk_TEST_5ecretPolygonKey_0123"
JUNE = Window(dt.date(2024, 6, 3), dt.date(2024, 6, 14))
Handler = Callable[[httpx.Request], httpx.Response]
T = TypeVar("T")


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def answer(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=fixture_text(name).encode(), headers=headers)


class FakeTime:
    """A monotonic clock that only moves when someone sleeps; records every delay."""

    def __init__(self) -> None:
        self.now = 0.0
        self.delays: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.now += seconds


class Recorder:
    """A MockTransport handler that answers from a list of responses and keeps the requests."""

    def __init__(self, *responses: httpx.Response | Handler) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        return reply(request) if callable(reply) else reply


def make_source(handler: Handler, time: FakeTime | None = None, **config: Any) -> PolygonSource:
    time = time or FakeTime()
    settings = PolygonConfig(api_key=SecretStr(KEY), **config)
    return PolygonSource(
        settings, transport=httpx.MockTransport(handler), sleep=time.sleep, clock=time.clock
    )


def run(source: PolygonSource, call: Callable[[PolygonSource], Coroutine[Any, Any, T]]) -> T:
    async def go() -> T:
        async with source:
            return await call(source)

    return asyncio.run(go())


def fetch_bars(handler: Handler, window: Window = JUNE, symbol: str = "NVDA") -> Fetched:
    return run(make_source(handler), lambda s: s.bars(symbol, window))


def test_source_implements_both_protocols() -> None:
    source = make_source(Recorder(answer("aggs_no_results.json")))
    assert isinstance(source, BarSource)
    assert isinstance(source, CorporateActionSource)
    assert source.name == "polygon"


def test_bars_follow_next_url_and_return_raw_bars_of_both_pages() -> None:
    recorder = Recorder(answer("aggs_nvda_page1.json"), answer("aggs_nvda_page2.json"))

    fetched = fetch_bars(recorder)

    assert fetched.dataset == "market_data.ohlcv"
    assert len(fetched.rows) == 10
    assert fetched.unparsed == ()
    by_day = fetched.rows.set_index(fetched.rows["ts"].dt.date)
    assert by_day.loc[dt.date(2024, 6, 7), "close"] == 1208.88  # raw, before the 10:1 split
    assert by_day.loc[dt.date(2024, 6, 10), "close"] == 121.79
    assert by_day.loc[dt.date(2024, 6, 3), "vwap"] == 1138.5307
    assert by_day.loc[dt.date(2024, 6, 3), "trades"] == 842135
    assert set(fetched.rows["source"]) == {"polygon"}
    assert set(fetched.rows["symbol"]) == {"NVDA"}


def test_bars_request_unadjusted_prices_and_reappend_the_key_to_next_url() -> None:
    recorder = Recorder(answer("aggs_nvda_page1.json"), answer("aggs_nvda_page2.json"))

    fetch_bars(recorder)

    first, second = recorder.requests
    assert first.url.path == "/v2/aggs/ticker/NVDA/range/1/day/2024-06-03/2024-06-14"
    assert dict(first.url.params) == {
        "adjusted": "false",
        "sort": "asc",
        "limit": "50000",
        "apiKey": KEY,
    }
    assert second.url.path == "/v2/aggs/ticker/NVDA/range/1/day/1717992000000/2024-06-14"
    assert dict(second.url.params) == {"cursor": "bGltaXQ9NSZzb3J0PWFzYw==", "apiKey": KEY}


def test_daily_bars_are_stamped_at_midnight_utc_of_the_eastern_session_date() -> None:
    fetched = fetch_bars(Recorder(answer("aggs_nvda_page1.json"), answer("aggs_nvda_page2.json")))

    stamps = fetched.rows["ts"]
    assert str(stamps.dt.tz) == "UTC"
    assert (stamps == stamps.dt.normalize()).all()
    # t = 1717387200000 is 2024-06-03 00:00 in New York, 04:00 UTC: the session is June 3.
    assert stamps.iloc[0] == pd.Timestamp("2024-06-03", tz="UTC")


def test_rows_carry_exactly_the_catalog_columns_and_pass_the_batch_checks() -> None:
    fetched = fetch_bars(Recorder(answer("aggs_nvda_page1.json"), answer("aggs_nvda_page2.json")))
    ohlcv = table("market_data.ohlcv")

    assert list(fetched.rows.columns) == list(ohlcv.column_names)
    assert prepare_batch(ohlcv, fetched.rows).num_rows == 10


def test_an_answer_without_results_means_no_bars() -> None:
    fetched = fetch_bars(Recorder(answer("aggs_no_results.json")))

    assert fetched.rows.empty
    assert list(fetched.rows.columns) == list(table("market_data.ohlcv").column_names)
    assert prepare_batch(table("market_data.ohlcv"), fetched.rows).num_rows == 0


def test_unreadable_bars_are_set_aside_and_good_bars_of_the_page_kept() -> None:
    fetched = fetch_bars(Recorder(answer("aggs_bad_bars.json")))

    assert fetched.rows["ts"].dt.date.tolist() == [dt.date(2024, 6, 10)]
    reasons = [record.reason for record in fetched.unparsed]
    assert reasons == ["'c' is missing", "'v' is not a number: 'n/a'"]
    assert fetched.unparsed[1].payload["v"] == "n/a"  # type: ignore[index,call-overload]
    assert fetched.unparsed[0].key == "NVDA/1d/1718078400000"


def test_crypto_maps_to_x_ticker_and_uses_the_utc_date() -> None:
    recorder = Recorder(answer("aggs_btc.json"))

    fetched = fetch_bars(recorder, Window(dt.date(2024, 1, 4), dt.date(2024, 1, 5)), "BTC")

    assert (
        recorder.requests[0].url.path
        == "/v2/aggs/ticker/X:BTCUSD/range/1/day/2024-01-04/2024-01-05"
    )
    assert fetched.rows["ts"].tolist() == [
        pd.Timestamp("2024-01-04", tz="UTC"),
        pd.Timestamp("2024-01-05", tz="UTC"),
    ]
    assert set(fetched.rows["symbol"]) == {"BTC"}


def test_share_class_symbols_keep_their_dot() -> None:
    recorder = Recorder(answer("aggs_no_results.json"))

    fetch_bars(recorder, symbol="BRK.B")

    assert recorder.requests[0].url.path.startswith("/v2/aggs/ticker/BRK.B/range/")


def test_429_is_retried_after_the_servers_retry_after() -> None:
    time = FakeTime()
    recorder = Recorder(
        answer("error_429.json", 429, {"Retry-After": "7"}),
        answer("aggs_no_results.json"),
    )

    fetched = run(make_source(recorder, time), lambda s: s.bars("NVDA", JUNE))

    assert fetched.rows.empty
    assert len(recorder.requests) == 2
    assert time.delays == [7.0]


def test_a_retry_after_beyond_the_policy_means_the_quota_is_spent() -> None:
    recorder = Recorder(answer("error_429.json", 429, {"Retry-After": "3600"}))

    with pytest.raises(QuotaExhausted, match="retry after 3600"):
        fetch_bars(recorder)
    assert len(recorder.requests) == 1


def test_an_ip_ban_is_final() -> None:
    with pytest.raises(QuotaExhausted, match="418"):
        fetch_bars(Recorder(httpx.Response(418, text="banned")))


@pytest.mark.parametrize("name", ["aggs_malformed.json", "aggs_truncated.json"])
def test_unreadable_json_raises_malformed_payload_with_the_text(name: str) -> None:
    with pytest.raises(MalformedPayload) as caught:
        fetch_bars(Recorder(answer(name)))

    assert '"ticker": "NVDA"' in caught.value.payload
    assert "not valid JSON" in str(caught.value)


def test_a_json_answer_of_the_wrong_shape_is_malformed() -> None:
    with pytest.raises(MalformedPayload, match="'results' is not a list"):
        fetch_bars(Recorder(httpx.Response(200, json={"status": "OK", "results": {}})))


def test_timeouts_raise_source_unavailable_after_every_retry() -> None:
    time = FakeTime()

    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    recorder = Recorder(hang)
    with pytest.raises(SourceUnavailable, match="gave up after 5 attempts: timed out"):
        run(make_source(recorder, time), lambda s: s.bars("NVDA", JUNE))
    assert len(recorder.requests) == 5
    assert len(time.delays) == 4


def test_the_key_never_reaches_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text=f"upstream failed for {request.url}")

    caplog.set_level(logging.DEBUG)
    with pytest.raises(SourceUnavailable) as caught:
        fetch_bars(Recorder(echo))

    assert KEY not in str(caught.value)
    assert caplog.records
    assert all(KEY not in record.getMessage() for record in caplog.records)


def test_the_key_is_scrubbed_from_client_error_bodies() -> None:
    def forbid(request: httpx.Request) -> httpx.Response:
        body = {"status": "NOT_AUTHORIZED", "message": f"plan does not cover {request.url}"}
        return httpx.Response(403, json=body)

    with pytest.raises(SourceUnavailable) as caught:
        fetch_bars(Recorder(forbid))

    assert "403" in str(caught.value)
    assert KEY not in str(caught.value)


def test_the_key_is_not_in_returned_data_or_malformed_payloads() -> None:
    page = json.loads(fixture_text("aggs_bad_bars.json"))
    page["request_url"] = f"https://api.polygon.io/v2/aggs?apiKey={KEY}"
    fetched = fetch_bars(Recorder(httpx.Response(200, json=page)))
    assert KEY not in repr(fetched)

    broken = f'{{"next_url": "https://api.polygon.io/x?apiKey={KEY}", '
    with pytest.raises(MalformedPayload) as caught:
        fetch_bars(Recorder(httpx.Response(200, text=broken)))
    assert KEY not in caught.value.payload
    assert KEY not in str(caught.value)


def test_a_next_url_to_another_host_is_refused_without_sending_the_key() -> None:
    page = json.loads(fixture_text("aggs_nvda_page1.json"))
    page["next_url"] = "https://evil.example.com/v2/aggs/ticker/NVDA?cursor=abc"
    recorder = Recorder(httpx.Response(200, json=page))

    with pytest.raises(MalformedPayload, match=r"next_url leaves api\.polygon\.io"):
        fetch_bars(recorder)
    assert [r.url.host for r in recorder.requests] == ["api.polygon.io"]


def test_a_next_url_that_repeats_is_refused() -> None:
    page = json.loads(fixture_text("aggs_nvda_page1.json"))

    with pytest.raises(MalformedPayload, match="repeats"):
        fetch_bars(Recorder(httpx.Response(200, json=page)))


def test_the_free_tier_limit_paces_requests_at_five_a_minute() -> None:
    time = FakeTime()
    recorder = Recorder(answer("aggs_no_results.json"))

    async def six_calls(source: PolygonSource) -> None:
        for _ in range(6):
            await source.bars("NVDA", JUNE)

    run(make_source(recorder, time), six_calls)

    assert len(recorder.requests) == 6
    assert time.delays == [pytest.approx(12.0)]


def test_corporate_actions_page_through_splits_and_dividends() -> None:
    recorder = Recorder(
        answer("splits_nvda.json"),
        answer("dividends_nvda_page1.json"),
        answer("dividends_nvda_page2.json"),
    )
    window = Window(dt.date(2024, 3, 1), dt.date(2024, 6, 30))

    fetched = run(make_source(recorder), lambda s: s.corporate_actions("NVDA", window))

    rows = fetched.rows.set_index(["ex_date", "action"])
    split = rows.loc[(dt.date(2024, 6, 10), "split")]
    assert (split["split_from"], split["split_to"]) == (1.0, 10.0)
    march = rows.loc[(dt.date(2024, 3, 5), "dividend")]
    assert march["cash_amount"] == 0.04
    assert march["pay_date"] == dt.date(2024, 3, 27)
    assert march["record_date"] == dt.date(2024, 3, 6)
    assert march["declaration_date"] == dt.date(2024, 2, 21)
    assert march["currency"] == "USD"
    assert rows.loc[(dt.date(2024, 6, 11), "dividend"), "cash_amount"] == 0.01
    actions = table("market_data.corporate_actions")
    assert list(fetched.rows.columns) == list(actions.column_names)
    assert prepare_batch(actions, fetched.rows).num_rows == 3


def test_corporate_actions_filter_by_window_and_reappend_the_key() -> None:
    recorder = Recorder(
        answer("splits_none.json"),
        answer("dividends_nvda_page1.json"),
        answer("dividends_nvda_page2.json"),
    )
    window = Window(dt.date(2024, 3, 1), dt.date(2024, 6, 30))

    run(make_source(recorder), lambda s: s.corporate_actions("NVDA", window))

    splits, dividends, next_page = (dict(r.url.params) for r in recorder.requests)
    assert splits["execution_date.gte"] == "2024-03-01"
    assert splits["execution_date.lte"] == "2024-06-30"
    assert splits["ticker"] == "NVDA"
    assert dividends["ex_dividend_date.gte"] == "2024-03-01"
    assert dividends["ex_dividend_date.lte"] == "2024-06-30"
    assert set(next_page) == {"cursor", "apiKey"}
    assert next_page["apiKey"] == KEY


def test_a_split_without_dividends_gives_rows_the_batch_accepts() -> None:
    recorder = Recorder(answer("splits_nvda.json"), answer("splits_none.json"))

    fetched = run(make_source(recorder), lambda s: s.corporate_actions("NVDA", JUNE))

    assert fetched.rows["action"].tolist() == ["split"]
    assert fetched.rows["pay_date"].isna().all()
    prepare_batch(table("market_data.corporate_actions"), fetched.rows)


def test_dividends_going_ex_on_one_day_become_one_row() -> None:
    page = json.loads(fixture_text("dividends_nvda_page2.json"))
    special = {**page["results"][0], "cash_amount": 0.5, "dividend_type": "SC"}
    page["results"].append(special)
    recorder = Recorder(answer("splits_none.json"), httpx.Response(200, json=page))
    window = Window(dt.date(2024, 6, 1), dt.date(2024, 6, 30))

    fetched = run(make_source(recorder), lambda s: s.corporate_actions("NVDA", window))

    assert fetched.rows["cash_amount"].tolist() == [0.51]
    prepare_batch(table("market_data.corporate_actions"), fetched.rows)


def test_an_unreadable_dividend_is_set_aside() -> None:
    page = json.loads(fixture_text("dividends_nvda_page2.json"))
    page["results"].append({**page["results"][0], "ex_dividend_date": "June 11"})
    recorder = Recorder(answer("splits_none.json"), httpx.Response(200, json=page))

    fetched = run(make_source(recorder), lambda s: s.corporate_actions("NVDA", JUNE))

    assert len(fetched.rows) == 1
    assert [r.reason for r in fetched.unparsed] == [
        "'ex_dividend_date' is not a YYYY-MM-DD date: 'June 11'"
    ]


def test_crypto_has_no_corporate_actions_and_costs_no_request() -> None:
    recorder = Recorder(answer("splits_none.json"))

    fetched = run(make_source(recorder), lambda s: s.corporate_actions("BTC", JUNE))

    assert fetched.rows.empty
    assert recorder.requests == []


def test_from_settings_takes_the_polygon_key() -> None:
    settings = Settings(polygon={"api_key": KEY})  # type: ignore[arg-type]

    source = PolygonSource.from_settings(settings)

    assert source.config.api_key.get_secret_value() == KEY
    assert source.config.requests_per_minute == 5
    assert KEY not in repr(source.config)


def test_from_settings_without_a_key_says_which_variable_to_set() -> None:
    with pytest.raises(ValueError, match="TETRA_POLYGON__API_KEY"):
        PolygonConfig.from_settings(Settings(polygon={}))  # type: ignore[arg-type]


def test_an_unknown_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="interval"):
        run(
            make_source(Recorder(answer("aggs_no_results.json"))),
            lambda s: s.bars("NVDA", JUNE, "5d"),
        )


@pytest.mark.skipif(
    os.environ.get("TETRA_LIVE_TESTS") != "1" or not os.environ.get("TETRA_POLYGON__API_KEY"),
    reason="live calls are opt-in: TETRA_LIVE_TESTS=1 and TETRA_POLYGON__API_KEY",
)
def test_live_polygon_answers_in_the_recorded_shape() -> None:
    source = PolygonSource.from_settings(Settings())
    window = Window(dt.date(2024, 6, 3), dt.date(2024, 6, 14))

    fetched = asyncio.run(source.bars("NVDA", window))

    assert prepare_batch(table("market_data.ohlcv"), fetched.rows).num_rows == 10
