"""The compact bars route: column arrays, preset periods, warm-up, gzip, ETag and 304."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tetra import indicators as ta
from tetra.data.ports import Query, Store

COLUMNS = "/api/market/bars/HIST/columns"
INDICATORS = "indicator=sma:20&indicator=rsi:14&indicator=macd"


def history(store: Store) -> pd.DataFrame:
    return store.read(Query("market_data.ohlcv", where={"symbol": "HIST"}))


def values(payload: dict[str, Any], name: str) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in payload["values"][name]])


def test_columns_hold_the_same_bars_and_indicators_as_the_rows(client: Any) -> None:
    query = f"start=2023-06-01&end=2023-09-29&{INDICATORS}"
    rows = client.json(f"/api/market/bars/HIST?{query}")
    columns = client.json(f"{COLUMNS}?{query}")

    assert [dt.datetime.fromtimestamp(t, dt.UTC).isoformat() for t in columns["t"]] == [
        dt.datetime.fromisoformat(b["ts"].replace("Z", "+00:00")).isoformat() for b in rows["bars"]
    ]
    for key in ("open", "high", "low", "close", "volume"):
        assert columns[key] == [b[key] for b in rows["bars"]], key
    assert columns["indicators"] == rows["indicators"]
    for name in rows["indicators"]:
        expected = np.array([b["indicators"][name] for b in rows["bars"]], dtype=float)
        # rounded to 7 significant digits of the column's largest value
        bound = np.nanmax(np.abs(expected)) * 1e-6
        np.testing.assert_allclose(values(columns, name), expected, rtol=0, atol=bound)
    assert (columns["start"], columns["end"]) == ("2023-06-01", "2023-09-29")
    assert columns["corporate_actions"] == rows["corporate_actions"]


@pytest.mark.parametrize(
    ("period", "months"), [("1M", 1), ("3M", 3), ("6M", 6), ("1Y", 12), ("YTD", None)]
)
def test_a_period_ends_on_the_last_bar_and_starts_the_day_after_as_long_before(
    client: Any, store: Store, period: str, months: int | None
) -> None:
    days = history(store)["ts"].dt.date
    last = days.iloc[-1]
    if months is None:
        start = dt.date(last.year, 1, 1)
    else:
        start = (pd.Timestamp(last) - pd.DateOffset(months=months)).date() + dt.timedelta(days=1)

    payload = client.json(f"{COLUMNS}?period={period}&indicator=sma:20")

    expected = [d for d in days if d >= start]
    assert [dt.datetime.fromtimestamp(t, dt.UTC).date() for t in payload["t"]] == expected
    assert (payload["start"], payload["end"]) == (str(start), str(last))
    assert (payload["first_available"], payload["last_available"]) == (str(days.iloc[0]), str(last))
    assert payload["period"] == period
    assert None not in payload["values"]["sma_20"], "warmed up on the bars before the period"


def test_all_serves_every_bar(client: Any, store: Store) -> None:
    payload = client.json(f"{COLUMNS}?period=ALL")

    assert len(payload["t"]) == len(history(store))


def test_range_and_volume_indicators_equal_the_library_on_the_bars(
    client: Any, store: Store
) -> None:
    bars = history(store)
    high, low, close, volume = (bars[k].to_numpy() for k in ("high", "low", "close", "volume"))
    query = "indicator=atr:14&indicator=adx:14&indicator=obv&indicator=vwap:10"

    payload = client.json(f"{COLUMNS}?{query}&indicator=stochastic&indicator=wma:5")

    adx = ta.adx(high, low, close, 14)
    expected = {
        "atr_14": ta.atr(high, low, close, 14),
        "adx_14": adx.adx,
        "adx_14_plus_di": adx.plus_di,
        "adx_14_minus_di": adx.minus_di,
        "obv": ta.obv(close, volume),
        "vwap_10": ta.vwap((high + low + close) / 3, volume, 10),
        "stochastic_5_3_3_k": ta.stochastic(high, low, close).slow_k,
        "wma_5": ta.wma(close, 5),
    }
    assert payload["indicators"][:4] == ["atr_14", "adx_14", "adx_14_plus_di", "adx_14_minus_di"]
    for name, series in expected.items():
        bound = np.nanmax(np.abs(series)) * 1e-6
        np.testing.assert_allclose(values(payload, name), series, atol=bound, err_msg=name)


def test_columns_are_smaller_than_rows_and_gzip_smaller_still(client: Any) -> None:
    rows = client.get(f"/api/market/bars/HIST?{INDICATORS}", headers=plain())
    columns = client.get(f"{COLUMNS}?{INDICATORS}", headers=plain())
    packed = client.get(f"{COLUMNS}?{INDICATORS}", headers=plain("gzip"))

    assert "content-encoding" not in columns.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.json() == columns.json()  # httpx undid the gzip
    assert len(columns.content) < len(rows.content) / 2
    assert packed.num_bytes_downloaded < len(columns.content) / 2


def test_a_current_etag_gets_304_and_another_query_another_etag(client: Any) -> None:
    first = client.get(f"{COLUMNS}?{INDICATORS}", headers=plain("gzip"))
    tag = first.headers["etag"]

    again = client.get(f"{COLUMNS}?{INDICATORS}", headers=plain(if_none_match=tag))
    other = client.get(f"{COLUMNS}?indicator=sma:20", headers=plain(if_none_match=tag))
    stale = client.get(f"{COLUMNS}?{INDICATORS}", headers=plain(if_none_match='W/"0"'))

    assert first.headers["cache-control"] == "private, no-cache"
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag)
    assert other.status_code == 200
    assert other.headers["etag"] != tag
    assert stale.status_code == 200
    assert stale.headers["etag"] == tag


def test_a_store_change_retires_the_cached_answer_but_same_data_keeps_its_etag(
    client: Any,
) -> None:
    tag = client.get(COLUMNS).headers["etag"]
    client.app.state.cache.clear()  # what a finished pipeline run or backtest does

    again = client.get(COLUMNS, headers=plain(if_none_match=tag))

    assert again.status_code == 304


def test_the_row_route_is_compressed_and_revalidated_too(client: Any) -> None:
    first = client.get("/api/market/bars/HIST", headers=plain("gzip"))
    again = client.get("/api/market/bars/HIST", headers=plain(if_none_match=first.headers["etag"]))

    assert first.headers["content-encoding"] == "gzip"
    assert again.status_code == 304


def test_every_large_json_answer_is_compressed(client: Any) -> None:
    answer = client.get("/api/market/news?limit=100", headers=plain("gzip"))
    small = client.get("/api/market/news?limit=1", headers=plain("gzip"))

    assert answer.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in small.headers


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("period=2Y", "period"), ("period=1y", "period"), ("indicator=obv:3", "indicator")],
)
def test_bad_periods_and_indicators_are_a_422_naming_them(
    client: Any, query: str, parameter: str
) -> None:
    response = client.get(f"{COLUMNS}?{query}")

    assert response.status_code == 422
    assert [d["loc"] for d in response.json()["error"]["details"]] == [["query", parameter]]


def test_an_unknown_symbol_is_a_404(client: Any) -> None:
    response = client.get("/api/market/bars/NOPE/columns?period=1Y")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "unknown symbol 'NOPE': no bars stored"


def plain(encoding: str = "identity", if_none_match: str | None = None) -> dict[str, str]:
    headers = {"X-API-Key": "test-key", "Accept-Encoding": encoding}
    return headers | ({"If-None-Match": if_none_match} if if_none_match else {})
