"""Trade and activity metrics: win rate, profit factor, expectancy, exposure, turnover.

Trade statistics read the backtest engine's trades table (`TRADE_COLUMNS`, defined in
`tetra.model.trades`). Only closed trades count, i.e. rows with a `pnl`; open trades are
counted apart (`trade_counts`) with their unrealised P&L (`unrealised_total`). `pnl` is
taken as booked by the engine, net of `fees`, and is not adjusted again. A trade with
zero P&L is neither a win nor a loss but counts in the win-rate denominator. Without
closed trades every statistic is NaN. Numeric columns may hold floats or `Decimal`s (the
store's DECIMAL columns).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd

from tetra.model.trades import OPTIONAL_TRADE_COLUMNS, TRADE_COLUMNS, TradeCounts

_FloatArray = npt.NDArray[np.float64]
NUMERIC_TRADE_COLUMNS = (
    "quantity", "entry_price", "exit_price", "pnl", "fees", "return_pct", "mark_price",
    "unrealised_pnl",
)  # fmt: skip


def closed_trades(trades: pd.DataFrame | None) -> pd.DataFrame:
    """Return the closed trades (rows with a P&L), numeric columns as float64.

    Raise ValueError when a non-empty table lacks one of `TRADE_COLUMNS` (the marks of open
    trades may be missing: tables written before they existed have none).
    """
    if trades is None or len(trades) == 0:
        return pd.DataFrame({name: pd.Series(dtype="float64") for name in TRADE_COLUMNS})
    required = [name for name in TRADE_COLUMNS if name not in OPTIONAL_TRADE_COLUMNS]
    missing = [name for name in required if name not in trades.columns]
    if missing:
        raise ValueError(f"trades table lacks columns: {', '.join(missing)}")
    numeric = trades.copy()
    for name in NUMERIC_TRADE_COLUMNS:
        if name in numeric.columns:
            numeric[name] = numeric[name].astype("float64")
    return numeric[numeric["pnl"].notna()]


def number_of_trades(trades: pd.DataFrame | None) -> int:
    """Return how many trades are closed."""
    return len(closed_trades(trades))


def trade_counts(trades: pd.DataFrame | None) -> TradeCounts:
    """Return how many trades are closed and how many still open (no exit)."""
    if trades is None or len(trades) == 0:
        return TradeCounts(0, 0)
    closed = int(trades["pnl"].notna().sum())  # stored tables too: they lack return_pct
    return TradeCounts(closed, len(trades) - closed)


def unrealised_total(trades: pd.DataFrame | None) -> float:
    """Return the open trades' unrealised P&L, summed; 0 without open trades."""
    if trades is None or len(trades) == 0 or "unrealised_pnl" not in trades.columns:
        return 0.0
    values = trades["unrealised_pnl"].astype("float64")
    return float(values[trades["pnl"].isna()].sum())


def win_rate(trades: pd.DataFrame | None) -> float:
    """Return the share of closed trades with a positive P&L."""
    pnl = _pnl(trades)
    return float(np.mean(pnl > 0.0)) if len(pnl) else math.nan


def profit_factor(trades: pd.DataFrame | None) -> float:
    """Return gross profit over gross loss; +inf with profits and no loss, NaN with neither."""
    pnl = _pnl(trades)
    gross_profit = float(pnl[pnl > 0.0].sum())
    gross_loss = float(-pnl[pnl < 0.0].sum())
    if gross_loss > 0.0:
        return gross_profit / gross_loss
    return math.inf if gross_profit > 0.0 else math.nan


def expectancy(trades: pd.DataFrame | None) -> float:
    """Return the expected P&L per trade in currency: the mean P&L of closed trades."""
    pnl = _pnl(trades)
    return float(pnl.mean()) if len(pnl) else math.nan


def expectancy_return(trades: pd.DataFrame | None) -> float:
    """Return the mean P&L per trade as a fraction of its entry value |quantity| x price.

    It is computed from `pnl`, not `return_pct`, so its unit does not depend on how the
    engine scales that column.
    """
    closed = closed_trades(trades)
    if len(closed) == 0:
        return math.nan
    entry_value = closed["quantity"].abs() * closed["entry_price"]
    return float((closed["pnl"] / entry_value).mean())


def average_win(trades: pd.DataFrame | None) -> float:
    """Return the mean P&L of winning trades; NaN without a win."""
    pnl = _pnl(trades)
    wins = pnl[pnl > 0.0]
    return float(wins.mean()) if len(wins) else math.nan


def average_loss(trades: pd.DataFrame | None) -> float:
    """Return the mean P&L of losing trades, a negative number; NaN without a loss."""
    pnl = _pnl(trades)
    losses = pnl[pnl < 0.0]
    return float(losses.mean()) if len(losses) else math.nan


def payoff_ratio(trades: pd.DataFrame | None) -> float:
    """Return the average win over the absolute average loss; NaN if either is missing."""
    return average_win(trades) / abs(average_loss(trades))


def exposure(gross_exposure: pd.Series[float] | None) -> float:
    """Return the share of bars holding any position, from a per-bar gross exposure.

    Any non-zero exposure (in currency or as a fraction of equity) is a bar in the market.
    """
    if gross_exposure is None or len(gross_exposure) == 0:
        return math.nan
    return float(np.mean(gross_exposure.to_numpy(dtype="float64") != 0.0))


def turnover(
    traded_value: pd.Series[float] | None,
    equity: pd.Series[float],
    periods_per_year: int = 252,
) -> float:
    """Return the annualised turnover: total traded value over average equity, per year.

    Years are (bars of `equity` - 1) / `periods_per_year`, as in the annual return;
    `traded_value` is the gross value of the fills (buys plus sells) per bar.
    """
    years = (len(equity) - 1) / periods_per_year
    if traded_value is None or years <= 0.0:
        return math.nan
    total_traded = float(traded_value.to_numpy(dtype="float64").sum())
    return total_traded / float(equity.to_numpy(dtype="float64").mean()) / years


def _pnl(trades: pd.DataFrame | None) -> _FloatArray:
    return np.asarray(closed_trades(trades)["pnl"].to_numpy(), dtype=np.float64)
