"""The start-of-day report's day ahead on a hand-made store: calendar, news, positions at risk,
risk headroom; each in the payload, the HTML and the text with the same numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from cycle_fixtures import context, crossover_book, sessions

from tetra.core.errors import ValidationError
from tetra.cycle import CycleContext, run_cycle
from tetra.cycle.daily_reports import build_report
from tetra.portfolio import Holdings, Position, parse_book
from tetra.reports.daily import DailyReport
from tetra.reports.daily_render import render_html, render_text

SPY = [12, 12, 12, 12, 11, 10, 10, 10, 10, 20, 21, 19]
QQQ = [10, 10, 10, 10, 10, 11, 12, 13, 14, 15, 16, 15]
DAYS = sessions(12)  # 2024-01-01 .. 2024-01-16 (business days)
SESSION, NEXT = DAYS[-1], dt.date(2024, 1, 17)  # the SOD report is about the next NYSE session


def _utc(day: dt.date, hour: int, minute: int = 0) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(day.year, day.month, day.day, hour, minute), tz="UTC")


def _calendar_rows(ctx: CycleContext) -> None:
    ctx.store.upsert(
        "events.economic_events",
        pd.DataFrame(
            [
                {
                    "event": "CPI m/m",
                    "ts": _utc(NEXT, 13, 30),
                    "country": "US",
                    "importance": "high",
                    "actual": 0.9,  # the outcome: never shown ahead
                    "forecast": 0.2,
                    "previous": 0.1,
                    "unit": "%",
                    "source": "test",
                },
                {
                    "event": "Retail sales",
                    "ts": _utc(SESSION, 13, 30),  # the day before: not on the calendar
                    "country": "US",
                    "importance": "medium",
                    "actual": None,
                    "forecast": None,
                    "previous": None,
                    "unit": None,
                    "source": "test",
                },
            ]
        ),
    )
    ctx.store.upsert(
        "economic_data.releases",
        pd.DataFrame(
            [
                {
                    "series_id": "UNRATE",
                    "released": NEXT,
                    "release_name": "Employment Situation",
                    "title": "Unemployment Rate",
                    "units": "Percent",
                    "frequency": "Monthly",
                    "seasonal_adjustment": "SA",
                    "source": "test",
                }
            ]
        ),
    )
    ctx.store.upsert(
        "economic_data.indicators",
        pd.DataFrame(
            [
                {
                    "series_id": "INDPRO",
                    "date": dt.date(2023, 12, 1),
                    "realtime_start": NEXT,
                    "realtime_end": None,
                    "value": 103.2,
                    "source": "test",
                }
            ]
        ),
    )
    earnings = [
        ("QQQ", NEXT, "bmo", 1.25),  # held, on the day
        ("AAPL", NEXT, "amc", 2.0),  # not a name of the book
        ("SPY", DAYS[-4], "amc", 1.0),  # past
    ]
    ctx.store.upsert(
        "events.earnings",
        pd.DataFrame(
            [
                {
                    "symbol": s,
                    "report_date": d,
                    "fiscal_period": "2023Q4",
                    "time_of_day": t,
                    "eps_estimate": e,
                    "eps_actual": None,
                    "revenue_estimate": None,
                    "revenue_actual": None,
                    "source": "test",
                }
                for s, d, t, e in earnings
            ]
        ),
    )


def _news_rows(ctx: CycleContext) -> None:
    articles = [
        ("a1", "SPY slides as yields jump", _utc(SESSION, 15), ["SPY"], -0.8),
        ("a2", "QQQ edges higher", _utc(SESSION, 16), ["QQQ"], 0.3),
        ("a3", "QQQ surges on chip rally", _utc(DAYS[-2], 20), ["QQQ"], 0.9),
        ("a4", "Old SPY news", _utc(DAYS[-6], 12), ["SPY"], -0.99),  # before the window
        ("a5", "SPY after the session", _utc(NEXT, 1), ["SPY"], 0.95),  # after it
        ("a6", "GLD shines", _utc(SESSION, 12), ["GLD"], 0.97),  # not held
    ]
    ctx.store.upsert(
        "news.articles",
        pd.DataFrame(
            [
                {
                    "article_id": i,
                    "url": f"https://example.com/{i}",
                    "title": title,
                    "summary": None,
                    "publisher": "Wire",
                    "author": None,
                    "published_at": at,
                    "symbols": f'["{symbols[0]}"]',
                    "source": "test",
                }
                for i, title, at, symbols, _ in articles
            ]
        ),
    )
    scores = [
        {
            "article_id": i,
            "symbol": symbols[0],
            "method": method,
            "score": score if method == "finance_lexicon" else -score / 2,
            "label": None,
            "relevance": None,
            "published_at": at,
            "source": "test",
        }
        for i, _, at, symbols, score in articles
        for method in ("vader", "finance_lexicon")
    ]
    ctx.store.upsert("news.sentiment", pd.DataFrame(scores))


@pytest.fixture
def report() -> DailyReport:
    book = crossover_book(risk_policy="default", exits={"stop_loss": 0.05, "trailing_stop": 0.10})
    ctx = context({"SPY": SPY, "QQQ": QQQ}, book)
    held = {
        "SPY": Position("SPY", Decimal(100), Decimal(1980)),  # entry 19.80
        "QQQ": Position("QQQ", Decimal(50), Decimal(500)),  # entry 10.00
    }
    ctx.books.confirm_holdings(
        "swing", Holdings(DAYS[-3], Decimal(7000), held), by="test", at=ctx.clock.now()
    )
    _calendar_rows(ctx)
    _news_rows(ctx)
    return build_report(ctx, run_cycle(ctx, "swing", SESSION), "sod")


def test_the_calendar_lists_the_next_sessions_macro_releases_and_the_books_earnings(
    report: DailyReport,
) -> None:
    assert report.day == NEXT
    events = [(c.kind, c.event, c.time, c.held, c.detail) for c in report.calendar]

    assert events == [
        ("macro", "INDPRO release", "", False, "series INDPRO"),  # no title stored: its id
        ("macro", "Unemployment Rate release", "", False, "series UNRATE"),
        (
            "macro",
            "CPI m/m",
            "13:30 UTC",
            False,
            "US; high importance; forecast 0.2%; previous 0.1%",
        ),
        ("earnings", "QQQ earnings 2023Q4", "bmo", True, "EPS estimate 1.25"),
    ]
    assert "0.9" not in " ".join(c.detail for c in report.calendar)  # no outcome ahead


def test_the_news_are_the_strongest_sentiment_on_held_names_up_to_the_session(
    report: DailyReport,
) -> None:
    news = [(n.symbol, n.title, n.score, n.method) for n in report.news]

    assert news == [
        ("QQQ", "QQQ surges on chip rally", 0.9, "finance_lexicon"),
        ("SPY", "SPY slides as yields jump", -0.8, "finance_lexicon"),
        ("QQQ", "QQQ edges higher", 0.3, "finance_lexicon"),
    ]


def test_positions_near_or_through_their_stop_or_with_earnings_are_at_risk(
    report: DailyReport,
) -> None:
    lines = {a.symbol: a for a in report.at_risk}

    # SPY: entry 19.80, stop loss 18.81; best high since 12 Jan 21.50, trailing 19.35: the
    # tighter is 19.35, above the 19.00 close: through it by 0.35 / 19 = 1.84 %
    spy = lines["SPY"]
    assert (spy.entry, spy.stop, spy.close) == (Decimal("19.80"), Decimal("19.35"), Decimal(19))
    assert spy.distance == pytest.approx(-0.35 / 19, abs=1e-6)
    assert spy.reasons == ["through its stop 19.35 (close 19.00)"]
    # QQQ: entry 10, stop loss 9.50; best high 16.50, trailing 14.85; close 15: 1.0 % above
    qqq = lines["QQQ"]
    assert qqq.stop == Decimal("14.85")
    assert qqq.distance == pytest.approx(0.01, abs=1e-6)
    assert qqq.reasons == ["1.0% above its stop 14.85", "reports earnings on the day"]


def test_a_book_with_stops_and_nothing_near_them_says_so_in_its_own_line(
    report: DailyReport,
) -> None:
    qqq = next(a for a in report.at_risk if a.symbol == "QQQ")
    farther = qqq.model_copy(update={"distance": 0.063, "reasons": []})
    calm = report.model_copy(update={"at_risk": [], "nearest_stop": farther})
    bare = calm.model_copy(update={"stops": {}})

    assert report.stops == {"stop_loss": 0.05, "trailing_stop": 0.10}
    assert report.nearest_stop is not None
    assert report.nearest_stop.symbol == "SPY"  # through its stop: the nearest
    for text in (render_text(calm), render_html(calm, lambda name: f"cid:{name}")):
        assert "Positions at risk" in text
        assert "2 position(s)" in text
        assert "5% from entry, 10% trailing (the tighter)" in text
        assert "none within 2% of its stop, through it or reporting earnings" in text
        assert "nearest: QQQ, 6.3% from its stop 14.85" in text
    assert "Positions at risk" not in render_text(bare)  # no stops: only earnings are checked


def test_risk_headroom_equals_the_ledger_against_the_default_policy(report: DailyReport) -> None:
    equity = Decimal(7000) + 100 * 19 + 50 * 15  # 9,650
    assert report.valuation.equity == equity
    room = {h.limit: h for h in report.risk.headroom}

    assert set(room) == {
        "max_gross_leverage",
        "max_net_leverage",
        "max_position_weight",
        "daily_loss_limit",
        "max_drawdown",
    }
    gross = room["max_gross_leverage"]
    assert gross.used == pytest.approx(2650 / 9650, abs=1e-6)
    assert gross.room == Decimal(7000)  # the cap in money less the exposure, exactly: the cash
    largest = room["max_position_weight"]
    assert largest.used == pytest.approx(1900 / 9650, abs=1e-6)
    assert largest.headroom == pytest.approx(0.25 - 1900 / 9650, abs=1e-6)
    assert room["max_drawdown"].room is None


def test_a_confirmation_since_the_last_run_is_named_beside_the_pnl(report: DailyReport) -> None:
    assert report.warnings == [
        "holdings confirmed as of 2024-01-12: the day's P&L and each position's day P&L "
        "include the step from the book's start to them"
    ]


def test_html_text_and_stored_payload_carry_the_day_ahead_numbers(report: DailyReport) -> None:
    html = render_html(report, lambda name: f"cid:{name}")
    text = render_text(report)
    stored = DailyReport.model_validate_json(report.model_dump_json())

    assert stored == report
    for needle in (
        "Calendar of 2024-01-17",
        "CPI m/m",
        "forecast 0.2%",
        "QQQ earnings 2023Q4 (held)",
        "QQQ surges on chip rally",
        "+0.90",
        "-0.80",
        "Positions at risk",
        "19.35",
        "-1.8%",
        "14.85",
        "Risk headroom",
        "max_position_weight",
        "7,000.00",
    ):
        assert needle in html, needle
        assert needle in text, needle


def test_a_book_with_bad_exits_is_a_clear_error() -> None:
    declared = {k: v for k, v in crossover_book().to_dict().items() if k != "name"}
    with pytest.raises(ValidationError, match=r"books.swing.exits: unknown field\(s\) stop"):
        parse_book("swing", {**declared, "exits": {"stop": 0.05}})
    with pytest.raises(ValidationError, match=r"exits.stop_loss: -0.1 must be a positive"):
        parse_book("swing", {**declared, "exits": {"stop_loss": -0.1}})
    book = crossover_book(exits={"stop_loss": 1.5})
    ctx = context({"SPY": SPY, "QQQ": QQQ}, book)
    with pytest.raises(ValidationError, match=r"exits.stop_loss: 1.5 is 100 % or more"):
        run_cycle(ctx, "swing", SESSION)
