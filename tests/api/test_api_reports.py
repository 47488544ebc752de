"""`/api/reports`: list, get, render, charts and send of stored daily reports."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from async_api import KEY, api_client

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "cycle"))

from cycle_fixtures import context, crossover_book, sessions

from tetra.adapters.email.smtp import SmtpMailer
from tetra.api.app import create_app
from tetra.cycle import CycleContext, run_cycle
from tetra.cycle.daily_reports import build_report
from tetra.portfolio import StoredBooks
from tetra.reports.delivery import MailSettings, ReportArchive
from tetra.testing.smtp import LoopbackSmtp

pytestmark = pytest.mark.anyio
SPY = [12, 12, 12, 12, 11, 10, 10, 10, 10, 20, 21]
QQQ = [10, 10, 10, 10, 10, 11, 12, 13, 14, 15, 16]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def stored() -> CycleContext:
    ctx = context({"SPY": SPY, "QQQ": QQQ}, crossover_book("paper", recipients=["me@x.org"]))
    days = sessions(11)
    archive = ReportArchive(ctx.store)
    book = crossover_book("paper", recipients=["me@x.org"])
    StoredBooks(ctx.store).save_book(book, at=ctx.clock.now())  # where the API reads books
    for day in days[-2:]:
        result = run_cycle(ctx, "swing", day)
        for kind in ("sod", "eod"):
            archive.save(build_report(ctx, result, kind))  # type: ignore[arg-type]
    return ctx


async def test_reports_are_listed_newest_first_and_read_back_whole(stored: CycleContext) -> None:
    async with api_client(create_app(stored.store, api_key=KEY)) as client:
        listed = (await client.get("/api/reports", params={"kind": "eod"})).json()
        one = (await client.get(f"/api/reports/{listed[0]['report_id']}")).json()
        missing = await client.get("/api/reports/eod:swing:1999-01-01")

    assert [r["report_id"] for r in listed] == ["eod:swing:2024-01-15", "eod:swing:2024-01-12"]
    assert one["report"]["book"] == "swing"
    assert one["report"]["pnl"]["total"] is not None
    assert one["deliveries"] == []
    assert missing.status_code == 404


async def test_a_report_renders_to_html_with_its_charts_inline(stored: CycleContext) -> None:
    from PIL import Image

    async with api_client(create_app(stored.store, api_key=KEY)) as client:
        page = await client.get("/api/reports/sod:swing:2024-01-15/html")
        chart = await client.get("/api/reports/sod:swing:2024-01-15/charts/equity.png")
        unknown = await client.get("/api/reports/sod:swing:2024-01-15/charts/pie.png")

    assert page.status_code == 200
    assert page.text.count('src="data:image/png;base64,') == 3
    assert chart.headers["content-type"] == "image/png"
    Image.open(io.BytesIO(chart.content)).verify()
    assert unknown.status_code == 422


async def test_send_again_emails_the_book_recipients_and_records_the_attempt(
    stored: CycleContext,
) -> None:
    with LoopbackSmtp() as server:
        mail = MailSettings(SmtpMailer(server.host, server.port, "none"), "tetra@localhost")
        app = create_app(stored.store, api_key=KEY, mail=mail)
        async with api_client(app) as client:
            sent = (await client.post("/api/reports/eod:swing:2024-01-15/send")).json()
            again = (await client.get("/api/reports/eod:swing:2024-01-15")).json()

    assert sent["status"] == "sent"
    assert server.received[0].recipients == ("me@x.org",)
    assert [d["status"] for d in again["deliveries"]] == ["sent"]


async def test_send_without_smtp_is_503(stored: CycleContext) -> None:
    async with api_client(create_app(stored.store, api_key=KEY)) as client:
        response = await client.post("/api/reports/eod:swing:2024-01-15/send")

    assert response.status_code == 503
