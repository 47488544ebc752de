"""Missed and failed scheduled runs: the data pipeline, the daily cycle, the SOD and EOD reports.

`run_issues` looks at the sessions (NYSE) of a window and reports, oldest first:

- pipeline: a run of ``ops.ingest_runs`` that failed, was abandoned or finished partial;
  and, once a daily run has ever been recorded before the window, a session with no daily
  run started after its close and before the end of the next day (the data job runs the
  morning after a close, or in the evening);
- cycle: a failed run of ``cycle.runs`` (its error); a session without a run, for a book
  that makes no reports (a book with reports is covered by the next point);
- sod / eod: a report run that failed before its report was stored (``reports.failures``,
  its error), unless a later run stored it; once a book has a report of that kind, a later
  session with neither a report nor such a failure; and a report that was sent but never
  delivered (every attempt failed).

The daily report lists the issues of the week before its session; the monitor page those
of the last days. Only what the store records is judged: a schedule never installed
produces no "missed" lines (nothing was ever run), a job that ran once starts the count.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from tetra.data.calendars import sessions
from tetra.data.ports import Query, Store
from tetra.reports.daily import RunIssue

ONE_DAY = dt.timedelta(days=1)
# A session's data run starts after its close (20:00 UTC is 16:00 in New York in summer)
# and before the end of the next day.
CLOSE_UTC = dt.time(20, 0)
PIPELINE_GRACE = dt.timedelta(hours=28)
BAD_PIPELINE = ("failed", "partial", "abandoned")
REPORT_KINDS = ("sod", "eod")


def run_issues(
    store: Store,
    start: dt.date,
    end: dt.date,
    books: Sequence[str] | None = None,
    *,
    now: dt.datetime | None = None,
) -> list[RunIssue]:
    """Return the missed and failed runs of sessions in [start, end] (see the module doc).

    With `now`, a data run still within its time (before the end of the day after the
    session) is not called missed.
    """
    if end < start:
        return []
    days = [dt.date.fromisoformat(str(d)) for d in sessions(start, end)]
    names = sorted(books) if books is not None else _books(store)
    found = _pipeline(store, start, end, days, now)
    for book in names:
        found += _book_issues(store, book, start, end, days)
    return sorted(found, key=lambda i: (i.day, i.job, i.book or "", i.status))


def pipeline_status(store: Store, session: dt.date) -> list[str]:
    """Return the data-quality lines of `session`'s data run: outcome, rows, quarantined.

    The run is the last daily run started after the session's close and before the end of
    the next day; nothing when no daily run was ever recorded.
    """
    columns = ["run_id", "mode", "status", "started_at", "rows_written", "rows_quarantined"]
    rows = store.read_arrow(Query("ops.ingest_runs", columns=columns)).to_pylist()
    daily = sorted((r for r in rows if r["mode"] == "daily"), key=lambda r: _utc(r["started_at"]))
    if not daily:
        return []
    begin = dt.datetime.combine(session, CLOSE_UTC, dt.UTC)
    runs = [r for r in daily if begin <= _utc(r["started_at"]) < begin + PIPELINE_GRACE]
    if not runs:
        return [f"data pipeline: no daily run recorded after the close of {session}"]
    run = runs[-1]
    return [
        f"data pipeline: run {run['run_id']} {run['status']} at "
        f"{_utc(run['started_at']):%Y-%m-%d %H:%M} UTC, {run['rows_written'] or 0:,} rows "
        f"written, {run['rows_quarantined'] or 0:,} quarantined"
    ]


def _pipeline(
    store: Store, start: dt.date, end: dt.date, days: list[dt.date], now: dt.datetime | None
) -> list[RunIssue]:
    columns = ["run_id", "mode", "status", "started_at", "errors"]
    rows = store.read_arrow(Query("ops.ingest_runs", columns=columns)).to_pylist()
    issues = [
        RunIssue(
            job="pipeline",
            day=_day(r["started_at"]),
            status=str(r["status"]),
            detail=f"{r['mode']} run {r['run_id']} {r['status']}{_first_error(r['errors'])}",
        )
        for r in rows
        if r["status"] in BAD_PIPELINE and start <= _day(r["started_at"]) <= end
    ]
    daily = sorted(_utc(r["started_at"]) for r in rows if r["mode"] == "daily")
    if not daily or _day(daily[0]) >= start:
        return issues
    for day in days:
        begin = dt.datetime.combine(day, CLOSE_UTC, dt.UTC)
        if now is not None and begin + PIPELINE_GRACE > now:
            continue
        if not any(begin <= at < begin + PIPELINE_GRACE for at in daily):
            issues.append(
                RunIssue(
                    job="pipeline",
                    day=day,
                    status="missed",
                    detail=f"no daily data run after the close of {day}",
                )
            )
    return issues


def _book_issues(
    store: Store, book: str, start: dt.date, end: dt.date, days: list[dt.date]
) -> list[RunIssue]:
    runs = store.read_arrow(Query("cycle.runs", where={"book": book})).to_pylist()
    issues = [
        RunIssue(
            job="cycle",
            book=book,
            day=r["session"],
            status="failed",
            detail=f"the cycle of {book} failed: {r['error']}",
        )
        for r in runs
        if r["status"] == "failed" and start <= r["session"] <= end
    ]
    columns = ["report_id", "kind", "session"]
    reports = store.read_arrow(
        Query("reports.reports", where={"book": book}, columns=columns)
    ).to_pylist()
    failed = _failed_reports(store, book, start, end, {r["report_id"] for r in reports})
    issues += failed
    if reports:
        for kind in _kinds(reports):
            done = {r["session"] for r in reports if r["kind"] == kind}
            expected = [d for d in days if not any(i.job == kind and i.day == d for i in failed)]
            issues += _missed(book, kind, done, expected)
        issues += _undelivered(store, book, [r for r in reports if start <= r["session"] <= end])
    else:
        issues += _missed(book, "cycle", {r["session"] for r in runs}, days)
    return issues


def _failed_reports(
    store: Store, book: str, start: dt.date, end: dt.date, stored: set[str]
) -> list[RunIssue]:
    rows = store.read_arrow(Query("reports.failures", where={"book": book})).to_pylist()
    return [
        RunIssue(
            job=r["kind"],
            book=book,
            day=r["session"],
            status="failed",
            detail=f"the {r['kind'].upper()} report of {book} failed: {r['error']}",
        )
        for r in rows
        if start <= r["session"] <= end and r["report_id"] not in stored
    ]


def _kinds(reports: Iterable[dict[str, Any]]) -> list[str]:
    kinds = {r["kind"] for r in reports}
    return [k for k in REPORT_KINDS if k in kinds]


def _missed(book: str, job: str, done: set[dt.date], days: list[dt.date]) -> list[RunIssue]:
    if not done:
        return []
    first = min(done)
    what = "cycle" if job == "cycle" else f"{job.upper()} report"
    return [
        RunIssue(
            job=job,
            book=book,
            day=day,
            status="missed",
            detail=f"no {what} of {book} for {day}",
        )
        for day in days
        if day > first and day not in done
    ]


def _undelivered(store: Store, book: str, reports: list[dict[str, Any]]) -> list[RunIssue]:
    if not reports:
        return []
    ids = [r["report_id"] for r in reports]
    attempts: dict[str, list[dict[str, Any]]] = {}
    query = Query("reports.deliveries", where={"report_id": ids})
    for row in store.read_arrow(query).to_pylist():
        attempts.setdefault(row["report_id"], []).append(row)
    issues = []
    for report in reports:
        tried = sorted(attempts.get(report["report_id"], []), key=lambda a: a["attempt"])
        if tried and all(a["status"] != "sent" for a in tried):
            issues.append(
                RunIssue(
                    job=report["kind"],
                    book=book,
                    day=report["session"],
                    status="failed",
                    detail=f"{report['report_id']} not delivered after {len(tried)} "
                    f"attempt(s): {tried[-1]['error']}",
                )
            )
    return issues


def _books(store: Store) -> list[str]:
    rows = store.read_arrow(Query("portfolio.books", columns=["name"])).to_pylist()
    return sorted({r["name"] for r in rows})


def _first_error(value: object) -> str:
    try:
        errors = json.loads(value) if isinstance(value, str) and value else value
    except json.JSONDecodeError:
        return f": {str(value)[:200]}"
    if isinstance(errors, dict) and errors:
        key, text = next(iter(errors.items()))
        return f": {key}: {str(text)[:200]}"
    return ""


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _day(value: dt.datetime) -> dt.date:
    return _utc(value).date()
