"""GdeltSource against recorded GDELT 2.0 export files (httpx.MockTransport; no network)."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tetra.adapters.http import RetryPolicy
from tetra.adapters.sources.gdelt import GdeltConfig, GdeltSource
from tetra.adapters.sources.gdelt.parsing import COLUMNS, EventFilter, parse_export
from tetra.data.sources import Batch, GeopoliticalSource, Window

FIXTURES = Path(__file__).parents[2] / "fixtures" / "vendors" / "gdelt"
FIRST = "20251201000000"
SECOND = "20251201001500"
DAY = Window(dt.date(2025, 12, 1), dt.date(2025, 12, 1))


def export_zip(stamp: str) -> bytes:
    """Return the export file zipped as GDELT serves it (one member named like the file)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stamp}.export.CSV", (FIXTURES / f"{stamp}.export.CSV").read_bytes())
    return buffer.getvalue()


def server(
    files: dict[str, bytes], seen: list[str] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        name = request.url.path.rsplit("/", 1)[-1]
        if seen is not None:
            seen.append(name)
        if name == "lastupdate.txt":
            return httpx.Response(200, content=(FIXTURES / "lastupdate.txt").read_bytes())
        if name in files:
            return httpx.Response(200, content=files[name])
        return httpx.Response(404, text="Not Found")

    return handle


def source(handler: Callable[[httpx.Request], httpx.Response], **config: object) -> GdeltSource:
    return GdeltSource(
        GdeltConfig(**config),  # type: ignore[arg-type]
        transport=httpx.MockTransport(handler),
        policy=RetryPolicy(attempts=1),
    )


def batches(gdelt: GdeltSource, window: Window, since: dt.datetime | None = None) -> list[Batch]:
    async def collect() -> list[Batch]:
        return [b async for b in gdelt.batches(window, since)]

    return asyncio.run(collect())


FILES = {
    f"{FIRST}.export.CSV.zip": export_zip(FIRST),
    f"{SECOND}.export.CSV.zip": export_zip(SECOND),
}


def test_gdelt_source_implements_the_geopolitical_port() -> None:
    assert isinstance(source(server(FILES)), GeopoliticalSource)


def test_a_recorded_line_becomes_its_event_field_by_field() -> None:
    text = (FIXTURES / f"{FIRST}.export.CSV").read_text()
    keep = EventFilter(frozenset({"19"}), 10, True)

    rows, _ = parse_export(text, keep)

    assert len(rows) == 1
    assert rows[0] == {
        "event_id": "1274585001",
        "event_date": dt.date(2025, 12, 1),
        "added_at": dt.datetime(2025, 12, 1, tzinfo=dt.UTC),
        "event_code": "190",
        "base_code": "190",
        "root_code": "19",
        "quad_class": 4,
        "goldstein": -10.0,
        "num_mentions": 48,
        "num_sources": 8,
        "num_articles": 48,
        "avg_tone": -7.8125,
        "actor1_name": "RUSSIA",
        "actor1_country": "RUS",
        "actor2_name": "UKRAINE",
        "actor2_country": "UKR",
        "country": "UP",
        "place": "Kyiv, Kyyiv, Misto, Ukraine",
        "latitude": 50.4333,
        "longitude": 30.5167,
        "source_url": "https://example.com/world/2025/12/01/strikes-on-kyiv",
    }


def test_the_default_filter_keeps_conflict_root_events_with_enough_mentions() -> None:
    text = (FIXTURES / f"{FIRST}.export.CSV").read_text()
    config = GdeltConfig()
    keep = EventFilter(frozenset(config.root_codes), config.min_mentions, config.root_events_only)

    rows, _ = parse_export(text, keep)

    # kept: 190 (48 mentions), 138 threat (22), 150 drills (31); dropped: 042 cooperation,
    # 183 with 6 mentions, 173 not a root event
    assert [r["event_id"] for r in rows] == ["1274585001", "1274585002", "1274585006"]


def test_malformed_lines_become_records_with_their_reason() -> None:
    text = (FIXTURES / f"{FIRST}.export.CSV").read_text()

    _, bad = parse_export(text, EventFilter(frozenset(), 1, False), url="x.zip")

    reasons = [r.reason for r in bad]
    assert len(COLUMNS) == 61
    assert reasons == [
        "expected 61 tab-separated fields, found 58 (line 7 of x.zip)",
        "GoldsteinScale 'abc' is not a number (line 8 of x.zip)",
        "GoldsteinScale 15.0 outside -10..10 (line 9 of x.zip)",
        "DATEADDED '2025-12-01' is not YYYYMMDDHHMMSS (line 10 of x.zip)",
    ]


def test_a_day_is_one_batch_that_stops_at_the_newest_published_file() -> None:
    seen: list[str] = []

    found = batches(source(server(FILES, seen)), DAY)

    assert len(found) == 1
    batch = found[0]
    assert batch.through == dt.datetime(2025, 12, 1, 0, 15, tzinfo=dt.UTC)
    rows = batch.fetched[0].rows
    assert sorted(rows["event_id"]) == ["1274585001", "1274585002", "1274585006", "1274585101"]
    assert set(rows["source"]) == {"gdelt"}
    assert len(batch.fetched[0].unparsed) == 4
    assert sorted(seen) == [
        "20251201000000.export.CSV.zip",
        "20251201001500.export.CSV.zip",
        "lastupdate.txt",
    ]


def test_files_after_the_watermark_are_the_only_ones_fetched() -> None:
    seen: list[str] = []
    since = dt.datetime(2025, 12, 1, 0, 0, tzinfo=dt.UTC)

    found = batches(source(server(FILES, seen)), DAY, since)

    assert seen == ["lastupdate.txt", "20251201001500.export.CSV.zip"]
    assert list(found[0].fetched[0].rows["event_id"]) == ["1274585101"]


def test_a_slot_without_a_file_is_noted_not_failed() -> None:
    only_second = {f"{SECOND}.export.CSV.zip": FILES[f"{SECOND}.export.CSV.zip"]}

    batch = batches(source(server(only_second)), DAY)[0]

    assert batch.note == "1 of 2 files missing on 2025-12-01"
    assert list(batch.fetched[0].rows["event_id"]) == ["1274585101"]


def test_an_unreadable_zip_is_quarantined_and_the_rest_of_the_day_kept() -> None:
    broken = {**FILES, f"{FIRST}.export.CSV.zip": b"<html>proxy error</html>"}

    batch = batches(source(server(broken)), DAY)[0]

    unparsed = batch.fetched[0].unparsed
    assert len(unparsed) == 1
    assert "not a readable zip" in unparsed[0].reason
    assert list(batch.fetched[0].rows["event_id"]) == ["1274585101"]


def test_a_long_backfill_is_cut_to_its_last_days() -> None:
    gdelt = source(server(FILES), max_backfill_days=2)
    latest = dt.datetime(2025, 12, 31, 23, 45, tzinfo=dt.UTC)

    plan = gdelt.plan(Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)), None, latest)

    assert list(plan) == [dt.date(2025, 12, 30), dt.date(2025, 12, 31)]
    assert all(len(slots) == 96 for slots in plan.values())


def test_nothing_before_the_first_gdelt_2_file_is_asked_for() -> None:
    gdelt = source(server(FILES), max_backfill_days=30)
    latest = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

    plan = gdelt.plan(Window(dt.date(2015, 2, 10), dt.date(2015, 2, 19)), None, latest)

    assert list(plan) == [dt.date(2015, 2, 19)]


def test_a_lastupdate_without_an_events_file_is_malformed() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="nothing useful here\n")

    with pytest.raises(Exception, match="names no Events export"):
        batches(source(handle), DAY)
