"""BinanceSource against recorded klines payloads replayed through httpx.MockTransport."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tetra.adapters.http import TokenBucket
from tetra.adapters.sources.binance import BinanceConfig, BinanceSource
from tetra.core.clock import FixedClock
from tetra.core.errors import MalformedPayload, QuotaExhausted, SourceUnavailable
from tetra.data.batches import prepare_batch
from tetra.data.migrations import table
from tetra.data.sources import BarSource, Fetched, Window
from tetra.data.universe import load_universe
from tetra.model.instruments import AssetClass
from tetra.testing.http import ReplayHandler

FIXTURES = Path(__file__).parents[2] / "fixtures" / "vendors" / "binance"
DAY_MS = 86_400_000
JAN_1_MS = 1_704_067_200_000  # 2024-01-01T00:00Z
NOW = dt.datetime(2024, 1, 6, 12, 0, tzinfo=dt.UTC)
FIRST_FIVE_DAYS = Window(dt.date(2024, 1, 1), dt.date(2024, 1, 5))

Handler = Callable[[httpx.Request], httpx.Response]


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def answer(name: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=fixture_text(name).encode(), headers=headers)


Recorder = ReplayHandler  # replays recorded answers; keeps requests


class RecordingBucket(TokenBucket):
    """A generous token bucket that remembers the cost of every acquisition."""

    def __init__(self) -> None:
        super().__init__(rate=100.0, capacity=6_000)
        self.costs: list[float] = []

    async def acquire(self, cost: float = 1.0) -> float:
        self.costs.append(cost)
        return await super().acquire(cost)


class Sleeps:
    """A fake `sleep` that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def make_source(
    recorder: Recorder, sleeps: Sleeps | None = None, limiter: TokenBucket | None = None
) -> BinanceSource:
    return BinanceSource(
        BinanceConfig(base_url="https://api.binance.test"),
        clock=FixedClock(NOW),
        limiter=limiter,
        transport=httpx.MockTransport(recorder),
        sleep=sleeps or Sleeps(),
    )


def fetch(source: BinanceSource, symbol: str, window: Window, interval: str = "1d") -> Fetched:
    async def run() -> Fetched:
        async with source:
            return await source.bars(symbol, window, interval)

    return asyncio.run(run())


def template_kline(open_ms: int) -> list[object]:
    """One closed daily kline opening at `open_ms`, values as Binance writes them."""
    row: list[object] = json.loads(fixture_text("klines_btcusdt_1d.json"))[0]
    return [open_ms, *row[1:6], open_ms + DAY_MS - 1, *row[7:]]


