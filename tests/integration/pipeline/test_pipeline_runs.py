"""The pipeline against a real DuckDB store: idempotence, quarantine, resume, statuses."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.core.clock import FixedClock
from tetra.core.errors import QuotaExhausted, SourceUnavailable
from tetra.data.calendars import sessions
from tetra.data.pipeline import Mode, Pipeline, RunPlan, Sources, Step
from tetra.data.ports import Query
from tetra.data.sources import RawRecord, Window
from tetra.testing import FakeBarSource

CLOCK = FixedClock(dt.datetime(2024, 12, 31, 22, 0, tzinfo=dt.UTC))
WINDOW = Window(dt.date(2024, 11, 1), dt.date(2024, 12, 31))
SYMBOLS = ("AAA", "BBB", "CCC")
STEPS = (Step.MARKET_DATA, Step.DATA_QUALITY)


def session_bars(symbol: str, window: Window, *, seed: int = 0) -> pd.DataFrame:
    """Valid daily bars on every XNYS session of the window."""
    days = pd.to_datetime(sessions(window.start, window.end)).tz_localize("UTC")
    close = 100 + seed + pd.Series(range(len(days)), dtype=float) * 0.1
    return pd.DataFrame(
        {
            "symbol": symbol,
            "interval": "1d",
            "ts": days,
            "open": close,
            "high": close + 1,
            "low": close - 1,
            "close": close,
            "volume": 1_000.0,
            "source": "fake",
        }
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(tmp_path / "live.duckdb")
    yield opened
    opened.close()


def plan(mode: Mode = Mode.BACKFILL, **changes: object) -> RunPlan:
    fields: dict[str, object] = {
        "mode": mode,
        "window": WINDOW,
        "steps": STEPS,
        "equities": SYMBOLS,
        "calendars": {s: "XNYS" for s in SYMBOLS},
    }
    fields.update(changes)
    return RunPlan(**fields)  # type: ignore[arg-type]


def fake(**kwargs: object) -> FakeBarSource:
    bars = {s: session_bars(s, WINDOW, seed=i) for i, s in enumerate(SYMBOLS)}
    return FakeBarSource(bars, **kwargs)  # type: ignore[arg-type]


def content_hash(store: SqlStore) -> str:
    bars = store.read(Query("market_data.ohlcv"))
    text = bars[["symbol", "ts", "open", "high", "low", "close", "volume"]].to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest()


def test_same_window_three_times_leaves_the_store_identical(store: SqlStore) -> None:
    pipeline = Pipeline(store, Sources(bars=fake()), clock=CLOCK)

    pipeline.run(plan(force=True))
    first = (store.count("market_data.ohlcv"), content_hash(store))
    pipeline.run(plan(force=True))
    pipeline.run(plan(force=True))

    assert (store.count("market_data.ohlcv"), content_hash(store)) == first
    assert first[0] == 3 * len(sessions(WINDOW.start, WINDOW.end))


def test_bad_vendor_row_is_quarantined_while_good_rows_land(store: SqlStore) -> None:
    bars = {s: session_bars(s, WINDOW) for s in SYMBOLS}
    bars["BBB"].loc[3, "high"] = 1.0  # high below open and close
    unreadable = {"CCC": [RawRecord("close is not a number", {"c": "n/a"}, "CCC/2024-11-05")]}
    source = FakeBarSource(bars, unparsed=unreadable)

    result = Pipeline(store, Sources(bars=source), clock=CLOCK).run(plan())

    per_symbol = len(sessions(WINDOW.start, WINDOW.end))
    assert store.count("market_data.ohlcv") == 3 * per_symbol - 1
    quarantine = store.read(Query("ops.quarantine"))
    assert sorted(quarantine["reason"]) == ["close is not a number", "high below max(open, close)"]
    assert result.quarantined == 2
    assert result.status == "success"


def test_gap_report_is_sessions_minus_stored_bars_across_a_holiday_and_half_day(
    store: SqlStore,
) -> None:
    bars = session_bars("AAA", WINDOW)
    dropped = pd.to_datetime(["2024-11-27", "2024-11-29", "2024-12-02"]).tz_localize("UTC")
    source = FakeBarSource({"AAA": bars[~bars["ts"].isin(dropped)]})

    Pipeline(store, Sources(bars=source), clock=CLOCK).run(plan(equities=("AAA",)))

    coverage = store.read(Query("ops.coverage", where={"symbol": "AAA"}))
    expected = sessions(WINDOW.start, WINDOW.end)
    assert coverage["expected"].iloc[0] == len(expected)
    assert coverage["missing"].iloc[0] == 3
    # Nov 28 (Thanksgiving) is no session, so Nov 27 and Nov 29 (a half day) and Dec 2 are
    # one contiguous gap of three sessions.
    assert coverage["gaps"].iloc[0] == '[["2024-11-27", "2024-12-02"]]'


def test_fill_gaps_fetches_exactly_the_missing_sessions(store: SqlStore) -> None:
    full = session_bars("AAA", WINDOW)
    holes = pd.to_datetime(["2024-11-27", "2024-11-29", "2024-12-16"]).tz_localize("UTC")
    holed = FakeBarSource({"AAA": full[~full["ts"].isin(holes)]})
    Pipeline(store, Sources(bars=holed), clock=CLOCK).run(plan(equities=("AAA",)))
    source = FakeBarSource({"AAA": full})

    Pipeline(store, Sources(bars=source), clock=CLOCK).run(plan(equities=("AAA",), fill_gaps=True))

    assert source.calls == [
        ("AAA", Window(dt.date(2024, 11, 27), dt.date(2024, 11, 29))),
        ("AAA", Window(dt.date(2024, 12, 16), dt.date(2024, 12, 16))),
    ]
    assert store.count("market_data.ohlcv") == len(full)


def test_rerun_of_a_backfill_resumes_instead_of_refetching(store: SqlStore) -> None:
    first = fake(failures={"CCC": SourceUnavailable("fake", "HTTP 503")})
    Pipeline(store, Sources(bars=first), clock=CLOCK).run(plan())
    second = fake()

    result = Pipeline(store, Sources(bars=second), clock=CLOCK).run(plan())

    assert [symbol for symbol, _ in second.calls] == ["CCC"]
    assert sorted(result.steps[0].covered) == ["AAA", "BBB"]
    marks = store.read(Query("ops.watermarks"))
    assert (marks["last_ts"].dt.date == dt.date(2024, 12, 31)).all()


def test_one_failing_symbol_makes_the_run_partial_with_its_reason(store: SqlStore) -> None:
    source = fake(failures={"BBB": SourceUnavailable("fake", "gave up after 5 attempts")})

    result = Pipeline(store, Sources(bars=source), clock=CLOCK).run(plan())

    assert result.status == "partial"
    assert result.steps[0].failures == {"BBB": "fake: gave up after 5 attempts"}
    runs = store.read(Query("ops.ingest_runs"))
    assert runs["status"].tolist() == ["partial"]
    assert "gave up" in runs["errors"].iloc[0]


def test_spent_quota_stops_calls_for_the_rest_of_the_window(store: SqlStore) -> None:
    source = fake(failures={s: QuotaExhausted("fake", "daily quota spent") for s in SYMBOLS})

    result = Pipeline(store, Sources(bars=source), clock=CLOCK).run(plan(steps=(Step.MARKET_DATA,)))

    assert len(source.calls) < len(SYMBOLS) or result.status == "failed"
    assert result.status == "failed"
    assert all("quota" in reason for reason in result.steps[0].failures.values())


def test_daily_run_refetches_recent_sessions_and_stretches_back_after_downtime(
    store: SqlStore,
) -> None:
    source = fake()
    Pipeline(store, Sources(bars=source), clock=CLOCK).run(
        plan(window=Window(dt.date(2024, 11, 1), dt.date(2024, 11, 29)))
    )
    source.calls.clear()
    recent = Window(dt.date(2024, 12, 23), dt.date(2024, 12, 31))

    Pipeline(store, Sources(bars=source), clock=CLOCK).run(plan(Mode.DAILY, window=recent))

    assert {w for _, w in source.calls} == {Window(dt.date(2024, 11, 30), dt.date(2024, 12, 31))}
    assert store.count("market_data.ohlcv") == 3 * len(sessions(WINDOW.start, WINDOW.end))


def test_future_bars_are_quarantined(store: SqlStore) -> None:
    late = Window(dt.date(2024, 12, 20), dt.date(2025, 1, 10))
    source = FakeBarSource({"AAA": session_bars("AAA", late)})

    Pipeline(store, Sources(bars=source), clock=CLOCK).run(
        plan(equities=("AAA",), window=late, steps=(Step.MARKET_DATA,))
    )

    reasons = store.read(Query("ops.quarantine"))["reason"].unique().tolist()
    assert reasons == ["timestamp in the future"]
    assert store.read(Query("market_data.ohlcv"))["ts"].max() <= pd.Timestamp(CLOCK.now())
