"""GprSource against the authors' daily workbook format (httpx.MockTransport; no network)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import httpx

from tetra.adapters.http import RetryPolicy
from tetra.adapters.sources.gpr import GprConfig, GprSource
from tetra.core.clock import FixedClock
from tetra.data.sources import Batch, GeopoliticalSource, Window

WORKBOOK = Path(__file__).parents[2] / "fixtures" / "vendors" / "gpr" / "data_gpr_daily_recent.xls"
NOW = dt.datetime(2025, 12, 3, 12, 0, tzinfo=dt.UTC)


def fetch(content: bytes, window: Window, lag: int = 7) -> Batch:
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=content)

    gpr = GprSource(
        GprConfig(publication_lag_days=lag),
        transport=httpx.MockTransport(handle),
        clock=FixedClock(NOW),
        policy=RetryPolicy(attempts=1),
    )

    async def first() -> Batch:
        found = [b async for b in gpr.batches(window)]
        return found[0]

    batch = asyncio.run(first())
    assert seen == ["https://www.matteoiacoviello.com/gpr_files/data_gpr_daily_recent.xls"]
    return batch


def test_gpr_source_implements_the_geopolitical_port() -> None:
    assert isinstance(GprSource(), GeopoliticalSource)


def test_each_day_gives_its_three_series_with_the_recorded_values() -> None:
    batch = fetch(WORKBOOK.read_bytes(), Window(dt.date(2025, 11, 26), dt.date(2025, 11, 26)))

    rows = batch.fetched[0].rows.set_index("series_id")
    assert batch.fetched[0].dataset == "economic_data.indicators"
    assert rows.loc["GPRD", "value"] == 135.60
    assert rows.loc["GPRD_ACT", "value"] == 142.03
    assert rows.loc["GPRD_THREAT", "value"] == 128.77
    assert set(rows["source"]) == {"gpr"}


def test_history_is_dated_a_lag_after_its_day_and_recent_days_when_first_seen() -> None:
    batch = fetch(WORKBOOK.read_bytes(), Window(dt.date(2025, 11, 1), dt.date(2025, 12, 31)), lag=7)

    gprd = batch.fetched[0].rows.query("series_id == 'GPRD'").set_index("date")
    assert gprd.loc[dt.date(2025, 11, 24), "realtime_start"] == dt.date(2025, 12, 1)
    assert gprd.loc[dt.date(2025, 12, 1), "realtime_start"] == dt.date(2025, 12, 3)
    assert dt.date(2025, 11, 28) not in gprd.index  # a blank day stays absent, not zero


def test_unreadable_rows_are_quarantined_with_reasons() -> None:
    batch = fetch(WORKBOOK.read_bytes(), Window(dt.date(2025, 11, 1), dt.date(2025, 12, 31)))

    reasons = sorted(r.reason for r in batch.fetched[0].unparsed)
    assert reasons == ["DAY nan is not YYYYMMDD", "GPRD -3.0 is not a non-negative number"]
    assert len(batch.fetched[0].rows) == 3 * 7 + 2  # 7 full days and 2 parts of 2025-12-02


def test_a_file_that_is_not_a_workbook_is_one_quarantined_record() -> None:
    batch = fetch(b"<html>moved</html>", Window(dt.date(2025, 11, 1), dt.date(2025, 12, 31)))

    assert batch.fetched[0].rows.empty
    assert "not a readable .xls workbook" in batch.fetched[0].unparsed[0].reason
