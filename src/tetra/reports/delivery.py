"""Keeping and sending reports: the archive (``reports`` schema) and delivery with retries.

`ReportArchive.save` stores a report before anything tries to send it, so a failed send
never loses one; `ReportArchive.record_failure` keeps a report run that raised before its
report was stored (``reports.failures``), so it is listed as failed rather than missed.
`deliver` composes the email, hands it to a `Mailer` and retries a failure with exponential
backoff (`attempts`, `backoff` seconds doubling, an injected `sleep`); every attempt, sent
or failed, is a row in ``reports.deliveries``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import pandas as pd

from tetra.core.clock import Clock
from tetra.core.errors import TetraError
from tetra.core.telemetry import telemetry
from tetra.data.ports import Query, Store
from tetra.reports.daily import DailyReport, ReportKind, report_id
from tetra.reports.email import compose

REPORTS, DELIVERIES = "reports.reports", "reports.deliveries"
FAILURES = "reports.failures"


class DeliveryError(TetraError):
    """A mailer could not hand a message over (connection, refusal, authentication)."""


class Mailer(Protocol):
    """Sends one email message.

    Contract: return once the server accepted the message for every recipient; raise
    `DeliveryError` with the server's reason otherwise (nothing is retried inside).
    """

    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class MailSettings:
    """Where reports go: a mailer, the sender, the recipients when a book names none."""

    mailer: Mailer
    sender: str
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Delivery:
    """One attempt to send a report."""

    report_id: str
    attempt: int
    at: dt.datetime
    status: str  # sent or failed
    recipients: tuple[str, ...]
    error: str | None


class ReportArchive:
    """Reports and their deliveries in a Tetra store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save(self, report: DailyReport) -> None:
        row = {
            "report_id": report.report_id,
            "kind": report.kind,
            "book": report.book,
            "session": report.session,
            "created_at": report.generated_at,
            "payload": report.model_dump_json(),
            "source": "tetra",
        }
        self._store.upsert(REPORTS, pd.DataFrame([row]))

    def record_failure(
        self,
        kind: ReportKind,
        book: str,
        session: dt.date,
        error: BaseException,
        at: dt.datetime,
    ) -> None:
        """Keep that the `kind` report of `book` for `session` raised `error` unstored."""
        row = {
            "report_id": report_id(kind, book, session),
            "kind": kind,
            "book": book,
            "session": session,
            "failed_at": at,
            "error": f"{type(error).__name__}: {error}",
            "source": "tetra",
        }
        self._store.upsert(FAILURES, pd.DataFrame([row]))

    def get(self, report_id: str) -> DailyReport | None:
        rows = self._store.read_arrow(Query(REPORTS, where={"report_id": report_id})).to_pylist()
        return DailyReport.model_validate_json(rows[0]["payload"]) if rows else None

    def listing(
        self, *, book: str | None = None, kind: str | None = None, limit: int = 200
    ) -> list[tuple[str, str, str, dt.date, dt.datetime]]:
        """Return (report_id, kind, book, session, created_at), newest session first."""
        where: dict[str, str] = {}
        if book:
            where["book"] = book
        if kind:
            where["kind"] = kind
        columns = ["report_id", "kind", "book", "session", "created_at"]
        rows = self._store.read_arrow(Query(REPORTS, where=where, columns=columns)).to_pylist()
        rows.sort(key=lambda r: (r["session"], r["report_id"]), reverse=True)
        return [
            (r["report_id"], r["kind"], r["book"], r["session"], r["created_at"])
            for r in rows[:limit]
        ]

    def deliveries(self, report_id: str) -> list[Delivery]:
        query = Query(DELIVERIES, where={"report_id": report_id})
        rows = self._store.read_arrow(query).to_pylist()
        return sorted((_delivery(r) for r in rows), key=lambda d: d.attempt)

    def record(self, delivery: Delivery) -> None:
        row = {
            "report_id": delivery.report_id,
            "attempt": delivery.attempt,
            "at": delivery.at,
            "status": delivery.status,
            "recipients": json.dumps(list(delivery.recipients)),
            "error": delivery.error,
            "source": "tetra",
        }
        self._store.upsert(DELIVERIES, pd.DataFrame([row]))
        telemetry().increment("tetra_report_deliveries", {"status": delivery.status})


def deliver(
    report: DailyReport,
    mailer: Mailer,
    archive: ReportArchive,
    *,
    sender: str,
    recipients: Sequence[str],
    clock: Clock,
    attempts: int = 3,
    backoff: float = 2.0,
    sleep: Callable[[float], None] | None = None,
) -> Delivery:
    """Store `report`, then send it, retrying failures; return the last attempt's record."""
    archive.save(report)
    message = compose(report, sender, recipients)
    done = len(archive.deliveries(report.report_id))
    wait = sleep or _no_sleep
    last: Delivery | None = None
    for n in range(attempts):
        if n:
            wait(backoff * 2 ** (n - 1))
        last = _attempt(report, mailer, message, recipients, done + n + 1, clock)
        archive.record(last)
        if last.status == "sent":
            break
    assert last is not None
    return last


def _attempt(
    report: DailyReport,
    mailer: Mailer,
    message: EmailMessage,
    recipients: Sequence[str],
    attempt: int,
    clock: Clock,
) -> Delivery:
    try:
        mailer.send(message)
    except DeliveryError as error:
        return Delivery(
            report.report_id, attempt, clock.now(), "failed", tuple(recipients), str(error)
        )
    return Delivery(report.report_id, attempt, clock.now(), "sent", tuple(recipients), None)


def _no_sleep(seconds: float) -> None:
    del seconds


def _delivery(row: dict[str, object]) -> Delivery:
    return Delivery(
        str(row["report_id"]),
        int(str(row["attempt"])),
        row["at"],  # type: ignore[arg-type]
        str(row["status"]),
        tuple(json.loads(str(row["recipients"]))),
        None if row["error"] is None else str(row["error"]),
    )
