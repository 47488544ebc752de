"""Specification by small hand-computed cases: drawdowns, trade statistics, activity."""

from __future__ import annotations

import math
from decimal import Decimal

import empyrical
import pandas as pd
import pytest

from tetra.reports import Metrics, compute_metrics
from tetra.reports import metrics as m


def equity_curve(*values: float) -> pd.Series[float]:
    """Return an equity curve on consecutive UTC days."""
    index = pd.date_range("2024-01-01", periods=len(values), freq="D", tz="UTC")
    return pd.Series(values, index=index, dtype="float64")


def returns_of(*values: float) -> pd.Series[float]:
    return m.simple_returns(equity_curve(*values))


def four_trades() -> pd.DataFrame:
    """Return two wins (+50, +30) and two losses (-20, -10) with known entry values."""
    return pd.DataFrame(
        {
            "symbol": ["AAA", "BBB", "CCC", "DDD"],
            "side": ["long", "short", "long", "long"],
            "quantity": [10.0, -5.0, 2.0, 5.0],
            "entry_ts": pd.date_range("2024-01-01", periods=4, freq="D", tz="UTC"),
            "entry_price": [100.0, 40.0, 150.0, 50.0],
            "exit_ts": pd.date_range("2024-01-02", periods=4, freq="D", tz="UTC"),
            "exit_price": [105.0, 44.0, 165.0, 48.0],
            "pnl": [50.0, -20.0, 30.0, -10.0],
            "fees": [1.0, 1.0, 1.0, 1.0],
            "return_pct": [0.05, -0.1, 0.1, -0.04],
        }
    )


def test_five_bar_curve_has_ten_percent_drawdown_lasting_three_bars() -> None:
    returns = returns_of(100, 110, 99, 105, 112)

    assert m.max_drawdown(returns) == pytest.approx(-0.1)
    assert m.max_drawdown_duration(returns) == 3  # peak at bar 1, regained at bar 4


def test_unrecovered_drawdown_lasts_from_its_peak_to_the_last_bar() -> None:
    returns = returns_of(100, 120, 90, 96, 108)

    assert m.max_drawdown(returns) == pytest.approx(-0.25)
    assert m.max_drawdown_duration(returns) == 3


def test_opening_loss_is_a_drawdown_from_the_starting_equity() -> None:
    returns = returns_of(100, 90, 95)

    assert m.max_drawdown(returns) == pytest.approx(-0.1)
    assert m.max_drawdown_duration(returns) == 2


def test_longest_drawdown_need_not_be_the_deepest() -> None:
    returns = returns_of(100, 90, 95, 99, 101, 120, 100, 125)

    assert m.max_drawdown(returns) == pytest.approx(100 / 120 - 1)
    assert m.max_drawdown_duration(returns) == 4  # bar 0 to bar 4; the deepest lasts 2


def test_regaining_exactly_the_previous_peak_ends_the_drawdown() -> None:
    returns = returns_of(100, 110, 99, 110, 105)

    assert m.max_drawdown_duration(returns) == 2


def test_four_trades_have_known_win_rate_profit_factor_and_expectancy() -> None:
    trades = four_trades()

    assert m.number_of_trades(trades) == 4
    assert m.win_rate(trades) == 0.5
    assert m.profit_factor(trades) == pytest.approx(80 / 30)
    assert m.expectancy(trades) == pytest.approx(12.5)
    assert m.expectancy_return(trades) == pytest.approx((0.05 - 0.1 + 0.1 - 0.04) / 4)
    assert m.average_win(trades) == pytest.approx(40.0)
    assert m.average_loss(trades) == pytest.approx(-15.0)
    assert m.payoff_ratio(trades) == pytest.approx(40 / 15)


def test_open_trades_are_left_out_of_trade_statistics() -> None:
    trades = four_trades()
    trades.loc[3, ["exit_ts", "exit_price", "pnl"]] = [pd.NaT, math.nan, math.nan]

    assert m.number_of_trades(trades) == 3
    assert m.win_rate(trades) == pytest.approx(2 / 3)
    assert m.profit_factor(trades) == pytest.approx(80 / 20)


def test_decimal_columns_from_the_store_are_read_as_numbers() -> None:
    trades = four_trades().astype({"pnl": object, "quantity": object})
    trades["pnl"] = [Decimal("50"), Decimal("-20"), Decimal("30"), None]
    trades["quantity"] = [Decimal(str(q)) for q in four_trades()["quantity"]]

    assert m.expectancy(trades) == pytest.approx(20.0)


