"""The risk report of a book: every part present, consistent, and labelled."""

from __future__ import annotations

import numpy as np
import pytest

from tetra.core.errors import ValidationError
from tetra.risk import LimitKind, RiskPolicy
from tetra.risk.exposure import Book, exposures
from tetra.risk.policy import default_policy
from tetra.risk.report import History, ReportSettings, risk_report
from tetra.risk.var import VarMethod
from tetra.risk.vocabulary import TradingState

SYMBOLS = ("SPY", "QQQ", "BTC", "TLT")


@pytest.fixture(scope="module")
def history() -> History:
    rng = np.random.default_rng(2)
    days = 600
    market = rng.normal(0.0004, 0.01, days)
    returns = np.column_stack(
        [
            market,
            1.2 * market + rng.normal(0, 0.004, days),
            rng.normal(0.001, 0.04, days),
            -0.3 * market + rng.normal(0, 0.006, days),
        ]
    )
    close = 100 * np.cumprod(1 + returns, axis=0)
    weekend = (np.arange(days) % 7) >= 5
    close[weekend, 0] = close[weekend, 1] = close[weekend, 3] = np.nan  # crypto trades every day
    dates = np.datetime64("2023-01-01") + np.arange(days)
    return History(dates, SYMBOLS, close)


def book(history: History) -> Book:
    last = np.array([history.close[~np.isnan(history.close[:, i]), i][-1] for i in range(4)])
    quantities = np.array([3000.0, 2000.0, 300.0, 0.0])
    return Book(SYMBOLS, quantities, last, cash=1_000_000.0 - float(quantities @ last) + 200_000)


def test_report_parts_agree(history: History) -> None:
    report = risk_report(book(history), history)

    assert [h.symbol for h in report.holdings] == ["SPY", "QQQ", "BTC"]  # TLT is flat
    assert sum(h.component for h in report.holdings) == pytest.approx(
        report.contributions.volatility
    )
    assert [e.method for e in report.estimates] == [
        VarMethod.HISTORICAL,
        VarMethod.PARAMETRIC_NORMAL,
        VarMethod.CORNISH_FISHER,
    ]
    assert report.holdings[0].beta == pytest.approx(1.0)
    assert report.holdings[1].beta == pytest.approx(1.2, abs=0.1)
    assert report.correlation.shape == (3, 3)
    assert report.clusters.groups()[0] == ["SPY", "QQQ"]
    assert report.gross == pytest.approx(sum(abs(h.weight) for h in report.holdings))
    assert report.limit_check is None


def test_exposures_by_group_class_and_theme(history: History) -> None:
    rows = exposures(book(history))

    by = {(e.kind, e.name): e for e in rows}
    weights = book(history).weights
    assert by[("group", "largest_etfs")].long == pytest.approx(weights[0] + weights[1])
    assert by[("asset_class", "crypto")].gross == pytest.approx(weights[2])
    assert by[("theme", "technology")].symbols == ("QQQ",)


def test_policy_limits_and_state_come_with_the_report(history: History) -> None:
    tight = RiskPolicy(max_position_weight=0.2, group_caps={"crypto": 0.002}, persistence=1)

    report = risk_report(book(history), history, tight, ReportSettings(lookback=250))

    assert report.limit_check is not None
    assert report.limit_check.reading(LimitKind.GROUP_EXPOSURE).breached
    assert report.state is TradingState.REDUCING
    assert any("group_exposure" in t.reason for t in report.transitions)
    assert "replayed" in report.notes[0]
    usage = {(r.kind, r.subject): r for r in report.limit_usage}
    assert usage[(LimitKind.GROUP_EXPOSURE, "crypto")].breached


def test_a_crash_in_the_equity_curve_trips_the_breaker(history: History) -> None:
    curve = np.full(len(history.dates), 1_000_000.0)
    curve[-5:] = 700_000.0

    report = risk_report(book(history), history, default_policy(), equity_curve=curve)

    assert report.state is TradingState.HALTED
    assert report.transitions[-1].limit in (LimitKind.DRAWDOWN, LimitKind.DAILY_LOSS)


def test_report_refuses_empty_books_and_missing_history(history: History) -> None:
    with pytest.raises(ValidationError, match="holds nothing"):
        risk_report(Book(("SPY",), np.zeros(1), np.ones(1), 1.0), history)
    with pytest.raises(ValidationError, match="NVDA"):
        risk_report(Book.from_weights({"NVDA": 0.5}), history)
    with pytest.raises(ValidationError, match="one value per history date"):
        risk_report(book(history), history, default_policy(), equity_curve=np.ones(3))


def test_an_equity_only_book_skips_weekends_and_keeps_its_betas(history: History) -> None:
    report = risk_report(Book.from_weights({"QQQ": 0.5, "TLT": 0.3}), history)

    assert report.estimates[0].observations == np.isfinite(history.close[1:, 1]).sum()
    assert report.holdings[0].beta == pytest.approx(1.2, abs=0.1)
    assert report.holdings[1].beta == pytest.approx(-0.3, abs=0.1)
