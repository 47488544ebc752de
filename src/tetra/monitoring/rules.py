"""Alert rules: each reads the store and reports the conditions that are wrong right now.

A rule returns only firing conditions; an alert of a rule that ran and did not report it
again has recovered. Rules read through the `Store` port, so they run on either engine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from tetra.core.telemetry import telemetry
from tetra.data.ports import Query, Store

WARNING, CRITICAL = "warning", "critical"


@dataclass(frozen=True, slots=True)
class Condition:
    """Something a rule found wrong: which rule, about what, how bad, in words."""

    rule: str
    subject: str
    severity: str
    message: str

    @property
    def alert_id(self) -> str:
        return f"{self.rule}:{self.subject}"


class AlertRule(Protocol):
    """One check. `name` is stable (it keys the alerts); `evaluate` must not write."""

    @property
    def name(self) -> str: ...

    def evaluate(self, store: Store, now: dt.datetime) -> list[Condition]: ...


@dataclass(frozen=True)
class StaleData:
    """A dataset whose newest row is older than `max_age` (also sets its age gauge).

    An empty dataset raises nothing: a store that never collected it is not stale.
    """

    dataset: str = "market_data.ohlcv"
    max_age: dt.timedelta = dt.timedelta(days=4)  # a long weekend of daily bars
    name: str = "stale_data"

    def evaluate(self, store: Store, now: dt.datetime) -> list[Condition]:
        rows = store.coverage(self.dataset)
        if not rows:
            return []
        newest = max(_as_instant(r.last) for r in rows)
        age = now - newest
        telemetry().set("tetra_data_age_seconds", {"dataset": self.dataset}, age.total_seconds())
        if age <= self.max_age:
            return []
        days = age.total_seconds() / 86_400
        message = f"newest row of {self.dataset} is {days:.1f} days old ({newest:%Y-%m-%d})"
        return [Condition(self.name, self.dataset, CRITICAL, message)]


@dataclass(frozen=True)
class FailedRuns:
    """The latest finished pipeline run failed, or a run has been running too long."""

    stuck_after: dt.timedelta = dt.timedelta(hours=6)
    name: str = "failed_run"

    def evaluate(self, store: Store, now: dt.datetime) -> list[Condition]:
        runs = store.read(
            Query("ops.ingest_runs", columns=["run_id", "status", "started_at", "finished_at"])
        )
        if runs.empty:
            return []
        found = []
        finished = runs[runs["finished_at"].notna()].sort_values("finished_at")
        if not finished.empty and finished.iloc[-1]["status"] == "failed":
            run_id = finished.iloc[-1]["run_id"]
            found.append(
                Condition(self.name, "pipeline", CRITICAL, f"pipeline run {run_id} failed")
            )
        running = runs[runs["status"] == "running"]
        started = pd.to_datetime(running["started_at"], utc=True)
        stuck = running[started < pd.Timestamp(now - self.stuck_after)]
        for run_id in stuck["run_id"]:
            message = f"pipeline run {run_id} still running after {self.stuck_after}"
            found.append(Condition(self.name, f"stuck:{run_id}", WARNING, message))
        return found


@dataclass(frozen=True)
class QuarantineSpike:
    """More than `threshold` records of one dataset quarantined within `window`."""

    threshold: int = 100
    window: dt.timedelta = dt.timedelta(hours=24)
    name: str = "quarantine_spike"

    def evaluate(self, store: Store, now: dt.datetime) -> list[Condition]:
        rows = store.read(
            Query("ops.quarantine", columns=["record_id", "dataset"], start=now - self.window)
        )
        counts = rows.groupby("dataset").size()
        hours = self.window.total_seconds() / 3600
        return [
            Condition(
                self.name,
                str(dataset),
                WARNING,
                f"{count} records of {dataset} quarantined in the last {hours:g} h",
            )
            for dataset, count in counts.items()
            if count > self.threshold
        ]


@dataclass(frozen=True)
class HaltedBooks:
    """An engaged kill switch, or a book whose latest trading-state transition is halted."""

    name: str = "halted_book"

    def evaluate(self, store: Store, now: dt.datetime) -> list[Condition]:
        switches = store.read(Query("risk.kill_switches", where={"engaged": True}))
        found = []
        for scope, reason in zip(switches["scope"], switches["reason"], strict=True):
            where = "every book" if scope == "*" else str(scope)
            message = f"kill switch engaged for {where}: {reason}"
            found.append(Condition(self.name, f"kill_switch:{scope}", CRITICAL, message))
        events = store.read(Query("risk.events", where={"kind": "transition"}))
        latest = events.sort_values("at").groupby("book").tail(1)
        for row in latest[latest["current_state"] == "halted"].itertuples():
            message = f"book {row.book} is halted: {row.reason}"
            found.append(Condition(self.name, f"book:{row.book}", CRITICAL, message))
        return found


@dataclass(frozen=True)
class FailedCycles:
    """A book whose latest daily cycle (within `window`) failed."""

    window: dt.timedelta = dt.timedelta(days=7)
    name: str = "failed_cycle"

    def evaluate(self, store: Store, now: dt.datetime) -> list[Condition]:
        runs = store.read(
            Query(
                "cycle.runs",
                columns=["book", "session", "status", "error"],
                start=(now - self.window).date(),
            )
        )
        latest = runs.sort_values("session").groupby("book").tail(1)
        return [
            Condition(
                self.name,
                f"book:{row.book}",
                CRITICAL,
                f"the daily cycle of {row.book} failed for {row.session}: {row.error}",
            )
            for row in latest[latest["status"] == "failed"].itertuples()
        ]


@dataclass(frozen=True)
class FailedReports:
    """A book's SOD or EOD report whose latest run (within `window`) failed before it was stored.

    A failure of ``reports.failures`` counts unless a report of that book and kind is stored for
    the same or a later session: a rerun that stores it supersedes the failure.
    """

    window: dt.timedelta = dt.timedelta(days=7)
    name: str = "failed_report"

    def evaluate(self, store: Store, now: dt.datetime) -> list[Condition]:
        start = (now - self.window).date()
        failures = store.read(
            Query(
                "reports.failures",
                columns=["kind", "book", "session", "error"],
                start=start,
            )
        )
        if failures.empty:
            return []
        stored = store.read(
            Query("reports.reports", columns=["kind", "book", "session"], start=start)
        )
        newest_stored: dict[tuple[str, str], dt.date] = {}
        for row in stored.itertuples():
            key, session = (str(row.kind), str(row.book)), _as_day(row.session)
            newest_stored[key] = max(session, newest_stored.get(key, session))
        latest = failures.sort_values("session").groupby(["book", "kind"]).tail(1)
        found = []
        for row in latest.itertuples():
            kind, book, session = str(row.kind), str(row.book), _as_day(row.session)
            if session <= newest_stored.get((kind, book), dt.date.min):
                continue  # a report of this session or a later one was stored since
            message = f"the {kind.upper()} report of {book} failed for {session}: {row.error}"
            found.append(Condition(self.name, f"{kind}:{book}", CRITICAL, message))
        return found


@dataclass(frozen=True)
class ReportDeliveryFailures:
    """A report whose latest delivery attempt (within `window`) failed."""

    window: dt.timedelta = dt.timedelta(days=3)
    name: str = "report_delivery"

    def evaluate(self, store: Store, now: dt.datetime) -> list[Condition]:
        attempts = store.read(
            Query(
                "reports.deliveries",
                columns=["report_id", "attempt", "status", "error"],
                start=now - self.window,
            )
        )
        latest = attempts.sort_values("attempt").groupby("report_id").tail(1)
        return [
            Condition(
                self.name,
                str(row.report_id),
                WARNING,
                f"report {row.report_id} was not delivered (attempt {row.attempt}): {row.error}",
            )
            for row in latest[latest["status"] == "failed"].itertuples()
        ]


def default_rules(
    stale_after: dt.timedelta = dt.timedelta(days=4), quarantine_threshold: int = 100
) -> list[AlertRule]:
    """Return the rules `tetra alerts check` and the scheduler run."""
    return [
        StaleData(max_age=stale_after),
        FailedRuns(),
        QuarantineSpike(threshold=quarantine_threshold),
        HaltedBooks(),
        FailedCycles(),
        FailedReports(),
        ReportDeliveryFailures(),
    ]


def _as_instant(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(value, dt.time(), dt.UTC)


def _as_day(value: object) -> dt.date:
    """A session as stored (date, datetime, Timestamp, ISO text) as a date."""
    return dt.date.fromisoformat(str(value)[:10])
