"""One trade definition: closed trades book `pnl`, open ones an `unrealised_pnl` at the mark.

Together they account for every dollar the engine made outside dividends, splits included:
sum(closed pnl) + sum(open unrealised) = realised - fees + unrealised of the P&L breakdown.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tetra.backtest.run import run_backtest
from tetra.market import Adjustment, MarketData
from tetra.reports._trade_metrics import trade_counts
from tetra.simulation.orders import Commission, Costs
from tetra.strategy.library.buy_and_hold import BuyAndHold
from tetra.strategy.library.crossover import MovingAverageCrossover
from tetra.testing.public_bars import bokeh_bars

COSTS = Costs(Commission(basis_points=10.0))


def split_market(adjustment: Adjustment) -> MarketData:
    """AAA at 100 -> 110 over 4 bars, a 2-for-1 split, then 56 -> 60; BBB flat at 50."""
    closes = {"AAA": [100.0, 104.0, 108.0, 110.0, 56.0, 58.0, 60.0], "BBB": [50.0] * 7}
    days = pd.date_range("2024-01-02", periods=7, freq="B", tz="UTC")
    rows = [
        {"symbol": s, "ts": d, "open": c, "high": c, "low": c, "close": c, "volume": 1e6}
        for s, series in closes.items()
        for d, c in zip(days, series, strict=True)
    ]
    split = {
        "symbol": "AAA",
        "ex_date": days[4].date(),
        "action": "split",
        "split_from": 1.0,
        "split_to": 2.0,
        "cash_amount": 0.0,
    }
    return MarketData.from_frames(pd.DataFrame(rows), pd.DataFrame([split]), adjustment)


def booked(result_pnl: pd.DataFrame) -> float:
    last = result_pnl.iloc[-1]
    return float(last["realised"] - last["fees"] + last["unrealised"])


@pytest.mark.parametrize("adjustment", list(Adjustment))
def test_buy_and_hold_across_a_split_has_open_trades_worth_the_engines_gain(
    adjustment: Adjustment,
) -> None:
    result = run_backtest(BuyAndHold(), split_market(adjustment), cash=100_000.0, costs=COSTS)

    trades = result.trades
    assert trade_counts(trades).closed == 0
    assert trade_counts(trades).open == 2
    assert trades["pnl"].isna().all()
    aaa = trades.set_index("symbol").loc["AAA"]
    assert aaa["mark_price"] == pytest.approx(result.market.close[-1, 0])
    assert trades["unrealised_pnl"].sum() == pytest.approx(booked(result.pnl), abs=1e-6)
    assert trades["unrealised_pnl"].sum() == pytest.approx(result.final_equity - 100_000.0)
    metrics = result.metrics()
    assert (metrics.number_of_trades, metrics.open_trades) == (0, 2)
    assert metrics.unrealised_pnl == pytest.approx(trades["unrealised_pnl"].sum())


def test_closed_and_open_trades_together_account_for_the_runs_pnl() -> None:
    market = MarketData.from_frames(bokeh_bars())
    result = run_backtest(MovingAverageCrossover(fast=20, slow=50), market, costs=COSTS)

    trades = result.trades
    counts = trade_counts(trades)
    assert counts.open > 0
    assert counts.closed > 0
    assert counts.total == len(trades)
    closed = trades["pnl"].sum()
    still_open = trades.loc[trades["pnl"].isna(), "unrealised_pnl"].sum()
    assert closed + still_open == pytest.approx(booked(result.pnl), rel=1e-9)
    assert trades.loc[trades["pnl"].notna(), "unrealised_pnl"].isna().all()
