"""One bad symbol, payload or step never stops a run; dead runs never stay `running`."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tetra.adapters.stores import open_store
from tetra.adapters.stores.base import SqlStore
from tetra.core.clock import FixedClock
from tetra.core.errors import MalformedPayload
from tetra.data.calendars import sessions
from tetra.data.pipeline import (
    Mode,
    Pipeline,
    RunPlan,
    RunStatus,
    Sources,
    Step,
    StepStatus,
    mark_abandoned,
)
from tetra.data.pipeline.owners import Owner, this_process
from tetra.data.ports import Query
from tetra.data.sources import Window
from tetra.testing import FakeBarSource

CLOCK = FixedClock(dt.datetime(2024, 12, 31, 22, 0, tzinfo=dt.UTC))
WINDOW = Window(dt.date(2024, 12, 2), dt.date(2024, 12, 31))
SYMBOLS = ("AAA", "BBB", "CCC", "DDD")


def session_bars(symbol: str) -> pd.DataFrame:
    days = pd.to_datetime(sessions(WINDOW.start, WINDOW.end)).tz_localize("UTC")
    close = 100 + pd.Series(range(len(days)), dtype=float)
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


def plan(**changes: object) -> RunPlan:
    fields: dict[str, object] = {
        "mode": Mode.BACKFILL,
        "window": WINDOW,
        "steps": (Step.MARKET_DATA, Step.DATA_QUALITY),
        "equities": SYMBOLS,
        "calendars": {s: "XNYS" for s in SYMBOLS},
    }
    fields.update(changes)
    return RunPlan(**fields)  # type: ignore[arg-type]


def test_unexpected_errors_fail_their_symbol_and_the_run_ends_partial(store: SqlStore) -> None:
    bars = {s: session_bars(s) for s in SYMBOLS}
    bars["DDD"] = bars["DDD"].assign(bogus=1)  # a column the catalog does not know: ingest raises
    failures = {
        "BBB": OverflowError("int too large to convert to float"),
        "CCC": MalformedPayload("fake", "nested too deeply", '{"results": [[[[[["..."]]]]]]}'),
    }
    source = FakeBarSource(bars, failures=failures)  # type: ignore[arg-type]

    result = Pipeline(store, Sources(bars=source), clock=CLOCK).run(plan())

    assert result.status is RunStatus.PARTIAL
    market = result.steps[0]
    assert market.status is StepStatus.PARTIAL
    assert market.failures["BBB"] == "OverflowError: int too large to convert to float"
    assert market.failures["CCC"] == "fake: nested too deeply"
    assert market.failures["DDD"].startswith("InvalidBatch: ")
    assert "AAA" not in market.failures
    stored = store.read(Query("market_data.ohlcv", columns=["symbol"]))
    assert set(stored["symbol"]) == {"AAA"}
    quarantine = store.read(Query("ops.quarantine"))
    assert quarantine["reason"].tolist() == ["unreadable payload: fake: nested too deeply"]
    assert quarantine["natural_key"].tolist() == ["CCC"]
    assert "[[[[[" in quarantine["payload"].iloc[0]
    record = store.read(Query("ops.ingest_runs")).iloc[0]
    assert record["status"] == "partial"
    assert record["rows_quarantined"] == 1
    assert json.loads(record["errors"])["market_data"]["BBB"].startswith("OverflowError")


def test_a_step_that_raises_fails_alone(store: SqlStore) -> None:
    source = FakeBarSource({s: session_bars(s) for s in SYMBOLS})
    broken = plan(calendars={s: "NO-SUCH-CALENDAR" for s in SYMBOLS})  # data quality raises

    result = Pipeline(store, Sources(bars=source), clock=CLOCK).run(broken)

    statuses = {r.step: r.status for r in result.steps}
    assert statuses == {Step.MARKET_DATA: StepStatus.SUCCESS, Step.DATA_QUALITY: StepStatus.FAILED}
    assert result.steps[1].failures["*"].startswith("step failed: ")
    assert result.status is RunStatus.PARTIAL


def test_a_step_with_nothing_to_do_is_not_run_and_covered_symbols_are_no_status(
    store: SqlStore,
) -> None:
    source = FakeBarSource({s: session_bars(s) for s in SYMBOLS})
    Pipeline(store, Sources(bars=source), clock=CLOCK).run(plan())

    again = Pipeline(store, Sources(bars=source), clock=CLOCK).run(
        plan(steps=(Step.MARKET_DATA, Step.CRYPTO))
    )

    market, crypto = again.steps
    assert (market.status, sorted(market.covered)) == (StepStatus.SUCCESS, list(SYMBOLS))
    assert crypto.status is StepStatus.NOT_RUN
    summary = json.loads(store.read(Query("ops.ingest_runs")).iloc[-1]["steps"])
    assert {s["status"] for s in summary.values()} <= {"success", "not_run"}


def test_an_interrupted_run_is_recorded_failed_before_the_interrupt_goes_on(
    store: SqlStore,
) -> None:
    source = FakeBarSource({}, failures={"AAA": KeyboardInterrupt()})  # type: ignore[dict-item]

    with pytest.raises(KeyboardInterrupt):
        Pipeline(store, Sources(bars=source), clock=CLOCK).run(plan(equities=("AAA",)))

    record = store.read(Query("ops.ingest_runs")).iloc[0]
    assert record["status"] == "failed"
    # asyncio turns the interrupt inside a task into the cancellation of the run.
    assert json.loads(record["errors"])["run"] in {
        "stopped: KeyboardInterrupt",
        "stopped: CancelledError",
    }


def running_row(run_id: str, owner: str | None, started: dt.datetime) -> dict[str, object]:
    return {
        "run_id": run_id,
        "mode": "backfill",
        "status": "running",
        "started_at": started,
        "finished_at": None,
        "rows_written": 5,
        "rows_quarantined": 0,
        "steps": "{}",
        "errors": "{}",
        "owner": owner,
        "source": "tetra",
    }


def dead_owner() -> str:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    me = this_process()
    return str(Owner(me.host, int(finished.stdout), "1"))


def test_runs_whose_process_is_gone_are_marked_abandoned_and_live_ones_are_not(
    store: SqlStore,
) -> None:
    now = CLOCK.now()
    rows = [
        running_row("killed", dead_owner(), now - dt.timedelta(hours=1)),
        running_row("legacy", None, now - dt.timedelta(days=3)),
        running_row("alive", str(this_process()), now - dt.timedelta(minutes=5)),
        running_row("elsewhere-new", "other-host:42:7", now - dt.timedelta(hours=2)),
        running_row("elsewhere-old", "other-host:43:7", now - dt.timedelta(hours=30)),
    ]
    store.upsert("ops.ingest_runs", pd.DataFrame(rows))

    marked = mark_abandoned(store, now, by="server start-up")

    assert sorted(marked) == ["elsewhere-old", "killed", "legacy"]
    runs = store.read(Query("ops.ingest_runs")).set_index("run_id")
    assert runs.loc["alive", "status"] == "running"
    assert runs.loc["elsewhere-new", "status"] == "running"
    killed = runs.loc["killed"]
    assert killed["status"] == "abandoned"
    assert pd.Timestamp(killed["finished_at"]) == pd.Timestamp(now)
    why = json.loads(killed["errors"])["run"]
    assert "is gone (killed or crashed)" in why
    assert "noticed by server start-up" in why
    assert killed["rows_written"] == 5
    assert mark_abandoned(store, now, by="again") == []  # a second sweep changes nothing


def test_a_new_run_marks_the_dead_ones_first(store: SqlStore) -> None:
    store.upsert(
        "ops.ingest_runs",
        pd.DataFrame([running_row("killed", dead_owner(), CLOCK.now() - dt.timedelta(hours=1))]),
    )
    source = FakeBarSource({s: session_bars(s) for s in SYMBOLS})

    result = Pipeline(store, Sources(bars=source), clock=CLOCK).run(plan())

    assert result.abandoned == ("killed",)
    statuses = store.read(Query("ops.ingest_runs")).set_index("run_id")["status"].to_dict()
    assert statuses == {"killed": "abandoned", result.run_id: "success"}
