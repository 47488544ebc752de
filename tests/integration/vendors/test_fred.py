"""FredSource against recorded FRED payloads (httpx.MockTransport; no network)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from tetra.adapters.http import RetryPolicy
from tetra.adapters.sources.fred import KEY_SERIES, FredConfig, FredSource
from tetra.core.clock import FixedClock
from tetra.core.errors import MalformedPayload, SourceUnavailable
from tetra.data.batches import prepare_batch
from tetra.data.migrations import table
from tetra.data.sources import EconomicSource, Fetched, Window

FIXTURES = Path(__file__).parents[2] / "fixtures" / "vendors" / "fred"
KEY = "0123456789abcdef0123456789abcdef"
NOW = dt.datetime(2024, 10, 1, 15, 0, tzinfo=dt.UTC)
GDP_WINDOW = Window(dt.date(2023, 4, 1), dt.date(2023, 9, 30))
Handler = Callable[[httpx.Request], httpx.Response]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def reply(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=fixture(name), headers=headers)


class RecordedSleep:
    """A fake `sleep` that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def make_source(
    handler: Handler,
    *,
    key: str | None = KEY,
    sleep: RecordedSleep | None = None,
    attempts: int = 5,
    page_limit: int = 100_000,
) -> FredSource:
    config = FredConfig(api_key=SecretStr(key) if key else None, page_limit=page_limit)
    return FredSource(
        config,
        transport=httpx.MockTransport(handler),
        sleep=sleep or RecordedSleep(),
        clock=FixedClock(NOW),
        policy=RetryPolicy(attempts=attempts),
    )


def observe(source: FredSource, series_id: str, window: Window) -> Fetched:
    async def run() -> Fetched:
        async with source:
            return await source.observations(series_id, window)

    return asyncio.run(run())


def serve(name: str, seen: list[httpx.Request] | None = None) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return reply(name)

    return handler


def test_fred_source_is_an_economic_source() -> None:
    assert isinstance(make_source(serve("observations_empty.json")), EconomicSource)


def test_observations_keep_every_vintage_of_a_date() -> None:
    fetched = observe(make_source(serve("observations_gdp_vintages.json")), "GDP", GDP_WINDOW)

    rows = fetched.rows
    q2 = rows[rows["date"] == dt.date(2023, 4, 1)]
    assert fetched.dataset == "economic_data.indicators"
    assert len(rows) == 8
    assert fetched.unparsed == ()
    assert list(q2["realtime_start"]) == [
        dt.date(2023, 7, 27),
        dt.date(2023, 8, 30),
        dt.date(2023, 9, 28),
        dt.date(2024, 9, 26),
    ]
    assert list(q2["value"]) == [26834.953, 26798.605, 27063.012, 27453.815]
    assert q2["realtime_end"].iloc[-1] == dt.date(9999, 12, 31)
    assert set(rows["series_id"]) == {"GDP"}
    assert set(rows["source"]) == {"fred"}


def test_vintage_rows_pass_prepare_batch() -> None:
    fetched = observe(make_source(serve("observations_gdp_vintages.json")), "GDP", GDP_WINDOW)

    batch = prepare_batch(table("economic_data.indicators"), fetched.rows)

    assert batch.num_rows == 8
    assert batch.column("realtime_end").to_pylist()[-1] == dt.date(9999, 12, 31)


def test_request_asks_for_every_vintage_since_the_window_start() -> None:
    seen: list[httpx.Request] = []

    observe(make_source(serve("observations_gdp_vintages.json", seen)), "GDP", GDP_WINDOW)

    (request,) = seen
    assert request.url.path == "/fred/series/observations"
    assert dict(request.url.params) == {
        "series_id": "GDP",
        "api_key": KEY,
        "file_type": "json",
        "observation_start": "2023-04-01",
        "observation_end": "2023-09-30",
        "realtime_start": "2023-04-01",
        "realtime_end": "9999-12-31",
        "sort_order": "asc",
        "limit": "100000",
        "offset": "0",
    }


def test_dot_value_becomes_null_not_a_parse_error() -> None:
    window = Window(dt.date(2024, 1, 12), dt.date(2024, 1, 17))

    fetched = observe(make_source(serve("observations_dgs10_missing.json")), "DGS10", window)
    batch = prepare_batch(table("economic_data.indicators"), fetched.rows)

    assert fetched.unparsed == ()
    assert batch.column("value").to_pylist() == [3.96, None, 4.07, 4.10]


def test_non_numeric_value_goes_to_unparsed_and_the_good_rows_stay() -> None:
    window = Window(dt.date(2024, 1, 1), dt.date(2024, 3, 31))

    fetched = observe(make_source(serve("observations_bad_record.json")), "UNRATE", window)

    assert list(fetched.rows["value"]) == [3.7, 3.8]
    (record,) = fetched.unparsed
    assert record.key == "UNRATE/2024-02-01/2024-03-08"
    assert "n/a" in record.reason
    assert isinstance(record.payload, dict)
    assert record.payload["value"] == "n/a"


def test_pagination_advances_offset_until_count() -> None:
    offsets: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        offsets.append(request.url.params["offset"])
        assert request.url.params["limit"] == "3"
        page = {"0": "observations_page1.json", "3": "observations_page2.json"}
        return reply(page[request.url.params["offset"]])

    window = Window(dt.date(2024, 1, 1), dt.date(2024, 5, 31))
    fetched = observe(make_source(handler, page_limit=3), "UNRATE", window)

    assert offsets == ["0", "3"]
    assert [d.month for d in fetched.rows["date"]] == [1, 2, 3, 4, 5]


