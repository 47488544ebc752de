"""The market routes over the sample, on DuckDB and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tetra import indicators as ta
from tetra.data.ports import Query, Store

BARS = "/api/market/bars"


def history(store: Store) -> pd.DataFrame:
    return store.read(Query("market_data.ohlcv", where={"symbol": "HIST"}))


def column(payload: dict[str, Any], name: str) -> np.ndarray:
    values = [bar["indicators"][name] for bar in payload["bars"]]
    return np.array([np.nan if v is None else v for v in values])


def test_bars_with_indicators_equal_tetra_indicators_warmed_up_before_start(
    client: Any, store: Store
) -> None:
    bars = history(store)
    start = bars["ts"].iloc[100]
    end = bars["ts"].iloc[149]
    warmup = 35  # macd 12,26,9 needs slow + signal bars, the longest here
    window = bars.iloc[100 - warmup : 150]["close"].to_numpy()
    expected_macd = ta.macd(window, 12, 26, 9)

    payload = client.json(
        f"{BARS}/HIST?start={start.date()}&end={end.date()}"
        "&indicator=sma:20&indicator=ema:10&indicator=rsi:14&indicator=bollinger:20"
        "&indicator=macd"
    )

    assert [b["ts"][:10] for b in payload["bars"]] == [
        str(t.date()) for t in bars["ts"].iloc[100:150]
    ]
    assert payload["indicators"] == [
        "sma_20",
        "ema_10",
        "rsi_14",
        "bollinger_20_upper",
        "bollinger_20_middle",
        "bollinger_20_lower",
        "macd_12_26_9",
        "macd_12_26_9_signal",
        "macd_12_26_9_histogram",
    ]
    cut = slice(warmup, None)
    np.testing.assert_array_equal(column(payload, "sma_20"), ta.sma(window, 20)[cut])
    np.testing.assert_array_equal(column(payload, "ema_10"), ta.ema(window, 10)[cut])
    np.testing.assert_array_equal(column(payload, "rsi_14"), ta.rsi(window, 14)[cut])
    upper = ta.bollinger_bands(window, 20).upper
    np.testing.assert_array_equal(column(payload, "bollinger_20_upper"), upper[cut])
    np.testing.assert_array_equal(column(payload, "macd_12_26_9"), expected_macd.macd[cut])
    signal = column(payload, "macd_12_26_9_signal")
    np.testing.assert_array_equal(signal, expected_macd.signal[cut])
    assert not np.isnan(signal).any(), "every indicator is warmed up at start"


def test_bars_without_start_warm_up_from_the_first_bar(client: Any, store: Store) -> None:
    close = history(store)["close"].to_numpy()

    payload = client.json(f"{BARS}/HIST?indicator=sma:5")

    assert len(payload["bars"]) == len(close)
    np.testing.assert_array_equal(column(payload, "sma_5"), ta.sma(close, 5))
    assert payload["bars"][0]["indicators"]["sma_5"] is None


def test_bars_carry_splits_dividends_and_earnings_of_the_range(client: Any) -> None:
    payload = client.json(f"{BARS}/HIST?start=2023-05-01&end=2023-09-30")

    actions = [(a["ex_date"], a["action"]) for a in payload["corporate_actions"]]
    assert actions == [("2023-06-01", "split"), ("2023-09-14", "dividend")]
    assert payload["corporate_actions"][0]["split_to"] == 4.0
    assert [e["report_date"] for e in payload["earnings"]] == ["2023-08-01"]
    assert payload["source"] == "test"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (f"{BARS}/NOPE", "unknown symbol 'NOPE': no bars stored"),
        (f"{BARS}/HIST?start=2030-01-01", "no 1d bars of 'HIST' in the range asked for"),
        (f"{BARS}/HIST?interval=1h", "no 1h bars of 'HIST' in the range asked for"),
        ("/api/market/macro/NOPE", "unknown series 'NOPE'"),
    ],
)
def test_unknown_symbol_series_or_empty_range_is_a_404_in_the_error_model(
    client: Any, path: str, message: str
) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": message, "details": None}}


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        (f"{BARS}/HIST?indicator=foo:3", "indicator"),
        (f"{BARS}/HIST?indicator=sma:1", "indicator"),
        (f"{BARS}/HIST?indicator=macd:26,12,9", "indicator"),
        (f"{BARS}/HIST?interval=daily", "interval"),
        (f"{BARS}/HIST?start=2024-02-01&end=2024-01-01", "end"),
        ("/api/market/news?limit=1001", "limit"),
        ("/api/market/events?offset=-1", "offset"),
        ("/api/market/macro/CPIAUCSL?as_of=yesterday", "as_of"),
    ],
)
def test_invalid_parameters_are_a_422_naming_the_parameter(
    client: Any, path: str, parameter: str
) -> None:
    response = client.get(path)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"] == "the request is not valid"
    assert [d["loc"] for d in error["details"]] == [["query", parameter]]


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        (f"{BARS}/HIST?end=9999-12-31", "end"),
        (f"{BARS}/HIST?start=0001-01-01", "start"),
        ("/api/market/macro/CPIAUCSL?end=9999-12-31", "end"),
        ("/api/market/macro/CPIAUCSL?as_of=9999-12-31", "as_of"),
        ("/api/market/news?end=9999-12-31", "end"),
        ("/api/market/events?start=9999-12-31", "start"),
    ],
)
def test_days_outside_the_valid_range_are_a_422_giving_the_range(
    client: Any, path: str, parameter: str
) -> None:
    response = client.get(path)

    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [d["loc"] for d in details] == [["query", parameter]]
    assert "outside the valid range 1900-01-01..2200-12-31" in details[0]["msg"]


def test_macro_lists_series_with_the_latest_vintage_of_their_last_observation(
    client: Any,
) -> None:
    payload = client.json("/api/market/macro")

    assert payload["total"] == 2
    cpi, unrate = payload["items"]
    assert (cpi["series_id"], cpi["last"], cpi["last_value"]) == ("CPIAUCSL", "2024-06-01", 306.5)
    assert (cpi["title"], cpi["observations"], cpi["first"]) == (
        "Consumer Price Index",
        12,
        "2024-01-01",
    )
    assert (unrate["series_id"], unrate["last"], unrate["last_value"]) == (
        "UNRATE",
        "2024-02-01",
        None,
    )


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # first prints come 45 days after the month, revisions (+0.5) 90 days after
        (None, [(m, 300.5 + m) for m in range(1, 7)]),
        ("2024-02-14", []),
        ("2024-02-15", [(1, 301.0)]),
        ("2024-04-15", [(1, 301.5), (2, 302.0), (3, 303.0)]),
        ("2024-05-01", [(1, 301.5), (2, 302.5), (3, 303.0)]),
    ],
)
def test_macro_observations_as_of_a_day_give_the_values_known_then(
    client: Any, as_of: str | None, expected: list[tuple[int, float]]
) -> None:
    query = f"?as_of={as_of}" if as_of else ""

    payload = client.json(f"/api/market/macro/CPIAUCSL{query}")

    found = [(dt.date.fromisoformat(o["date"]).month, o["value"]) for o in payload["items"]]
    assert found == expected
    assert payload["total"] == len(expected)


def test_macro_observations_are_cut_to_the_inclusive_range(client: Any) -> None:
    payload = client.json("/api/market/macro/CPIAUCSL?start=2024-02-01&end=2024-04-01")

    assert [o["date"] for o in payload["items"]] == ["2024-02-01", "2024-03-01", "2024-04-01"]


def test_news_newest_first_with_sentiment_by_method(client: Any) -> None:
    payload = client.json("/api/market/news")

    assert payload["total"] == 4
    assert [a["article_id"] for a in payload["items"]] == ["a4", "a3", "a2", "a1"]
    a1 = payload["items"][3]
    assert {(s["method"], s["score"]) for s in a1["sentiment"]} == {("vendor", 0.6), ("vader", 0.4)}
    assert a1["symbols"] == ["AAA"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("symbol=AAA", ["a2", "a1"]),
        ("symbol=BBB&end=2024-12-03", ["a2"]),
        ("start=2024-12-04", ["a4", "a3"]),
        ("symbol=ZZZ", []),
    ],
)
def test_news_filters_by_symbol_and_inclusive_days(
    client: Any, query: str, expected: list[str]
) -> None:
    payload = client.json(f"/api/market/news?{query}")

    assert [a["article_id"] for a in payload["items"]] == expected


def test_events_merge_earnings_and_economic_events_by_date(client: Any) -> None:
    payload = client.json("/api/market/events?start=2024-11-01&end=2024-12-31")

    found = [(e["date"], e["kind"], e["event"]) for e in payload["items"]]
    assert found == [
        ("2024-11-20", "earnings", "AAA earnings 2024Q3"),
        ("2024-12-05", "earnings", "BBB earnings 2024Q4"),
        ("2024-12-11", "economic", "CPI"),
        ("2024-12-18", "economic", "FOMC rate decision"),
    ]
    assert payload["items"][2]["ts"] == "2024-12-11T13:30:00Z"


@pytest.mark.parametrize(
    ("query", "expected"),
    [("symbol=BBB", ["BBB earnings 2024Q4"]), ("kind=economic", ["CPI", "FOMC rate decision"])],
)
def test_events_filter_by_symbol_or_kind(client: Any, query: str, expected: list[str]) -> None:
    payload = client.json(f"/api/market/events?{query}")

    assert [e["event"] for e in payload["items"]] == expected


@pytest.mark.parametrize(
    ("offset", "limit", "expected"),
    [(0, 2, ["a4", "a3"]), (2, 2, ["a2", "a1"]), (3, 10, ["a1"]), (4, 1, []), (99, 1000, [])],
)
def test_pages_slice_the_items_and_always_report_the_total(
    client: Any, offset: int, limit: int, expected: list[str]
) -> None:
    payload = client.json(f"/api/market/news?offset={offset}&limit={limit}")

    assert [a["article_id"] for a in payload["items"]] == expected
    assert (payload["total"], payload["offset"], payload["limit"]) == (4, offset, limit)


@pytest.mark.parametrize("path", ["/api/market/macro", "/api/market/events", "/api/market/news"])
def test_list_endpoints_page_within_bounds(client: Any, path: str) -> None:
    whole = client.json(path)
    pages = [client.json(f"{path}?offset={o}&limit=1")["items"] for o in range(whole["total"])]

    assert [item for page in pages for item in page] == whole["items"]
    assert client.get(f"{path}?limit=0").status_code == 422
