"""`/api/reports`: the stored start- and end-of-day reports: list, get, render, charts, send.

Reports are made by the daily cycle (`tetra report sod|eod`, the schedule); these routes
read them back. `html` renders the payload with the charts inline (data URIs: a browser
shows them, unlike an email client), `charts/{name}.png` serves one chart, `send` emails
the report again (503 when no SMTP is configured; a failed send answers 200 with the
recorded failed attempt: the report is kept either way).
"""

from __future__ import annotations

import base64
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from tetra.api.deps import StoreDep, blocking
from tetra.api.errors import ERROR_RESPONSES, JSON_ERROR_RESPONSES
from tetra.api.schemas.reports import DeliveryOut, ReportOut, ReportSummaryOut
from tetra.data.ports import Store
from tetra.portfolio import StoredBooks
from tetra.reports.daily import DailyReport
from tetra.reports.daily_charts import CHARTS, charts
from tetra.reports.daily_render import render_html
from tetra.reports.delivery import Delivery, MailSettings, ReportArchive, deliver

router = APIRouter(prefix="/api/reports", tags=["reports"], responses=ERROR_RESPONSES)
ChartName = Literal["equity", "positions", "orders"]


@router.get("", response_model=list[ReportSummaryOut], summary="Stored reports, newest first")
async def list_reports(
    store: StoreDep,
    book: Annotated[str | None, Query(description="Only this book.")] = None,
    kind: Annotated[Literal["sod", "eod"] | None, Query(description="sod or eod.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[ReportSummaryOut]:
    rows = await blocking(ReportArchive(store).listing, book=book, kind=kind, limit=limit)
    return [
        ReportSummaryOut(report_id=r, kind=k, book=b, session=s, created_at=c)
        for r, k, b, s, c in rows
    ]


@router.get("/{report_id}", response_model=ReportOut, summary="One report and its deliveries")
async def get_report(report_id: str, store: StoreDep) -> ReportOut:
    report = await _report(store, report_id)
    deliveries = await blocking(ReportArchive(store).deliveries, report_id)
    return ReportOut(report=report, deliveries=[_delivery(d) for d in deliveries])


@router.get(
    "/{report_id}/html",
    response_class=HTMLResponse,
    responses=JSON_ERROR_RESPONSES,
    summary="The report rendered as one HTML page (charts inline)",
)
async def report_html(report_id: str, store: StoreDep) -> HTMLResponse:
    report = await _report(store, report_id)
    pngs = await blocking(charts, report)
    images = {name: base64.b64encode(png).decode() for name, png in pngs.items()}
    html = render_html(report, lambda name: f"data:image/png;base64,{images[name]}")
    return HTMLResponse(html)


@router.get(
    "/{report_id}/charts/{name}.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **JSON_ERROR_RESPONSES},
    summary="One chart of the report as PNG",
)
async def report_chart(report_id: str, name: ChartName, store: StoreDep) -> Response:
    report = await _report(store, report_id)
    pngs = await blocking(charts, report)
    return Response(pngs[name], media_type="image/png")


@router.post(
    "/{report_id}/send",
    response_model=DeliveryOut,
    responses={503: {"description": "No SMTP server is configured."}},
    summary="Email the report again",
)
async def send_report(report_id: str, request: Request, store: StoreDep) -> DeliveryOut:
    mail: MailSettings | None = request.app.state.mail
    if mail is None:
        raise HTTPException(status_code=503, detail="no SMTP server is configured ([smtp])")
    report = await _report(store, report_id)
    recipients = await blocking(_recipients, store, report, mail)
    if not recipients:
        raise HTTPException(
            status_code=422, detail=f"book {report.book!r} has no recipients, nor smtp.recipients"
        )
    done = await blocking(
        deliver,
        report,
        mail.mailer,
        ReportArchive(store),
        sender=mail.sender,
        recipients=recipients,
        clock=request.app.state.clock,
    )
    return _delivery(done)


async def _report(store: Store, report_id: str) -> DailyReport:
    report = await blocking(ReportArchive(store).get, report_id)
    if report is None:
        raise HTTPException(status_code=404, detail=f"no report {report_id!r}")
    return report


def _recipients(store: Store, report: DailyReport, mail: MailSettings) -> list[str]:
    version = StoredBooks(store).book(report.book)
    own = [] if version is None else list(version.book.recipients)
    return own or list(mail.recipients)


def _delivery(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        attempt=d.attempt, at=d.at, status=d.status, recipients=list(d.recipients), error=d.error
    )


__all__ = ["CHARTS", "router"]
