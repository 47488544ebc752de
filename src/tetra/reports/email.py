"""Compose a daily report as an email: text and HTML alternatives, charts as cid: PNG parts.

Structure: ``multipart/alternative`` of ``text/plain`` and ``multipart/related`` (the HTML
and one ``image/png`` part per chart, each with a ``Content-ID`` the HTML references as
``cid:<name>.<report>``); what Gmail and Outlook display.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime

from tetra.reports.daily import DailyReport
from tetra.reports.daily_charts import charts
from tetra.reports.daily_render import render_html, render_text


def content_id(name: str, report: DailyReport) -> str:
    """Return the Content-ID (without brackets) of chart `name` of `report`."""
    tag = hashlib.sha256(report.report_id.encode()).hexdigest()[:12]
    return f"{name}.{tag}@tetra"


def compose(report: DailyReport, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """Return the email of `report` from `sender` to `recipients`."""
    if not recipients:
        raise ValueError(f"report {report.report_id} has no recipients")
    message = EmailMessage()
    message["Subject"] = f"Tetra {report.title}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(report.generated_at)
    message["X-Tetra-Report"] = report.report_id
    message.set_content(render_text(report))
    html = render_html(report, lambda name: f"cid:{content_id(name, report)}")
    message.add_alternative(html, subtype="html")
    html_part = message.get_payload()[1]  # type: ignore[index]
    assert isinstance(html_part, EmailMessage)
    for name, png in charts(report).items():
        html_part.add_related(
            png, "image", "png", cid=f"<{content_id(name, report)}>", filename=f"{name}.png"
        )
    return message