def test_breakeven_trade_is_neither_win_nor_loss_but_counts_in_win_rate() -> None:
    trades = four_trades()
    trades.loc[1, "pnl"] = 0.0

    assert m.win_rate(trades) == pytest.approx(0.5)
    assert m.average_loss(trades) == pytest.approx(-10.0)


def test_only_winning_trades_have_infinite_profit_factor() -> None:
    trades = four_trades().iloc[[0, 2]]

    assert m.profit_factor(trades) == math.inf
    assert math.isnan(m.average_loss(trades))
    assert math.isnan(m.payoff_ratio(trades))


@pytest.mark.parametrize("no_trades", [None, pd.DataFrame(), four_trades().iloc[0:0]])
def test_no_trades_leave_trade_statistics_undefined(no_trades: pd.DataFrame | None) -> None:
    assert m.number_of_trades(no_trades) == 0
    for statistic in (m.win_rate, m.profit_factor, m.expectancy, m.expectancy_return):
        assert math.isnan(statistic(no_trades))


def test_trades_table_without_an_engine_column_is_rejected() -> None:
    with pytest.raises(ValueError, match="return_pct"):
        m.win_rate(four_trades().drop(columns="return_pct"))


def test_exposure_is_the_share_of_bars_with_any_position() -> None:
    gross_exposure = pd.Series([0.0, 1000.0, 1000.0, 0.0, -500.0])

    assert m.exposure(gross_exposure) == pytest.approx(0.6)
    assert math.isnan(m.exposure(None))


def test_turnover_is_traded_value_over_average_equity_per_year() -> None:
    equity = equity_curve(100, 110, 99, 105, 112)
    traded_value = pd.Series([100.0, 0.0, 50.0, 0.0, 60.0], index=equity.index)

    turnover = m.turnover(traded_value, equity, periods_per_year=252)

    assert turnover == pytest.approx(210 / 105.2 / (4 / 252))


def test_compute_metrics_gathers_every_metric_of_the_curve() -> None:
    equity = equity_curve(100, 110, 99, 105, 112)
    returns = m.simple_returns(equity)

    result = compute_metrics(equity, four_trades(), exposure=pd.Series([0, 1, 1, 1, 0]))

    assert result.total_return == pytest.approx(0.12)
    assert result.sharpe_ratio == pytest.approx(empyrical.sharpe_ratio(returns))
    assert result.max_drawdown_duration == 3
    assert result.win_rate == 0.5
    assert result.exposure == pytest.approx(0.6)
    assert math.isnan(result.alpha)
    assert math.isnan(result.turnover)


def test_crypto_books_annualise_over_365_days() -> None:
    equity = equity_curve(100, 101, 102, 101.5)

    result = compute_metrics(equity, periods_per_year=m.CRYPTO_DAYS_PER_YEAR)

    assert result.annual_return == pytest.approx(1.015 ** (365 / 3) - 1)


def test_benchmark_returns_give_alpha_and_beta() -> None:
    equity = equity_curve(100, 102, 101, 104, 103, 107)
    benchmark_returns = m.simple_returns(equity_curve(50, 50.5, 50.2, 51, 50.8, 52))

    result = compute_metrics(equity, benchmark_returns=benchmark_returns)

    expected_alpha, expected_beta = empyrical.alpha_beta(
        m.simple_returns(equity), benchmark_returns
    )
    assert result.alpha == pytest.approx(expected_alpha)
    assert result.beta == pytest.approx(expected_beta)


def test_as_dict_gives_one_float_per_metric_for_performance_rows() -> None:
    result = compute_metrics(equity_curve(100, 110, 99, 105, 112), four_trades())

    rows = result.as_dict()

    assert list(rows) == list(Metrics.__dataclass_fields__)
    assert rows["max_drawdown_duration"] == 3.0
    assert all(isinstance(value, float) for value in rows.values())


def test_single_bar_curve_has_no_returns_to_measure() -> None:
    result = compute_metrics(equity_curve(100))

    assert math.isnan(result.total_return)
    assert math.isnan(result.max_drawdown)
    assert result.max_drawdown_duration == 0


@pytest.mark.parametrize(
    ("values", "problem"),
    [((100, math.nan, 101), "NaN"), ((100, 0, 101), "positive"), ((100, -5, 101), "positive")],
)
def test_invalid_equity_curve_is_rejected(values: tuple[float, ...], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        compute_metrics(equity_curve(*values))


def test_unordered_equity_curve_is_rejected() -> None:
    equity = equity_curve(100, 101, 102).iloc[::-1]

    with pytest.raises(ValueError, match="increasing"):
        compute_metrics(equity)
