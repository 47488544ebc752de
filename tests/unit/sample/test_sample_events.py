"""The sample's earnings calendar and economic events: stocks only, inside the window, stable."""

from __future__ import annotations

import asyncio
import datetime as dt

from tetra.adapters.sources.sample_calendar import SampleCalendarSource
from tetra.adapters.sources.sample_extras import SampleMacroSource
from tetra.data.sources import Window
from tetra.sample.events import generate_earnings
from tetra.sample.history import SampleSpec

FIRST, LAST = dt.date(2024, 1, 1), dt.date(2024, 12, 31)


def test_each_stock_reports_once_a_quarter_on_a_weekday_inside_the_window() -> None:
    reports = generate_earnings(["AAPL", "MSFT"], FIRST, LAST, seed=1, source="sample")

    assert reports.groupby("symbol").size().to_dict() == {"AAPL": 4, "MSFT": 4}
    assert all(FIRST <= day <= LAST and day.weekday() < 5 for day in reports["report_date"])
    assert set(reports["fiscal_period"]) >= {"2024Q1", "2024Q2", "2024Q3"}
    assert (reports["eps_actual"] > 0).all()


def test_a_symbols_reports_do_not_depend_on_the_other_symbols() -> None:
    alone = generate_earnings(["AAPL"], FIRST, LAST, seed=1, source="sample")
    together = generate_earnings(["AAPL", "NVDA"], FIRST, LAST, seed=1, source="sample")

    assert alone.equals(together[together["symbol"] == "AAPL"].reset_index(drop=True))


def test_the_calendar_source_gives_stock_earnings_and_the_economic_calendar() -> None:
    source = SampleCalendarSource(SampleMacroSource(SampleSpec(years=2)))

    window = Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    earnings, economic = asyncio.run(source.events(["AAPL", "SPY", "BTC"], window))

    assert set(earnings.rows["symbol"]) == {"AAPL"}  # an ETF and a coin do not report
    counts = economic.rows.groupby("event").size().to_dict()
    assert counts == {"CPI": 12, "FOMC rate decision": 8, "GDP": 4}
    cpi = economic.rows[economic.rows["event"] == "CPI"]
    assert cpi["previous"].notna().all()
    assert (economic.rows["source"] == "sample").all()
