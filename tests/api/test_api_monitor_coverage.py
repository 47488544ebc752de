"""The Data Monitor's coverage: freshness against the store's kind and each topic's cadence,
and a table that lists economic series and news beside the bars.

The filled live store (conftest) ends its bars on 2024-12-31 and its CPI vintages on
2024-08-30; a sample-kind store ends on its last generated day by design.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from conftest import ApiClient
from tetra.adapters.stores import open_store
from tetra.api.app import create_app
from tetra.data.store_kind import StoreKind
from tetra.testing import bars_frame

API_KEY = "test-key"


def macro_rows() -> pd.DataFrame:
    """One monthly value, published on 2024-01-20."""
    return pd.DataFrame(
        {
            "series_id": ["CPIAUCSL"],
            "date": [dt.date(2024, 1, 1)],
            "realtime_start": [dt.date(2024, 1, 20)],
            "realtime_end": [None],
            "value": [300.0],
            "source": ["sample"],
        }
    )


def coverage(client: Any) -> dict[str, Any]:
    answer: dict[str, Any] = client.json("/api/monitor/coverage")
    return answer


def test_a_live_store_is_judged_against_today(client: Any) -> None:
    payload = coverage(client)

    today = dt.datetime.now(dt.UTC).date()
    assert payload["reference_day"] == today.isoformat()
    market = next(t for t in payload["topics"] if t["topic"] == "market_data")
    assert market["freshness_days"] == (today - dt.date(2024, 12, 31)).days
    assert market["stale_after_days"] == 4


def test_economic_data_is_as_fresh_as_its_newest_vintage(client: Any) -> None:
    macro = next(t for t in coverage(client)["topics"] if t["topic"] == "economic_data")

    newest_vintage = dt.date(2024, 6, 1) + dt.timedelta(days=90)
    today = dt.datetime.now(dt.UTC).date()
    assert macro["last"] == "2024-06-01"  # the newest observation date...
    assert macro["freshness_days"] == (today - newest_vintage).days  # ...published later
    assert macro["stale_after_days"] == 35


def test_the_table_lists_series_and_news_beside_the_bars(client: Any) -> None:
    rows = coverage(client)["symbols"]

    kinds = {(r["asset_class"], r["symbol"]) for r in rows}
    assert {("macro", "CPIAUCSL"), ("macro", "UNRATE"), ("news", "AAA"), ("news", "BBB")} <= kinds
    assert not any(r["symbol"] == "*" for r in rows)  # whole-article sentiment is no symbol
    cpi = next(r for r in rows if r["symbol"] == "CPIAUCSL")
    assert (cpi["records"], cpi["completeness"], cpi["expected"]) == (12, None, None)
    bars = next(r for r in rows if r["symbol"] == "BBB" and r["dataset"] == "market_data.ohlcv")
    assert bars["missing"] == 3
    assert bars["records"] == bars["stored"]


def test_the_sample_is_judged_against_its_last_generated_day(tmp_path: Path) -> None:
    store = open_store(tmp_path / "sample.duckdb", StoreKind.SAMPLE)
    try:
        bars = bars_frame(("SPY", "QQQ"), "2024-01-02", 30, source="sample")
        store.upsert("market_data.ohlcv", bars)
        store.upsert("economic_data.indicators", macro_rows())
        payload = ApiClient(create_app(store, api_key=API_KEY)).json("/api/monitor/coverage")
    finally:
        store.close()

    last_bar = bars["ts"].max().date()
    assert payload["store_kind"] == "sample"
    assert payload["reference_day"] == last_bar.isoformat()
    topics = {t["topic"]: t for t in payload["topics"]}
    assert topics["market_data"]["freshness_days"] == 0
    assert topics["economic_data"]["freshness_days"] == (last_bar - dt.date(2024, 1, 20)).days
