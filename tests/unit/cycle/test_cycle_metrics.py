"""A daily cycle, a report run, a kill switch and a report delivery attempt show in telemetry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from cycle_fixtures import context, crossover_book, sessions

import tetra.cycle.report_runs as report_runs
from tetra.adapters.metrics.prometheus import MULTIPROCESS_ENV, PrometheusTelemetry
from tetra.core.telemetry import install
from tetra.cycle import replay, run_cycle
from tetra.data.ports import Query
from tetra.portfolio import ledger_as_of
from tetra.reports.delivery import Delivery, ReportArchive
from tetra.risk.killswitch import KillSwitchBoard
from tetra.risk.vocabulary import TradingState
from tetra.testing import InMemoryStore

SPY = [10, 10, 10, 10, 10, 10, 10, 10, 10, 20]
QQQ = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10]


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[PrometheusTelemetry]:
    monkeypatch.delenv(MULTIPROCESS_ENV, raising=False)
    telemetry = PrometheusTelemetry()
    previous = install(telemetry)
    yield telemetry
    install(previous)


def test_a_cycle_is_counted_and_timed_per_book(sink: PrometheusTelemetry) -> None:
    run_cycle(context({"SPY": SPY, "QQQ": QQQ}, crossover_book()), "swing")

    registry = sink.registry
    assert (
        registry.get_sample_value("tetra_cycle_runs_total", {"book": "swing", "status": "done"})
        == 1
    )
    assert registry.get_sample_value("tetra_cycle_seconds_count", {"book": "swing"}) == 1


def test_a_report_run_is_counted_per_book_and_kind_and_a_failure_as_failed(
    sink: PrometheusTelemetry, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object, **kwargs: object) -> object:
        raise RuntimeError("chart renderer crashed")

    ctx = context({"SPY": SPY, "QQQ": QQQ}, crossover_book())
    report_runs.make_report(ctx, "swing", "eod")
    monkeypatch.setattr(report_runs, "build_report", crash)
    with pytest.raises(RuntimeError, match="chart renderer crashed"):
        report_runs.make_report(ctx, "swing", "eod")

    def runs(status: str) -> float | None:
        labels = {"book": "swing", "kind": "eod", "status": status}
        return sink.registry.get_sample_value("tetra_report_runs_total", labels)

    assert (runs("done"), runs("failed")) == (1, 1)
    assert ctx.store.read(Query("reports.failures"))["report_id"].tolist() == [
        f"eod:swing:{sessions(len(SPY))[-1]}"
    ]


def test_report_delivery_attempts_are_counted_by_outcome(sink: PrometheusTelemetry) -> None:
    store = InMemoryStore()
    store.migrate()
    archive = ReportArchive(store)
    at = dt.datetime(2026, 3, 6, 22, tzinfo=dt.UTC)
    archive.record(Delivery("eod:swing:2026-03-06", 1, at, "failed", ("a@b.c",), "refused"))
    archive.record(Delivery("eod:swing:2026-03-06", 2, at, "sent", ("a@b.c",), None))

    for status in ("failed", "sent"):
        assert (
            sink.registry.get_sample_value("tetra_report_deliveries_total", {"status": status}) == 1
        )


RISING = [10, 10, 10, 10, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]


def test_a_cycle_sets_the_books_equity_pnl_limit_usage_and_trading_state(
    sink: PrometheusTelemetry,
) -> None:
    book = crossover_book(
        "paper",
        risk_policy="default",
        strategies=[
            {
                "strategy": "sma_crossover",
                "weight": 1,
                "params": {"fast": 2, "slow": 4, "allocation": 2000},
            }
        ],
    )
    ctx = context({"SPY": RISING, "QQQ": [10] * len(RISING)}, book)
    days = sessions(len(RISING))
    *_, before, last = replay(ctx, "swing", days[5], days[-1])
    registry = sink.registry
    swing = {"book": "swing"}

    equity = float(last.valuation.equity)
    assert registry.get_sample_value("tetra_book_equity", swing) == equity
    pnl = registry.get_sample_value("tetra_book_daily_pnl", swing)
    assert pnl == pytest.approx(equity - float(before.valuation.equity), abs=1e-9)
    assert pnl > 0  # SPY rose a dollar and the book holds it
    spy = ledger_as_of(ctx.books, book, last.session).positions["SPY"]
    weight = float(spy.quantity) * RISING[-1] / equity  # the position grew past the cap
    usage = registry.get_sample_value(
        "tetra_risk_limit_usage", {**swing, "limit": "position_weight"}
    )
    assert usage == pytest.approx(weight / 0.25)  # the default policy's 25 % cap
    assert usage > 1
    assert registry.get_sample_value("tetra_book_trading_state", swing) == float(
        TradingState.REDUCING.code  # the default policy's response to a position breach
    )

    switches = KillSwitchBoard(ctx.store, ctx.clock)
    switches.set("swing", True, "drill", "ops")
    engaged = registry.get_sample_value("tetra_kill_switch_engaged", {"scope": "swing"})
    run_cycle(ctx, "swing", last.session)
    halted = registry.get_sample_value("tetra_book_trading_state", swing)
    switches.set("swing", False, "drill over", "ops")
    released = registry.get_sample_value("tetra_kill_switch_engaged", {"scope": "swing"})

    assert (engaged, halted, released) == (1.0, float(TradingState.HALTED.code), 0.0)


def test_a_book_without_a_policy_reports_equity_and_an_active_state_only(
    sink: PrometheusTelemetry,
) -> None:
    run_cycle(context({"SPY": SPY, "QQQ": QQQ}, crossover_book()), "swing")

    registry = sink.registry
    assert registry.get_sample_value("tetra_book_equity", {"book": "swing"}) == 10_000
    assert registry.get_sample_value("tetra_book_daily_pnl", {"book": "swing"}) == 0
    assert registry.get_sample_value("tetra_book_trading_state", {"book": "swing"}) == 0
    assert (
        registry.get_sample_value("tetra_risk_limit_usage", {"book": "swing", "limit": "drawdown"})
        is None
    )