def kline_server(request: httpx.Request) -> httpx.Response:
    """Answer like Binance: daily klines from startTime to endTime, at most `limit`."""
    params = request.url.params
    start, end, limit = int(params["startTime"]), int(params["endTime"]), int(params["limit"])
    first = -(-start // DAY_MS) * DAY_MS  # the first midnight at or after startTime
    opens = range(first, end + 1, DAY_MS)[:limit]
    return httpx.Response(200, json=[template_kline(t) for t in opens])


def test_binance_source_is_a_bar_source() -> None:
    assert isinstance(BinanceSource(), BarSource)
    assert BinanceSource.name == "binance"


def test_daily_klines_become_ohlcv_rows_at_utc_midnight() -> None:
    recorder = Recorder(answer("klines_btcusdt_1d.json"))

    fetched = fetch(make_source(recorder), "BTC", FIRST_FIVE_DAYS)

    rows = fetched.rows
    assert fetched.dataset == "market_data.ohlcv"
    assert fetched.unparsed == ()
    assert len(rows) == 5
    assert list(rows["ts"]) == [dt.datetime(2024, 1, day, tzinfo=dt.UTC) for day in range(1, 6)]
    first = rows.iloc[0]
    assert (first["symbol"], first["interval"], first["source"]) == ("BTC", "1d", "binance")
    assert (first["open"], first["high"], first["low"], first["close"]) == (
        42283.58,
        44184.10,
        42180.77,
        44179.55,
    )
    assert first["volume"] == pytest.approx(27174.29903)
    assert first["vwap"] == pytest.approx(1174787474.84488201 / 27174.29903)
    assert first["trades"] == 1002963


def test_request_names_the_usdt_pair_and_the_window_in_milliseconds() -> None:
    recorder = Recorder(answer("klines_btcusdt_1d.json"))

    fetch(make_source(recorder), "btc", FIRST_FIVE_DAYS)

    request = recorder.requests[0]
    assert request.url.path == "/api/v3/klines"
    assert dict(request.url.params) == {
        "symbol": "BTCUSDT",
        "interval": "1d",
        "startTime": str(JAN_1_MS),
        "endTime": str(JAN_1_MS + 5 * DAY_MS - 1),
        "limit": "1000",
    }


def test_rows_pass_the_ohlcv_batch_validation() -> None:
    fetched = fetch(make_source(Recorder(answer("klines_btcusdt_1d.json"))), "BTC", FIRST_FIVE_DAYS)

    batch = prepare_batch(table("market_data.ohlcv"), fetched.rows)

    assert batch.num_rows == 5


def test_full_page_advances_start_time_past_the_last_open_time() -> None:
    recorder = Recorder(kline_server)
    window = Window(dt.date(2019, 1, 1), dt.date(2023, 12, 31))  # 1,826 days

    fetched = fetch(make_source(recorder), "BTC", window)

    assert len(recorder.requests) == 2
    first_page_last_open = int(recorder.param(0, "startTime")) + 999 * DAY_MS
    assert int(recorder.param(1, "startTime")) == first_page_last_open + 1
    assert len(fetched.rows) == window.days
    assert fetched.rows["ts"].is_unique
    assert fetched.rows["ts"].is_monotonic_increasing
    prepare_batch(table("market_data.ohlcv"), fetched.rows)


def test_kline_repeated_at_a_page_boundary_is_kept_once() -> None:
    start_ms = JAN_1_MS - 1500 * DAY_MS
    page = [template_kline(start_ms + i * DAY_MS) for i in range(1000)]
    repeat = [page[-1], template_kline(start_ms + 1000 * DAY_MS)]
    recorder = Recorder(httpx.Response(200, json=page), httpx.Response(200, json=repeat))
    window = Window(dt.date(2019, 11, 23), dt.date(2023, 12, 31))

    fetched = fetch(make_source(recorder), "BTC", window)

    assert len(fetched.rows) == 1001
    assert fetched.rows["ts"].is_unique


def test_short_page_ends_the_pagination() -> None:
    recorder = Recorder(answer("klines_btcusdt_1d.json"))

    fetch(make_source(recorder), "BTC", Window(dt.date(2024, 1, 1), dt.date(2024, 3, 1)))

    assert len(recorder.requests) == 1


def test_empty_array_gives_no_rows() -> None:
    fetched = fetch(make_source(Recorder(answer("klines_empty.json"))), "BTC", FIRST_FIVE_DAYS)

    assert fetched.rows.empty
    assert list(fetched.rows.columns) == list(table("market_data.ohlcv").column_names)
    assert prepare_batch(table("market_data.ohlcv"), fetched.rows).num_rows == 0


def test_open_kline_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    recorder = Recorder(answer("klines_btcusdt_1d_last_open.json"))
    caplog.set_level(logging.INFO)

    fetched = fetch(make_source(recorder), "BTC", Window(dt.date(2024, 1, 4), dt.date(2024, 1, 6)))

    assert [ts.day for ts in fetched.rows["ts"]] == [4, 5]
    assert fetched.unparsed == ()
    assert "dropped 1 open kline" in caplog.text


def test_kline_with_a_non_numeric_price_goes_to_unparsed_and_the_rest_are_kept() -> None:
    recorder = Recorder(answer("klines_btcusdt_1d_bad_price.json"))

    fetched = fetch(make_source(recorder), "BTC", FIRST_FIVE_DAYS)

    assert [ts.day for ts in fetched.rows["ts"]] == [1, 3]
    (record,) = fetched.unparsed
    assert "open is not a number" in record.reason
    assert record.key == f"BTC/1d/{JAN_1_MS + DAY_MS}"
    assert isinstance(record.payload, list)
    assert record.payload[1] == "n/a"


def test_429_is_retried_after_its_retry_after() -> None:
    throttled = answer("error_429_too_much_weight.json", 429, {"Retry-After": "7"})
    recorder = Recorder(throttled, answer("klines_btcusdt_1d.json"))
    sleeps = Sleeps()

    fetched = fetch(make_source(recorder, sleeps), "BTC", FIRST_FIVE_DAYS)

    assert len(fetched.rows) == 5
    assert len(recorder.requests) == 2
    assert sleeps.delays == [7.0]


def test_418_ip_ban_raises_quota_exhausted_without_retrying() -> None:
    recorder = Recorder(answer("error_418_ip_banned.json", 418, {"Retry-After": "600"}))

    with pytest.raises(QuotaExhausted, match="418"):
        fetch(make_source(recorder), "BTC", FIRST_FIVE_DAYS)
    assert len(recorder.requests) == 1


def test_invalid_symbol_raises_source_unavailable_with_the_message() -> None:
    recorder = Recorder(answer("error_invalid_symbol.json", 400))

    with pytest.raises(SourceUnavailable, match=r"Invalid symbol\.") as caught:
        fetch(make_source(recorder), "XYZ", FIRST_FIVE_DAYS)
    assert "-1121" in str(caught.value)
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("name", ["klines_malformed.html", "klines_truncated.json"])
def test_unreadable_body_raises_malformed_payload(name: str) -> None:
    with pytest.raises(MalformedPayload) as caught:
        fetch(make_source(Recorder(answer(name))), "BTC", FIRST_FIVE_DAYS)
    assert caught.value.payload == fixture_text(name)


def test_json_object_instead_of_an_array_raises_malformed_payload() -> None:
    recorder = Recorder(answer("error_invalid_symbol.json", 200))

    with pytest.raises(MalformedPayload, match="array of klines"):
        fetch(make_source(recorder), "BTC", FIRST_FIVE_DAYS)


def test_timeouts_raise_source_unavailable_after_the_retries() -> None:
    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    recorder = Recorder(time_out)
    sleeps = Sleeps()

    with pytest.raises(SourceUnavailable, match="timed out"):
        fetch(make_source(recorder, sleeps), "BTC", FIRST_FIVE_DAYS)
    assert len(recorder.requests) == 5
    assert len(sleeps.delays) == 4


def test_every_request_takes_two_weight_from_the_bucket() -> None:
    bucket = RecordingBucket()
    recorder = Recorder(kline_server)

    fetch(
        make_source(recorder, limiter=bucket),
        "ETH",
        Window(dt.date(2020, 1, 1), dt.date(2023, 1, 1)),
    )

    assert len(recorder.requests) == 2
    assert bucket.costs == [2, 2]


def test_default_bucket_holds_6000_weight_refilled_per_minute() -> None:
    source = BinanceSource()

    assert source.limiter.capacity == 6_000
    assert source.limiter.rate == pytest.approx(100.0)


def test_used_weight_above_80_percent_pauses_until_the_next_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    heavy = answer("klines_btcusdt_1d.json", headers={"X-MBX-USED-WEIGHT-1M": "5000"})
    sleeps = Sleeps()
    source = BinanceSource(
        clock=FixedClock(dt.datetime(2024, 1, 6, 12, 0, 45, 500_000, tzinfo=dt.UTC)),
        transport=httpx.MockTransport(Recorder(heavy)),
        sleep=sleeps,
    )

    fetch(source, "BTC", FIRST_FIVE_DAYS)

    assert sleeps.delays == [pytest.approx(14.5)]
    assert "5000 of 6000 request weight used" in caplog.text


def test_used_weight_below_80_percent_does_not_pause() -> None:
    light = answer("klines_btcusdt_1d.json", headers={"X-MBX-USED-WEIGHT-1M": "4800"})
    sleeps = Sleeps()

    fetch(make_source(Recorder(light), sleeps), "BTC", FIRST_FIVE_DAYS)

    assert sleeps.delays == []


@pytest.mark.parametrize(
    ("symbol", "reason"), [("HYPE", "not traded on Binance spot"), ("USDT", "stablecoin")]
)
def test_symbols_without_a_usdt_pair_are_refused_before_any_request(
    symbol: str, reason: str
) -> None:
    recorder = Recorder(answer("klines_empty.json"))

    with pytest.raises(SourceUnavailable, match=reason):
        fetch(make_source(recorder), symbol, FIRST_FIVE_DAYS)
    assert recorder.requests == []


def test_universe_coins_map_to_usdt_pairs_and_hold_no_stablecoin() -> None:
    crypto = load_universe().by_asset_class(AssetClass.CRYPTO).symbols
    config = BinanceConfig()

    pairs = {s: config.pair(s) for s in crypto if s not in config.not_listed}

    assert len(crypto) == 10
    assert pairs["BTC"] == "BTCUSDT"
    assert all(pair == f"{symbol}USDT" for symbol, pair in pairs.items())
    assert set(pairs) == set(crypto) - {"HYPE"}


def test_unknown_interval_is_rejected() -> None:
    with pytest.raises(ValueError, match="interval"):
        fetch(make_source(Recorder(answer("klines_empty.json"))), "BTC", FIRST_FIVE_DAYS, "1y")


@pytest.mark.skipif(os.environ.get("TETRA_LIVE_TESTS") != "1", reason="live calls are opt-in")
def test_live_btc_daily_klines() -> None:
    async def run() -> Fetched:
        async with BinanceSource() as source:
            return await source.bars("BTC", Window(dt.date(2024, 1, 1), dt.date(2024, 1, 10)))

    fetched = asyncio.run(run())

    assert len(fetched.rows) == 10
    prepare_batch(table("market_data.ohlcv"), fetched.rows)
