"""EconomicCalendarSource against recorded FRED release dates and the shipped FOMC calendar."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pandas as pd
import pytest
from pydantic import SecretStr

from tetra.adapters.http import RetryPolicy
from tetra.adapters.sources.calendar import EconomicCalendarSource, load_fomc_calendar
from tetra.adapters.sources.fred import FredConfig
from tetra.core.errors import MalformedPayload, SourceUnavailable
from tetra.data.batches import prepare_batch
from tetra.data.migrations import table
from tetra.data.sources import EventSource, Fetched, Window

FIXTURES = Path(__file__).parents[2] / "fixtures" / "vendors" / "fred"
KEY = "fedcba9876543210fedcba9876543210"
WINDOW = Window(dt.date(2024, 1, 1), dt.date(2024, 7, 31))
RELEASE_FIXTURES = {
    "10": "release_dates_10_cpi.json",
    "50": "release_dates_50_employment.json",
    "53": "release_dates_53_gdp.json",
}
Handler = Callable[[httpx.Request], httpx.Response]


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC))


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def release_dates(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=fixture(RELEASE_FIXTURES[request.url.params["release_id"]]))


class RecordedSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def make_source(
    handler: Handler = release_dates,
    *,
    key: str | None = KEY,
    sleep: RecordedSleep | None = None,
    attempts: int = 5,
) -> EconomicCalendarSource:
    return EconomicCalendarSource(
        FredConfig(api_key=SecretStr(key) if key else None),
        transport=httpx.MockTransport(handler),
        sleep=sleep or RecordedSleep(),
        policy=RetryPolicy(attempts=attempts),
    )


def fetch(source: EconomicCalendarSource, window: Window = WINDOW) -> list[Fetched]:
    async def run() -> list[Fetched]:
        async with source:
            return await source.events(["SPY"], window)

    return asyncio.run(run())


def events_at(fetched: Fetched, event: str) -> list[pd.Timestamp]:
    return list(fetched.rows.loc[fetched.rows["event"] == event, "ts"])


def test_calendar_is_an_event_source() -> None:
    assert isinstance(make_source(), EventSource)


def test_release_days_become_utc_instants_across_daylight_saving() -> None:
    releases, _ = fetch(make_source())

    cpi = events_at(releases, "CPI")
    assert cpi[0] == utc(2024, 1, 11, 13, 30)  # 08:30 EST
    assert cpi[-1] == utc(2024, 7, 11, 12, 30)  # 08:30 EDT
    assert cpi[2] == utc(2024, 3, 12, 12, 30)  # two days after the March switch
    assert events_at(releases, "Nonfarm payrolls")[0] == utc(2024, 1, 5, 13, 30)
    assert events_at(releases, "GDP")[-1] == utc(2024, 7, 25, 12, 30)


def test_release_rows_carry_country_importance_and_unknown_values() -> None:
    releases, _ = fetch(make_source())

    rows = releases.rows
    importance = dict(zip(rows["event"], rows["importance"], strict=True))
    assert importance == {"CPI": "high", "Nonfarm payrolls": "high", "GDP": "medium"}
    assert len(rows) == 21
    assert set(rows["country"]) == {"US"}
    assert set(rows["source"]) == {"fred"}
    assert rows[["actual", "forecast", "previous", "unit"]].isna().all().all()


def test_release_dates_are_requested_per_release_for_the_window() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return release_dates(request)

    fetch(make_source(handler))

    assert [r.url.params["release_id"] for r in seen] == ["10", "50", "53"]
    assert seen[0].url.path == "/fred/release/dates"
    assert dict(seen[0].url.params) == {
        "release_id": "10",
        "api_key": KEY,
        "file_type": "json",
        "realtime_start": "2024-01-01",
        "realtime_end": "2024-07-31",
        "include_release_dates_with_no_data": "true",
        "sort_order": "asc",
        "limit": "10000",
        "offset": "0",
    }


def test_fomc_decisions_in_the_window_at_two_pm_new_york() -> None:
    _, fomc = fetch(make_source())

    assert events_at(fomc, "FOMC rate decision") == [
        utc(2024, 1, 31, 19),  # EST
        utc(2024, 3, 20, 18),  # EDT
        utc(2024, 5, 1, 18),
        utc(2024, 6, 12, 18),
        utc(2024, 7, 31, 18),
    ]
    assert set(fomc.rows["importance"]) == {"high"}
    assert set(fomc.rows["source"]) == {"federalreserve"}


def test_unscheduled_2020_cuts_keep_their_announcement_times() -> None:
    _, fomc = fetch(make_source(), Window(dt.date(2020, 3, 1), dt.date(2020, 4, 30)))

    assert list(fomc.rows["ts"]) == [
        utc(2020, 3, 3, 15),  # 10:00 EST
        utc(2020, 3, 15, 21),  # 17:00 EDT, a Sunday
        utc(2020, 4, 29, 18),
    ]


def test_fomc_calendar_holds_eight_meetings_a_year() -> None:
    calendar = load_fomc_calendar()

    per_year = Counter(d.day.year for d in calendar.decisions)
    assert (calendar.first_year, calendar.last_year) == (2016, 2026)
    # 2020: seven scheduled meetings (March's was replaced) and two unscheduled cuts.
    assert per_year == {year: 9 if year == 2020 else 8 for year in range(2016, 2027)}
    weekdays = Counter(d.day.strftime("%a") for d in calendar.decisions)
    assert weekdays == {"Wed": 84, "Thu": 3, "Tue": 1, "Sun": 1}


def test_all_rows_pass_prepare_batch() -> None:
    fetched = fetch(make_source())

    for result in fetched:
        assert result.dataset == "events.economic_events"
        batch = prepare_batch(table("events.economic_events"), result.rows)
        assert batch.num_rows == len(result.rows) > 0


def test_without_key_only_fomc_events_and_no_request() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"unexpected request to {request.url.path}")

    (fomc,) = fetch(make_source(handler, key=None))

    assert set(fomc.rows["event"]) == {"FOMC rate decision"}


def test_release_date_pages_are_followed_by_offset() -> None:
    whole = json.loads(fixture("release_dates_10_cpi.json"))
    offsets: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["release_id"] != "10":
            return release_dates(request)
        offset = int(request.url.params["offset"])
        offsets.append(str(offset))
        items = whole["release_dates"][offset : offset + 4]
        return httpx.Response(200, json={**whole, "offset": offset, "release_dates": items})

    releases, _ = fetch(make_source(handler))

    assert offsets == ["0", "4"]
    assert len(events_at(releases, "CPI")) == 7


def test_an_unreadable_release_date_goes_to_unparsed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(release_dates(request).content)
        body["release_dates"][1]["date"] = "2024-02-30"
        return httpx.Response(200, json=body)

    releases, _ = fetch(make_source(handler))

    assert len(releases.rows) == 18
    assert len(releases.unparsed) == 3
    assert releases.unparsed[0].key == "10/2024-02-30"


def test_429_then_success_honours_retry_after() -> None:
    answers = [
        httpx.Response(429, content=fixture("rate_limited.json"), headers={"Retry-After": "2"})
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop() if answers else release_dates(request)

    sleep = RecordedSleep()
    releases, _ = fetch(make_source(handler, sleep=sleep))

    assert len(releases.rows) == 21
    assert sleep.delays == [2.0]


def test_429_every_time_raises_source_unavailable() -> None:
    def handler(_: httpx.Request) -> httpx.Response:
        return httpx.Response(429, content=fixture("rate_limited.json"))

    with pytest.raises(SourceUnavailable, match="HTTP 429"):
        fetch(make_source(handler, attempts=2))


@pytest.mark.parametrize("name", ["malformed.html", "observations_truncated.json"])
def test_unreadable_body_raises_malformed_payload(name: str) -> None:
    with pytest.raises(MalformedPayload):
        fetch(make_source(lambda _: httpx.Response(200, content=fixture(name))))


def test_timeout_raises_source_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    with pytest.raises(SourceUnavailable, match="timed out"):
        fetch(make_source(handler, attempts=2))


def test_key_never_appears_in_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    echo = json.dumps({"error_code": 400, "error_message": f"api_key {KEY} is not registered"})

    with pytest.raises(SourceUnavailable) as caught:
        fetch(make_source(lambda _: httpx.Response(400, content=echo.encode())))

    assert KEY not in str(caught.value)
    assert "HTTP Request" in caplog.text
    assert KEY not in caplog.text


def test_window_beyond_the_fomc_calendar_logs_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)

    (fomc,) = fetch(make_source(key=None), Window(dt.date(2026, 12, 1), dt.date(2027, 1, 31)))

    assert events_at(fomc, "FOMC rate decision") == [utc(2026, 12, 9, 19)]
    assert "covers 2016-2026 only" in caplog.text
