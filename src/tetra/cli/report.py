"""`tetra report sod|eod`: build a book's start- or end-of-day report, store it, write or send it.

The report comes from the cycle run of the session (run again: runs are idempotent per
book and session). A book whose run fails is recorded as a failed report run, listed in the
next report and on the monitor page, and the other books still get theirs (exit code 1).
`--out DIR` writes ``<id>.html`` (charts inline as data URIs, for a browser) and
``<id>.txt``; `--send` emails it through the SMTP settings to the book's
recipients (else ``smtp.recipients``), retrying with backoff; a failed send is recorded
and the report stays stored (exit code 4). With a local model configured (``llm_local``;
never the cloud one: reports are private), it writes the summary paragraph from the
report's numbers, checked (`tetra.cycle.narrative`).
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from pathlib import Path

import typer

from tetra.adapters.email.smtp import Security, SmtpMailer
from tetra.chat.translation import ChatModel
from tetra.cli.chat_wiring import chat_model
from tetra.cli.common import KIND_OPTION, console, errors, settings
from tetra.cli.cycle import BOOK, DATE, cycle_context, parse_date
from tetra.core.clock import Clock
from tetra.core.errors import TetraError
from tetra.cycle import CycleContext
from tetra.cycle.report_runs import make_report
from tetra.reports.daily import DailyReport, ReportKind
from tetra.reports.daily_charts import charts
from tetra.reports.daily_render import render_html, render_text
from tetra.reports.delivery import ReportArchive, deliver
from tetra.settings import Settings

app = typer.Typer(help="Start- and end-of-day reports: build, store, write, email.")

EXIT_NOT_SENT = 4
OUT = typer.Option(None, "--out", help="Write <report>.html and <report>.txt into this folder.")
SEND = typer.Option(False, "--send", help="Email the report (SMTP settings).")


@app.command("sod")
def sod_command(
    book: str | None = BOOK,
    date: str | None = DATE,
    out: Path | None = OUT,
    send: bool = SEND,
    sample: bool = KIND_OPTION,
) -> None:
    """The start-of-day report: recommendations with their reasoning, market, risk."""
    make_reports("sod", book, date, out, send, sample)


@app.command("eod")
def eod_command(
    book: str | None = BOOK,
    date: str | None = DATE,
    out: Path | None = OUT,
    send: bool = SEND,
    sample: bool = KIND_OPTION,
) -> None:
    """The end-of-day report: P&L split, fills against decision prices, risk, pending."""
    make_reports("eod", book, date, out, send, sample)


def make_reports(
    kind: ReportKind, book: str | None, date: str | None, out: Path | None, send: bool, sample: bool
) -> None:
    """Build, store and deliver the `kind` report of every book (or `book`).

    A book whose run fails is kept as a failed run (`tetra.cycle.report_runs`) and the
    other books still get theirs; the command then exits 1 (4 when only sends failed).
    """
    config = settings()
    session = None if date is None else parse_date(date)
    failed = broken = 0
    model = report_model(config)
    with cycle_context(sample) as ctx:
        archive = ReportArchive(ctx.store)
        names = [book] if book else [v.name for v in ctx.books.books()]
        for name in names:
            report = _report(ctx, name, kind, session, model)
            if report is None:
                broken += 1
                continue
            console.print(f"[bold]{report.report_id}[/]: {report.summary}")
            if out is not None:
                _write(report, out)
            if send:
                declared = ctx.books.book(name)
                own = [] if declared is None else list(declared.book.recipients)
                recipients = own or config.smtp.recipients
                failed += not _send(report, archive, config, recipients, ctx.clock)
    if broken or failed:
        raise typer.Exit(1 if broken else EXIT_NOT_SENT)


def _report(
    ctx: CycleContext,
    name: str,
    kind: ReportKind,
    session: dt.date | None,
    model: ChatModel | None,
) -> DailyReport | None:
    try:
        return make_report(ctx, name, kind, session, model)
    except TetraError as error:
        errors.print(f"[bold red]error:[/] {kind} report of {name}: {error}")
    except Exception:  # a bug: its traceback, then the other books
        errors.print(f"[bold red]error:[/] {kind} report of {name} failed:")
        errors.print_exception()
    return None


def report_model(config: Settings) -> ChatModel | None:
    """Return the model that may write report summaries: the local one only (private data)."""
    return chat_model(config.llm_local)


def mailer_of(config: Settings) -> SmtpMailer:
    """Return the SMTP mailer of the settings: STARTTLS, implicit TLS on 465, else plain."""
    smtp = config.smtp
    security: Security = "starttls" if smtp.starttls else ("ssl" if smtp.port == 465 else "none")
    password = None if smtp.password is None else smtp.password.get_secret_value()
    return SmtpMailer(smtp.host, smtp.port, security, smtp.username, password)


def _send(
    report: DailyReport,
    archive: ReportArchive,
    config: Settings,
    recipients: list[str],
    clock: Clock,
) -> bool:
    if not recipients:
        errors.print(f"[red]{report.report_id}: no recipients (book or smtp.recipients)[/]")
        return False
    outcome = deliver(
        report,
        mailer_of(config),
        archive,
        sender=config.smtp.sender,
        recipients=recipients,
        clock=clock,
        sleep=time.sleep,
    )
    if outcome.status == "sent":
        console.print(f"sent to {', '.join(recipients)}")
        return True
    errors.print(f"[red]not sent after {outcome.attempt} attempt(s): {outcome.error}[/]")
    return False


def _write(report: DailyReport, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    images = {k: base64.b64encode(v).decode() for k, v in charts(report).items()}
    html = render_html(report, lambda name: f"data:image/png;base64,{images[name]}")
    stem = report.report_id.replace(":", "_")
    (folder / f"{stem}.html").write_text(html, encoding="utf-8")
    (folder / f"{stem}.txt").write_text(render_text(report), encoding="utf-8")
    console.print(f"wrote {folder / stem}.html and .txt")
