"""Report delivery against a real SMTP server on loopback (tetra.testing.smtp)."""

from __future__ import annotations

import datetime as dt
import io
import re
import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "cycle"))

from cycle_fixtures import context, crossover_book, sessions

from tetra.adapters.email.smtp import SmtpMailer
from tetra.cycle import run_cycle
from tetra.cycle.daily_reports import build_report
from tetra.reports.daily import DailyReport
from tetra.reports.daily_render import money
from tetra.reports.delivery import ReportArchive, deliver
from tetra.testing.smtp import LoopbackSmtp

SPY = [12, 12, 12, 12, 11, 10, 10, 10, 10, 20, 21]
QQQ = [10, 10, 10, 10, 10, 11, 12, 13, 14, 15, 16]
TO = ["me@example.com"]


@pytest.fixture(scope="module")
def report_and_ctx() -> tuple[DailyReport, object]:
    ctx = context({"SPY": SPY, "QQQ": QQQ}, crossover_book("paper"))
    days = sessions(11)
    run_cycle(ctx, "swing", days[-2])
    return build_report(ctx, run_cycle(ctx, "swing", days[-1]), "eod"), ctx


def send(
    report_and_ctx: tuple[DailyReport, object], mailer: SmtpMailer, **options: object
) -> object:
    report, ctx = report_and_ctx
    archive = ReportArchive(ctx.store)  # type: ignore[attr-defined]
    return deliver(
        report,
        mailer,
        archive,
        sender="tetra@localhost",
        recipients=TO,
        clock=ctx.clock,
        **options,  # type: ignore[attr-defined, arg-type]
    )


def test_the_received_message_has_every_cid_chart_and_the_same_numbers_in_text(
    report_and_ctx: tuple[DailyReport, object],
) -> None:
    from PIL import Image

    report = report_and_ctx[0]
    with LoopbackSmtp() as server:
        outcome = send(report_and_ctx, SmtpMailer(server.host, server.port, security="none"))

    assert outcome.status == "sent"  # type: ignore[attr-defined]
    [mail] = server.received
    assert mail.recipients == tuple(TO)
    message = mail.parsed()
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    images = {
        part["Content-ID"].strip("<>"): part.get_content()
        for part in message.walk()
        if part.get_content_type() == "image/png"
    }
    cids = re.findall(r'src="cid:([^"]+)"', html)
    assert len(cids) == 3
    assert set(cids) == set(images)
    for png in images.values():
        Image.open(io.BytesIO(png)).verify()
    for number in (money(report.valuation.equity), money(report.valuation.cash)):
        assert number in html
        assert number in text


def test_starttls_with_login_delivers_and_a_wrong_password_is_a_recorded_failure(
    report_and_ctx: tuple[DailyReport, object],
) -> None:
    with LoopbackSmtp(tls="starttls", credentials=("tetra", "s3cret")) as server:
        context_ = server.client_tls_context()
        good = SmtpMailer(
            server.host, server.port, "starttls", "tetra", "s3cret", tls_context=context_
        )
        bad = SmtpMailer(
            server.host, server.port, "starttls", "tetra", "wrong", tls_context=context_
        )
        sent = send(report_and_ctx, good)
        failed = send(report_and_ctx, bad, attempts=1)

    assert sent.status == "sent"  # type: ignore[attr-defined]
    assert failed.status == "failed"  # type: ignore[attr-defined]
    assert "535" in failed.error  # type: ignore[attr-defined]
    assert len(server.received) == 1


def test_implicit_tls_delivers(report_and_ctx: tuple[DailyReport, object]) -> None:
    with LoopbackSmtp(tls="ssl") as server:
        mailer = SmtpMailer(
            server.host, server.port, "ssl", tls_context=server.client_tls_context()
        )
        outcome = send(report_and_ctx, mailer)

    assert outcome.status == "sent"  # type: ignore[attr-defined]
    assert len(server.received) == 1


def test_a_server_that_refuses_the_first_attempt_gets_a_retry_after_backoff(
    report_and_ctx: tuple[DailyReport, object],
) -> None:
    report, ctx = report_and_ctx
    waits: list[float] = []
    with LoopbackSmtp(refuse_first=2) as server:
        mailer = SmtpMailer(server.host, server.port, security="none")
        outcome = send(report_and_ctx, mailer, attempts=3, backoff=1.5, sleep=waits.append)

    assert outcome.status == "sent"  # type: ignore[attr-defined]
    assert waits == [1.5, 3.0]
    attempts = ReportArchive(ctx.store).deliveries(report.report_id)  # type: ignore[attr-defined]
    assert [d.status for d in attempts[-3:]] == ["failed", "failed", "sent"]
    assert "451" in (attempts[-3].error or "")


def test_a_server_that_is_down_is_a_recorded_failure_and_the_report_is_kept(
    report_and_ctx: tuple[DailyReport, object],
) -> None:
    report, ctx = report_and_ctx
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe closes

    outcome = send(report_and_ctx, SmtpMailer("127.0.0.1", port, "none", timeout=2), attempts=2)

    assert outcome.status == "failed"  # type: ignore[attr-defined]
    assert "ConnectionRefused" in (outcome.error or "")  # type: ignore[attr-defined]
    archive = ReportArchive(ctx.store)  # type: ignore[attr-defined]
    assert archive.get(report.report_id) == report
    assert dt.datetime  # the clock is fixed: attempts keep their order by number
