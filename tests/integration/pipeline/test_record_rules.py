"""Nothing wrong is stored silently: each bad record is quarantined with its reason, per store."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tetra.data.ingest import ingest
from tetra.data.ports import Query, Store
from tetra.data.sources import Fetched, Window

NOW = dt.datetime(2024, 12, 31, 22, 0, tzinfo=dt.UTC)
WINDOW = Window(dt.date(2024, 12, 2), dt.date(2024, 12, 31))


def bar(symbol: str = "AAA", day: str = "2024-12-10", **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "symbol": symbol,
        "interval": "1d",
        "ts": pd.Timestamp(day, tz="UTC"),
        "open": 100.0,
        "high": 101.0,
        "low": 99.0,
        "close": 100.5,
        "volume": 1_000.0,
        "vwap": 100.2,
        "source": "fake",
    }
    row.update(changes)
    return row


def run(store: Store, dataset: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    fetched = Fetched(dataset, pd.DataFrame(rows))
    ingest(store, fetched, source="fake", run_id="r1", now=NOW, window=WINDOW)
    return store.read(Query("ops.quarantine"))


def reasons_by_key(quarantine: pd.DataFrame) -> dict[str, str]:
    return dict(zip(quarantine["natural_key"], quarantine["reason"], strict=True))


def test_bad_bars_are_quarantined_with_their_reason_and_good_ones_stored(store: Store) -> None:
    rows = [
        bar(),
        bar(day="1970-01-01"),  # t=0
        bar("BBB", open=1e300, high=1e300, close=1e300),
        bar("CCC", vwap=-5.0),
        bar("DDD", vwap=150.0),
        bar(""),
        bar("A\x00B"),
        bar("X" * 10_000),
        bar("'; DROP TABLE market_data.ohlcv; --"),
    ]

    quarantine = run(store, "market_data.ohlcv", rows)

    stored = store.read(Query("market_data.ohlcv"))
    assert stored["symbol"].tolist() == ["AAA"]
    reasons = sorted(quarantine["reason"])
    assert len(reasons) == len(rows) - 1
    expected = [
        "close above 1e+09",
        "vwap is not positive",
        "vwap outside low..high",
        "symbol is empty",
        "symbol holds characters other than letters, digits and . - _ / : = ^",
        "symbol is longer than 32 characters",
        "ts 1970-01-01 outside the requested window 2024-12-02..2024-12-31",
    ]
    for reason in expected:
        assert any(reason in r for r in reasons), (reason, reasons)


def test_text_where_a_number_belongs_rejects_that_row_not_the_batch(store: Store) -> None:
    rows = [bar(), bar("BBB", close="n/a"), bar("CCC", volume=10**400)]

    quarantine = run(store, "market_data.ohlcv", rows)

    assert store.read(Query("market_data.ohlcv"))["symbol"].tolist() == ["AAA"]
    assert len(quarantine) == 2
    assert all(("cannot read" in r) or ("above" in r) for r in quarantine["reason"])


def test_future_macro_observations_and_vintages_are_quarantined(store: Store) -> None:
    def observation(day: str, known: str) -> dict[str, object]:
        return {
            "series_id": "CPIAUCSL",
            "date": dt.date.fromisoformat(day),
            "realtime_start": dt.date.fromisoformat(known),
            "realtime_end": dt.date(9999, 12, 31),
            "value": 3.0,
            "source": "fake",
        }

    rows = [
        observation("2024-12-01", "2024-12-20"),
        observation("2099-01-01", "2024-12-20"),
        observation("2024-12-02", "2099-01-01"),
    ]

    quarantine = run(store, "economic_data.indicators", rows)

    assert len(store.read(Query("economic_data.indicators"))) == 1
    assert sorted(quarantine["reason"]) == [
        "date 2099-01-01 outside the requested window 2024-12-02..2024-12-31; date in the future",
        "realtime_start in the future",
    ]


def test_news_text_loses_control_characters_and_future_articles_are_quarantined(
    store: Store,
) -> None:
    def article(article_id: str, title: str, published: str) -> dict[str, object]:
        return {
            "article_id": article_id,
            "url": f"https://example.com/{article_id}",
            "title": title,
            "summary": "line one\nline\x00 two\x07",
            "published_at": pd.Timestamp(published, tz="UTC"),
            "symbols": ["AAA"],
            "source": "fake",
        }

    rows = [
        article("a1", "Markets\x00 rally\x1b[31m", "2024-12-30T14:00"),
        article("a2", "From the future", "2099-01-01T00:00"),
    ]

    quarantine = run(store, "news.articles", rows)

    stored = store.read(Query("news.articles"))
    assert stored["title"].tolist() == ["Markets rally[31m"]
    assert stored["summary"].tolist() == ["line one\nline two"]
    assert quarantine["natural_key"].tolist() == ["a2/fake"]
    assert "published_at in the future" in quarantine["reason"].iloc[0]


def test_rerunning_the_same_bad_batch_changes_nothing(store: Store) -> None:
    rows = [bar(), bar("BBB", vwap=-1.0), bar(day="1970-01-01")]
    run(store, "market_data.ohlcv", rows)
    first = (store.count("market_data.ohlcv"), store.count("ops.quarantine"))

    run(store, "market_data.ohlcv", rows)

    assert (store.count("market_data.ohlcv"), store.count("ops.quarantine")) == first
