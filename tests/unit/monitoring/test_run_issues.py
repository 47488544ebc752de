"""Missed and failed runs on a hand-made store: pipeline, cycles, SOD/EOD reports, deliveries."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from tetra.data.ports import Store
from tetra.monitoring.run_issues import pipeline_status, run_issues
from tetra.reports.delivery import ReportArchive
from tetra.testing import InMemoryStore

D = dt.date
START, END = D(2024, 1, 8), D(2024, 1, 12)  # Monday to Friday


def _at(day: int, hour: int = 10) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(2024, 1, day, hour), tz="UTC")


def _pipeline(store: Store) -> None:
    runs = [
        ("r05", _at(5), "success", {}),  # before the window: the schedule exists
        ("r09", _at(9), "success", {}),  # after the close of the 8th
        ("r10", _at(10), "failed", {"market_data": "HTTP 503 from polygon"}),
        ("r11", _at(11), "abandoned", {"run": "abandoned: process 12 gone"}),
        ("r13", _at(13), "success", {}),  # after the 12th; nothing after the 11th
    ]
    store.upsert(
        "ops.ingest_runs",
        pd.DataFrame(
            [
                {
                    "run_id": run_id,
                    "mode": "daily",
                    "status": status,
                    "started_at": at,
                    "finished_at": at + pd.Timedelta(minutes=5),
                    "rows_written": 1200,
                    "rows_quarantined": 3,
                    "steps": "{}",
                    "errors": json.dumps(errors),
                    "source": "tetra",
                }
                for run_id, at, status, errors in runs
            ]
        ),
    )


def _cycle_runs(store: Store, book: str, days: dict[int, str]) -> None:
    store.upsert(
        "cycle.runs",
        pd.DataFrame(
            [
                {
                    "book": book,
                    "session": D(2024, 1, day),
                    "book_version": 1,
                    "anchor": D(2023, 1, 2),
                    "status": status,
                    "equity": None,
                    "cash": None,
                    "summary": "{}",
                    "error": "ValidationError: no bars on 2024-01-11"
                    if status == "failed"
                    else None,
                    "ran_at": _at(day, 22),
                    "source": "tetra",
                }
                for day, status in days.items()
            ]
        ),
    )


def _reports(store: Store) -> None:
    store.upsert(
        "reports.reports",
        pd.DataFrame(
            [
                {
                    "report_id": f"sod:swing:2024-01-{day:02d}",
                    "kind": "sod",
                    "book": "swing",
                    "session": D(2024, 1, day),
                    "created_at": _at(day + 1, 12),
                    "payload": "{}",
                    "source": "tetra",
                }
                for day in (5, 8, 9, 11, 12)  # none for the 10th
            ]
        ),
    )
    attempts = [
        ("sod:swing:2024-01-08", 1, "failed", "refused"),
        ("sod:swing:2024-01-08", 2, "sent", None),
        ("sod:swing:2024-01-09", 1, "failed", "connection refused"),
        ("sod:swing:2024-01-09", 2, "failed", "connection refused"),
    ]
    store.upsert(
        "reports.deliveries",
        pd.DataFrame(
            [
                {
                    "report_id": report_id,
                    "attempt": attempt,
                    "at": _at(10, 12),
                    "status": status,
                    "recipients": '["me@x.org"]',
                    "error": error,
                    "source": "tetra",
                }
                for report_id, attempt, status, error in attempts
            ]
        ),
    )


def _store() -> Store:
    store = InMemoryStore()
    store.migrate()
    _pipeline(store)
    _cycle_runs(store, "swing", {5: "done", 8: "done", 9: "done", 11: "failed", 12: "done"})
    _cycle_runs(store, "solo", {5: "done", 8: "done", 9: "done", 12: "done"})
    _reports(store)
    return store


def test_every_failed_abandoned_and_missed_run_of_the_window_is_listed() -> None:
    found = [
        (i.day.day, i.job, i.book, i.status, i.detail)
        for i in run_issues(_store(), START, END, ["swing", "solo"])
    ]

    assert found == [
        (
            9,
            "sod",
            "swing",
            "failed",
            "sod:swing:2024-01-09 not delivered after 2 attempt(s): connection refused",
        ),
        (10, "cycle", "solo", "missed", "no cycle of solo for 2024-01-10"),
        (
            10,
            "pipeline",
            None,
            "failed",
            "daily run r10 failed: market_data: HTTP 503 from polygon",
        ),
        (10, "sod", "swing", "missed", "no SOD report of swing for 2024-01-10"),
        (11, "cycle", "solo", "missed", "no cycle of solo for 2024-01-11"),
        (
            11,
            "cycle",
            "swing",
            "failed",
            "the cycle of swing failed: ValidationError: no bars on 2024-01-11",
        ),
        (
            11,
            "pipeline",
            None,
            "abandoned",
            "daily run r11 abandoned: run: abandoned: process 12 gone",
        ),
        (11, "pipeline", None, "missed", "no daily data run after the close of 2024-01-11"),
    ]


def test_a_store_that_never_ran_a_schedule_has_no_missed_runs() -> None:
    store = InMemoryStore()
    store.migrate()
    _cycle_runs(store, "swing", {12: "done"})

    assert run_issues(store, START, END) == []
    assert pipeline_status(store, END) == []


def test_the_days_pipeline_status_names_its_run_and_counts() -> None:
    store = _store()

    assert pipeline_status(store, D(2024, 1, 12)) == [
        "data pipeline: run r13 success at 2024-01-13 10:00 UTC, 1,200 rows written, 3 quarantined"
    ]
    assert pipeline_status(store, D(2024, 1, 11)) == [
        "data pipeline: no daily run recorded after the close of 2024-01-11"
    ]


def test_a_report_run_that_raised_before_storing_is_failed_with_its_error_not_missed() -> None:
    store = _store()
    archive = ReportArchive(store)
    broken = RuntimeError("chart renderer crashed")
    archive.record_failure("sod", "swing", D(2024, 1, 10), broken, _at(10, 12).to_pydatetime())
    archive.record_failure("sod", "swing", D(2024, 1, 12), broken, _at(12, 12).to_pydatetime())

    found = [
        (i.day.day, i.status, i.detail)
        for i in run_issues(store, START, END, ["swing"])
        if i.job == "sod"
    ]

    assert found == [
        (9, "failed", "sod:swing:2024-01-09 not delivered after 2 attempt(s): connection refused"),
        (10, "failed", "the SOD report of swing failed: RuntimeError: chart renderer crashed"),
    ]  # not missed on the 10th; the 12th's report was stored by a later run: superseded