def test_empty_observations_give_an_empty_frame_that_passes_prepare_batch() -> None:
    window = Window(dt.date(2024, 1, 1), dt.date(2024, 1, 31))

    fetched = observe(make_source(serve("observations_empty.json")), "GDP", window)

    assert fetched.rows.empty
    assert fetched.unparsed == ()
    assert prepare_batch(table("economic_data.indicators"), fetched.rows).num_rows == 0


def test_429_then_success_honours_retry_after() -> None:
    answers = iter(
        [
            reply("rate_limited.json", 429, {"Retry-After": "3"}),
            reply("observations_gdp_vintages.json"),
        ]
    )
    sleep = RecordedSleep()

    fetched = observe(make_source(lambda _: next(answers), sleep=sleep), "GDP", GDP_WINDOW)

    assert len(fetched.rows) == 8
    assert sleep.delays == [3.0]


def test_429_every_time_raises_source_unavailable() -> None:
    sleep = RecordedSleep()
    source = make_source(
        lambda _: reply("rate_limited.json", 429, {"Retry-After": "1"}), sleep=sleep, attempts=3
    )

    with pytest.raises(SourceUnavailable, match="HTTP 429"):
        observe(source, "GDP", GDP_WINDOW)
    assert len(sleep.delays) == 2


@pytest.mark.parametrize("name", ["malformed.html", "observations_truncated.json"])
def test_unreadable_body_raises_malformed_payload(name: str) -> None:
    with pytest.raises(MalformedPayload) as caught:
        observe(make_source(serve(name)), "GDP", GDP_WINDOW)
    assert caught.value.payload.strip()
    assert caught.value.payload in fixture(name).decode()


def test_json_without_observations_raises_malformed_payload() -> None:
    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"count": 1, "seriess": []})

    with pytest.raises(MalformedPayload, match="observations"):
        observe(make_source(handler), "GDP", GDP_WINDOW)


def test_timeout_raises_source_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    with pytest.raises(SourceUnavailable, match="timed out"):
        observe(make_source(handler, attempts=2), "GDP", GDP_WINDOW)


def test_key_never_appears_in_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    echo = {"error_code": 400, "error_message": f"Bad Request. api_key={KEY} is not registered."}
    answers = iter(
        [
            reply("rate_limited.json", 429, {"Retry-After": "1"}),
            httpx.Response(400, content=json.dumps(echo).encode()),
        ]
    )

    with pytest.raises(SourceUnavailable) as caught:
        observe(make_source(lambda _: next(answers)), "GDP", GDP_WINDOW)

    assert KEY not in str(caught.value)
    assert caplog.records, "the retry and httpx's request lines should have been logged"
    assert KEY not in caplog.text
    assert "api_key=***" in caplog.text


def test_without_key_falls_back_to_csv_with_the_fetch_day_as_vintage() -> None:
    seen: list[httpx.Request] = []
    window = Window(dt.date(2023, 12, 1), dt.date(2024, 3, 31))

    fetched = observe(
        make_source(serve("fredgraph_CPIAUCSL.csv", seen), key=None), "CPIAUCSL", window
    )
    batch = prepare_batch(table("economic_data.indicators"), fetched.rows)

    (request,) = seen
    assert request.url.host == "fred.stlouisfed.org"
    assert request.url.path == "/graph/fredgraph.csv"
    assert request.url.params["id"] == "CPIAUCSL"
    assert "api_key" not in request.url.params
    assert batch.column("date").to_pylist() == [
        dt.date(2023, 12, 1),
        dt.date(2024, 1, 1),
        dt.date(2024, 2, 1),
        dt.date(2024, 3, 1),
    ]
    assert batch.column("value").to_pylist() == [308.742, 309.685, None, 312.23]
    assert set(batch.column("realtime_start").to_pylist()) == {NOW.date()}


def test_csv_fallback_rejects_a_body_that_is_not_the_series_csv() -> None:
    window = Window(dt.date(2024, 1, 1), dt.date(2024, 3, 31))

    with pytest.raises(MalformedPayload, match="header"):
        observe(make_source(serve("malformed.html"), key=None), "CPIAUCSL", window)


def test_series_info_gives_a_releases_row() -> None:
    async def run(source: FredSource) -> Fetched:
        async with source:
            return await source.series_info("GDP")

    fetched = asyncio.run(run(make_source(serve("series_gdp.json"))))
    batch = prepare_batch(table("economic_data.releases"), fetched.rows)

    (row,) = batch.to_pylist()
    assert fetched.dataset == "economic_data.releases"
    assert row["released"] == dt.date(2024, 3, 28)
    assert row["title"] == "Gross Domestic Product"
    assert row["seasonal_adjustment"] == "Seasonally Adjusted Annual Rate"
    assert row["source"] == "fred"


def test_key_series_cover_the_headline_indicators() -> None:
    expected = {"GDP", "CPIAUCSL", "CPILFESL", "PCEPI", "UNRATE", "PAYEMS", "ICSA", "FEDFUNDS"}
    expected |= {"DGS2", "DGS10", "T10Y2Y", "INDPRO", "RSAFS", "HOUST", "UMCSENT", "M2SL"}

    assert set(KEY_SERIES) == expected
