"""One report run of a book: its cycle, its report with the summary, stored; a failure kept.

`make_report` is what `tetra report sod|eod` (the scheduled report jobs) runs for each book.
When anything raises before the report is stored (the cycle, building the report, the
model's summary, the store's write), the run is kept as failed in ``reports.failures``
with the error's class and message, then the error is raised again. The next report and
the monitor page then list it as failed, with its reason, rather than as missed
(`tetra.monitoring.run_issues`); a later run that stores the report supersedes it. Every run
is counted in ``tetra_report_runs`` (done or failed), even when the store cannot keep the
failure, so Prometheus's `TetraReportRunFailed` sees it as well as the `failed_report` rule.
"""

from __future__ import annotations

import datetime as dt

from tetra.chat.translation import ChatModel
from tetra.core.errors import ValidationError
from tetra.core.telemetry import telemetry
from tetra.cycle.daily_reports import build_report
from tetra.cycle.narrative import narrate
from tetra.cycle.runner import CycleContext, latest_session, run_cycle
from tetra.data.calendars import sessions
from tetra.reports.daily import DailyReport, ReportKind
from tetra.reports.delivery import ReportArchive

WEEK = dt.timedelta(days=7)


def make_report(
    ctx: CycleContext,
    book: str,
    kind: ReportKind,
    session: dt.date | None = None,
    model: ChatModel | None = None,
) -> DailyReport:
    """Run `book`'s cycle at `session` (default: its last close), store its `kind` report.

    Raise what the run raised, after keeping it as a failed run (see the module docstring).
    """
    archive = ReportArchive(ctx.store)
    labels = {"book": book, "kind": kind}
    try:
        report = narrate(build_report(ctx, run_cycle(ctx, book, session), kind), model)
        archive.save(report)
    except Exception as error:
        _keep_failure(ctx, archive, book, kind, session, error)
        telemetry().increment("tetra_report_runs", {**labels, "status": "failed"})
        raise
    telemetry().increment("tetra_report_runs", {**labels, "status": "done"})
    return report


def _keep_failure(
    ctx: CycleContext,
    archive: ReportArchive,
    book: str,
    kind: ReportKind,
    session: dt.date | None,
    error: Exception,
) -> None:
    try:
        version = ctx.books.book(book)
        if version is None:
            return  # not a book: no report of it is expected, nothing to list it under
        day = session or _session(ctx, list(version.book.symbols))
        archive.record_failure(kind, book, day, error, ctx.clock.now())
    except Exception as problem:  # a store that is down: never hide the run's own error
        error.add_note(f"the failed report run could not be recorded: {problem}")


def _session(ctx: CycleContext, symbols: list[str]) -> dt.date:
    """Return the session the run would have reported on: the symbols' last close.

    Without any stored bar, the last NYSE session before today.
    """
    try:
        return latest_session(ctx.store, symbols)
    except ValidationError:
        today = ctx.clock.now().date()
        return dt.date.fromisoformat(str(sessions(today - WEEK, today - dt.timedelta(days=1))[-1]))
