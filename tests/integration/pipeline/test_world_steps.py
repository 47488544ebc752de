"""The geopolitical, social and crypto-universe steps on real stores with recorded payloads.

GDELT files and CoinGecko's ranking come from fixtures through httpx.MockTransport; the
stores are real (DuckDB and PostgreSQL). A kill is a BaseException raised by the transport in
the middle of a run, so nothing in the step can swallow it.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx
import pandas as pd
import pytest

from tetra.adapters.http import RetryPolicy
from tetra.adapters.sources.coingecko import CoinGeckoSource
from tetra.adapters.sources.gdelt import GdeltConfig, GdeltSource
from tetra.adapters.sources.gpr import GprSource
from tetra.core.clock import FixedClock
from tetra.data.ingest import watermark
from tetra.data.membership import members_on
from tetra.data.pipeline import Mode, Pipeline, RunPlan, Sources, Step
from tetra.data.ports import Query, Store
from tetra.data.sources import Window
from tetra.data.universe import load_universe

VENDORS = Path(__file__).parents[2] / "fixtures" / "vendors"
WINDOW = Window(dt.date(2025, 12, 1), dt.date(2025, 12, 2))
CLOCK = FixedClock(dt.datetime(2025, 12, 3, 6, 0, tzinfo=dt.UTC))
LAST = "20251202234500"


class Killed(BaseException):
    """Stands for SIGKILL: nothing catches it."""


def zipped(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


def day_two(text: str) -> str:
    """The first file's events as if published a day later, with their own ids."""
    return text.replace("20251201", "20251202").replace("12745850", "12745860")


def gdelt_files() -> dict[str, bytes]:
    first = (VENDORS / "gdelt" / "20251201000000.export.CSV").read_text()
    second = (VENDORS / "gdelt" / "20251201001500.export.CSV").read_text()
    return {
        "20251201000000.export.CSV.zip": zipped("20251201000000.export.CSV", first),
        "20251201001500.export.CSV.zip": zipped("20251201001500.export.CSV", second),
        "20251202000000.export.CSV.zip": zipped("20251202000000.export.CSV", day_two(first)),
    }


def gdelt(seen: list[str], kill_at: str | None = None) -> GdeltSource:
    files = gdelt_files()

    def handle(request: httpx.Request) -> httpx.Response:
        name = request.url.path.rsplit("/", 1)[-1]
        seen.append(name)
        if kill_at is not None and name.startswith(kill_at):
            raise Killed
        if name == "lastupdate.txt":
            return httpx.Response(
                200, text=f"1 x http://data.gdeltproject.org/gdeltv2/{LAST}.export.CSV.zip\n"
            )
        if name in files:
            return httpx.Response(200, content=files[name])
        return httpx.Response(404)

    transport = httpx.MockTransport(handle)
    return GdeltSource(
        GdeltConfig(concurrency=1), transport=transport, policy=RetryPolicy(attempts=1)
    )


def plan(step: Step, *, force: bool = False, crypto: tuple[str, ...] = ()) -> RunPlan:
    return RunPlan(Mode.BACKFILL, WINDOW, (step,), crypto=crypto, force=force)


def run(store: Store, sources: Sources, step: Step, **options: object) -> None:
    Pipeline(store, sources, clock=CLOCK).run(plan(step, **options))  # type: ignore[arg-type]


def counts(store: Store) -> tuple[int, int, int]:
    return (
        store.count("events.geopolitical"),
        store.count("derived.geopolitical_daily"),
        store.count("ops.quarantine"),
    )


def test_events_index_and_quarantine_are_stored_and_the_watermark_set(store: Store) -> None:
    run(store, Sources(geopolitical=(gdelt([]),)), Step.GEOPOLITICAL)

    events = store.read(Query("events.geopolitical"))
    assert len(events) == 7  # 4 on the first day, 3 kept of the second day's file
    index = store.read(Query("derived.geopolitical_daily", where={"country": "*"}))
    assert list(index["events"]) == [4, 3]
    assert store.count("ops.quarantine") == 8  # 4 bad lines in each first-of-day file
    assert watermark(store, "gdelt", "events.geopolitical", "*") == dt.datetime(
        2025, 12, 2, 23, 45, tzinfo=dt.UTC
    )


def test_a_rerun_fetches_nothing_and_a_forced_one_changes_nothing(store: Store) -> None:
    run(store, Sources(geopolitical=(gdelt([]),)), Step.GEOPOLITICAL)
    before = counts(store)
    seen: list[str] = []

    run(store, Sources(geopolitical=(gdelt(seen),)), Step.GEOPOLITICAL)
    run(store, Sources(geopolitical=(gdelt([]),)), Step.GEOPOLITICAL, force=True)

    assert seen == []
    assert counts(store)[:2] == before[:2]


