from __future__ import annotations

from decimal import Decimal

from cycle_fixtures import context, crossover_book, sessions

from tetra.cycle import run_cycle
from tetra.cycle.daily_reports import build_report
from tetra.reports.daily import DailyReport
from tetra.reports.daily_render import money, render_html, render_text, signed

SPY = [12, 12, 12, 12, 11, 10, 10, 10, 10, 20, 21, 19]
QQQ = [10, 10, 10, 10, 10, 11, 12, 13, 14, 15, 16, 15]


def test_the_eod_pnl_equals_the_ledger_to_the_last_digit() -> None:
    ctx = context({"SPY": SPY, "QQQ": QQQ}, crossover_book("paper"))
    days = sessions(12)
    run_cycle(ctx, "swing", days[-3])
    yesterday = run_cycle(ctx, "swing", days[-2])

    today = run_cycle(ctx, "swing", days[-1])
    report = build_report(ctx, today, "eod")

    assert report.pnl is not None
    assert report.pnl.total == today.valuation.equity - yesterday.valuation.equity
    assert report.pnl.total == report.pnl.realised + report.pnl.unrealised_change - report.pnl.fees
    assert sum((p.day_pnl or Decimal(0) for p in report.positions), Decimal(0)) == report.pnl.total
    assert report.valuation.equity == today.valuation.equity
    assert {f.symbol for f in yesterday.fills} | {f.symbol for f in today.fills} <= {
        p.symbol for p in report.positions
    }


def test_the_sod_report_carries_each_recommendation_with_its_reasoning_and_survives_json() -> None:
    ctx = context({"SPY": SPY[:10], "QQQ": QQQ[:10]}, crossover_book())
    result = run_cycle(ctx, "swing")

    report = build_report(ctx, result, "sod")

    spy = next(r for r in report.recommendations if r.symbol == "SPY")
    assert spy.quantity == Decimal(250)
    assert spy.reasons[0].rule == "entry signal: value order of 5000"
    assert [i.name for i in spy.reasons[0].indicators] == [
        "fast average",
        "slow average",
        "fast vs slow",
    ]
    assert DailyReport.model_validate_json(report.model_dump_json()) == report
    assert "2 order(s) recommended" in report.summary


def test_html_and_text_carry_the_same_numbers() -> None:
    ctx = context({"SPY": SPY, "QQQ": QQQ}, crossover_book("paper"))
    days = sessions(12)
    run_cycle(ctx, "swing", days[-2])
    report = build_report(ctx, run_cycle(ctx, "swing", days[-1]), "eod")

    html = render_html(report, lambda name: f"cid:{name}")
    text = render_text(report)

    assert report.pnl is not None
    numbers = [money(report.valuation.equity), signed(report.pnl.total), money(report.pnl.fees)]
    numbers += [money(p.value) for p in report.positions]
    for number in numbers:
        assert number in html
        assert number in text
    assert 'src="cid:equity"' in html
