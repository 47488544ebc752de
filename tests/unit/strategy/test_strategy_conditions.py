"""Timing conditions: boolean (T, N) panels, combined with & | ~, without look-ahead."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from strategy_tables import table

from tetra.strategy.conditions import (
    Close,
    Condition,
    CrossAbove,
    CrossBelow,
    DayOfWeek,
    MonthEnd,
    NotNearEvents,
    Regime,
    Rsi,
    Sma,
    Threshold,
)

# Mon 2024-01-29 .. Fri 2024-02-09, business days; no bar on Wed 2024-01-31.
DATES = ["2024-01-29", "2024-01-30", "2024-02-01", "2024-02-02", "2024-02-05",
         "2024-02-06", "2024-02-07", "2024-02-08", "2024-02-09"]  # fmt: skip
MARKET = table(
    dates=DATES,
    SPY=[10.0, 11.0, 12.0, 11.0, 10.0, 9.0, 10.0, 11.0, 12.0],
    AAA=[5.0, 4.0, 6.0, 6.0, 3.0, 7.0, 7.0, 2.0, 8.0],
)


def rows(condition: Condition, column: int = 0) -> list[int]:
    return np.flatnonzero(condition.evaluate(MARKET)[:, column]).tolist()


def test_month_end_is_the_last_session_of_each_month_in_the_data() -> None:
    # Jan 30 (Jan 31 has no bar); Feb 9 is the last row but not Feb's last business day.
    assert rows(MonthEnd()) == [1]


def test_month_end_on_the_last_row_follows_the_business_day_calendar() -> None:
    market = table(dates=["2024-02-28", "2024-02-29"], AAA=[1.0, 2.0])

    assert MonthEnd().evaluate(market).tolist() == [[False], [True]]


def test_day_of_week_picks_the_weekdays() -> None:
    assert rows(DayOfWeek(0)) == [0, 4]
    assert rows(DayOfWeek(4, 3)) == [2, 3, 7, 8]
    with pytest.raises(ValueError, match="weekdays"):
        DayOfWeek(7)


def test_threshold_compares_each_symbol_and_treats_warm_up_as_false() -> None:
    assert rows(Threshold(Close(), above=10.5), 0) == [1, 2, 3, 7, 8]
    assert rows(Threshold(Close(), below=4.5), 1) == [1, 4, 7]
    assert rows(Threshold(Close(), above=9.5, below=11.5), 0) == [0, 1, 3, 4, 6, 7]
    assert rows(Threshold(Sma(3), above=0.0), 0) == [2, 3, 4, 5, 6, 7, 8]
    with pytest.raises(ValueError, match="threshold"):
        Threshold(Close())


def test_rsi_threshold_reads_the_indicator() -> None:
    oversold = Threshold(Rsi(2), below=30).evaluate(MARKET)

    # RSI(2) of SPY: 100, 50, 25, 12.5 from row 2.
    assert np.flatnonzero(oversold[:, 0]).tolist() == [4, 5]


def test_crossings_fire_on_the_bar_of_the_cross_only() -> None:
    assert rows(CrossAbove(Close(), Sma(2))) == [6]
    assert rows(CrossBelow(Close(), 10.5)) == [4]
    assert rows(CrossAbove(Close(), 10.5)) == [1, 7]


def test_regime_broadcasts_one_symbols_filter_to_every_symbol() -> None:
    regime = Regime(Close("SPY"), above=Sma(2, "SPY"))

    panel = regime.evaluate(MARKET)

    assert np.flatnonzero(panel[:, 0]).tolist() == [1, 2, 6, 7, 8]
    np.testing.assert_array_equal(panel[:, 0], panel[:, 1])
    with pytest.raises(ValueError, match="one symbol"):
        Regime(Close(), above=1.0).evaluate(MARKET)


def test_event_windows_exclude_two_business_days_either_side() -> None:
    earnings = NotNearEvents({"AAA": [dt.date(2024, 2, 5)], "ZZZ": ["2024-02-06"]}, days=2)

    panel = earnings.evaluate(MARKET)

    assert panel[:, 0].all()  # SPY has no events; ZZZ is not in the market
    # Feb 5 (Mon) +-2 business days: Feb 1, 2, 5, 6, 7 are excluded.
    assert np.flatnonzero(~panel[:, 1]).tolist() == [2, 3, 4, 5, 6]


def test_weekend_events_are_one_business_day_from_friday_and_monday() -> None:
    same_day = NotNearEvents({"AAA": ["2024-02-03"]}, days=0).evaluate(MARKET)
    next_day = NotNearEvents({"AAA": ["2024-02-03"]}, days=1).evaluate(MARKET)

    assert same_day.all()
    assert np.flatnonzero(~next_day[:, 1]).tolist() == [3, 4]


def test_combinations_follow_boolean_algebra() -> None:
    monday, high = DayOfWeek(0), Threshold(Close(), above=10.5)

    assert rows(monday & high) == []
    assert rows(monday | high) == [0, 1, 2, 3, 4, 7, 8]
    assert rows(~monday) == [1, 2, 3, 5, 6, 7, 8]
    assert rows(~(monday | high)) == [5, 6]
    assert (monday | high).describe() == "(weekday in [0] | close > 10.5)"


def test_descriptions_name_the_rule() -> None:
    assert Threshold(Rsi(14), below=30).describe() == "rsi(14) < 30"
    assert Regime(Close("SPY"), above=Sma(200, "SPY")).describe() == (
        "regime(close(SPY) > sma(200, SPY))"
    )
    assert CrossAbove(Close(), Sma(20)).describe() == "close crosses above sma(20)"
    assert MonthEnd().describe() == "month end"
    assert "2 business days" in NotNearEvents({"AAA": []}).describe()


@pytest.mark.parametrize(
    "condition",
    [
        MonthEnd(),
        DayOfWeek(1),
        Threshold(Rsi(2), below=30) & ~MonthEnd(),
        CrossAbove(Close(), Sma(2)) | CrossBelow(Close(), Sma(3)),
        Regime(Close("SPY"), above=Sma(2, "SPY")),
        NotNearEvents({"AAA": ["2024-02-05"]}),
    ],
)
def test_conditions_do_not_look_ahead(condition: Condition) -> None:
    # Every business day: a cut's last row then has the month end the full data gives it.
    market = table(
        start="2024-01-25", SPY=MARKET.close[:, 0].tolist(), AAA=MARKET.close[:, 1].tolist()
    )
    full = condition.evaluate(market)

    for cut in range(1, market.shape[0]):
        part = condition.evaluate(market.window(0, cut))
        np.testing.assert_array_equal(part, full[:cut], err_msg=f"cut {cut}")