def test_a_run_killed_mid_way_resumes_after_the_last_stored_day(store: Store) -> None:
    with pytest.raises(Killed):
        run(store, Sources(geopolitical=(gdelt([], kill_at="20251202"),)), Step.GEOPOLITICAL)
    assert watermark(store, "gdelt", "events.geopolitical", "*") == dt.datetime(
        2025, 12, 1, 23, 45, tzinfo=dt.UTC
    )
    seen: list[str] = []

    run(store, Sources(geopolitical=(gdelt(seen),)), Step.GEOPOLITICAL)

    exports = [name for name in seen if name.endswith(".zip")]
    assert len(exports) == 96
    assert all(name.startswith("20251202") for name in exports)
    assert store.count("events.geopolitical") == 7


def test_an_event_is_visible_only_from_its_publication_time(store: Store) -> None:
    run(store, Sources(geopolitical=(gdelt([]),)), Step.GEOPOLITICAL)

    known_at_ten_past = store.read(
        Query("events.geopolitical", end=dt.datetime(2025, 12, 1, 0, 10, tzinfo=dt.UTC))
    )

    assert set(known_at_ten_past["event_id"]) == {"1274585001", "1274585002", "1274585006"}


def gpr_source(content: bytes, clock: FixedClock) -> GprSource:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=content))
    return GprSource(transport=transport, clock=clock, policy=RetryPolicy(attempts=1))


def test_refetching_the_same_gpr_file_adds_no_vintage(store: Store) -> None:
    workbook = (VENDORS / "gpr" / "data_gpr_daily_recent.xls").read_bytes()
    window = Window(dt.date(2025, 11, 20), dt.date(2025, 12, 2))
    first = RunPlan(Mode.BACKFILL, window, (Step.GEOPOLITICAL,))
    Pipeline(store, Sources(geopolitical=(gpr_source(workbook, CLOCK),)), clock=CLOCK).run(first)
    stored = store.count("economic_data.indicators")
    later = FixedClock(dt.datetime(2025, 12, 10, 6, 0, tzinfo=dt.UTC))
    again = RunPlan(Mode.BACKFILL, window, (Step.GEOPOLITICAL,), force=True)

    Pipeline(store, Sources(geopolitical=(gpr_source(workbook, later),)), clock=later).run(again)

    assert store.count("economic_data.indicators") == stored == 3 * 7 + 2
    gprd = store.read(Query("economic_data.indicators", where={"series_id": "GPRD"}))
    day = gprd[pd.to_datetime(gprd["date"]).dt.date == dt.date(2025, 11, 24)]
    assert list(pd.to_datetime(day["realtime_start"]).dt.date) == [dt.date(2025, 12, 1)]


def test_without_social_credentials_the_step_is_skipped_with_a_note(store: Store) -> None:
    result = Pipeline(store, Sources(), clock=CLOCK).run(plan(Step.SOCIAL))

    step = result.steps[0]
    assert step.status == "not_run"
    assert "TETRA_REDDIT__CLIENT_ID" in step.note
    assert result.status == "success"


def coingecko() -> CoinGeckoSource:
    content = (VENDORS / "coingecko" / "coins_markets_top.json").read_bytes()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=content))
    return CoinGeckoSource(transport=transport, policy=RetryPolicy(attempts=1))


CRYPTO = tuple(i.symbol for i in load_universe().by_group("crypto"))


def test_the_crypto_ranking_is_reported_and_recorded_only_when_applied(store: Store) -> None:
    reported = Pipeline(store, Sources(ranking=coingecko()), clock=CLOCK).run(
        plan(Step.CRYPTO_UNIVERSE, crypto=CRYPTO)
    )
    assert "joins: LINK; leaves: BCH (reported only" in reported.steps[0].note
    assert members_on(store, "crypto", dt.date(2025, 12, 3)) == sorted(CRYPTO)

    Pipeline(store, Sources(ranking=coingecko(), apply_ranking=True), clock=CLOCK).run(
        plan(Step.CRYPTO_UNIVERSE, crypto=CRYPTO)
    )

    today = members_on(store, "crypto", dt.date(2025, 12, 3))
    assert "LINK" in today
    assert "BCH" not in today
    assert len(today) == 10
    assert "BCH" in members_on(store, "crypto", dt.date(2025, 12, 2))
    assert members_on(store, "crypto", dt.date(2025, 12, 2)) == sorted(CRYPTO)


Handler = Callable[[httpx.Request], httpx.Response]
