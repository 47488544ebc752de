"""The report's summary by a local model: only from the report's numbers, else the template.

The model is `FakeLlmServer` on loopback spoken to by the real openai SDK (the chat's adapter).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "cycle"))

from cycle_fixtures import context, crossover_book, sessions

from tetra.adapters.llm import OpenAICompatibleModel
from tetra.cli.report import report_model
from tetra.cycle import run_cycle
from tetra.cycle.daily_reports import build_report
from tetra.cycle.narrative import narrate, unknown_numbers
from tetra.reports.daily import DailyReport
from tetra.reports.daily_render import money, render_html, render_text, signed
from tetra.settings import LlmEndpoint, Settings
from tetra.testing import FakeLlmServer

SPY = [12, 12, 12, 12, 11, 10, 10, 10, 10, 20, 21, 19]
QQQ = [10, 10, 10, 10, 10, 11, 12, 13, 14, 15, 16, 15]


@pytest.fixture(scope="module")
def report() -> DailyReport:
    ctx = context({"SPY": SPY, "QQQ": QQQ}, crossover_book("paper"))
    days = sessions(12)
    run_cycle(ctx, "swing", days[-2])
    return build_report(ctx, run_cycle(ctx, "swing", days[-1]), "eod")


def _model(server: FakeLlmServer) -> OpenAICompatibleModel:
    return OpenAICompatibleModel(server.base_url, "local-model", max_retries=0)


def test_without_a_model_the_summary_is_the_template(report: DailyReport) -> None:
    assert narrate(report, None) == report
    assert report.summary_by == "template"
    assert money(report.valuation.equity) in report.summary


def test_a_summary_using_only_the_reports_numbers_is_kept(report: DailyReport) -> None:
    assert report.pnl is not None
    equity, total = money(report.valuation.equity), signed(report.pnl.total)
    paragraph = (
        f"On {report.session} the book closed at {equity}, a day of {total}. "
        f"Fees were {money(report.pnl.fees)}."
    )
    with FakeLlmServer([paragraph]) as server:
        narrated = narrate(report, _model(server))
        told = server.received_text()

    assert narrated.summary == paragraph
    assert narrated.summary_by == "local-model"
    assert equity in told  # the model was given the report's numbers
    assert "</report>" in told
    assert "written by local-model" in render_text(narrated)
    assert "written by local-model" in render_html(narrated, lambda name: f"cid:{name}")


def test_a_summary_with_an_invented_number_falls_back_to_the_template(
    report: DailyReport,
) -> None:
    with FakeLlmServer(["The book is worth 1,234,567.89 and will rise 12.5% tomorrow."]) as server:
        narrated = narrate(report, _model(server))

    assert narrated.summary == report.summary
    assert narrated.summary_by == "template"
    assert "1,234,567.89" in narrated.summary_note
    assert "12.5%" in narrated.summary_note
    assert "templated" in render_text(narrated)


def test_a_model_that_fails_leaves_the_template_and_says_why(report: DailyReport) -> None:
    with FakeLlmServer() as server:
        server.fail_with = 500
        narrated = narrate(report, _model(server))

    assert narrated.summary == report.summary
    assert "HTTP 500" in narrated.summary_note


def test_the_number_check_ignores_separators_and_signs_but_not_digits() -> None:
    source = "equity 10,250.00; day -35.10; drawdown -1.8%; 2024-01-16"

    assert unknown_numbers("worth 10250.00, lost 35.10, down 1.8% on 2024-01-16", source) == []
    assert unknown_numbers("worth 10,250.01 on 2024-01-17", source) == ["10,250.01", "2024-01-17"]


def test_reports_go_to_the_local_model_only_never_the_cloud() -> None:
    cloud = LlmEndpoint(base_url="https://api.example.com/v1", model="gpt", api_key="k")
    assert report_model(Settings(llm_cloud=cloud, llm_local=LlmEndpoint())) is None
    local = LlmEndpoint(base_url="http://127.0.0.1:11434/v1", model="llama")
    chosen = report_model(Settings(llm_cloud=cloud, llm_local=local))
    assert isinstance(chosen, OpenAICompatibleModel)
    assert chosen.model == "llama"
