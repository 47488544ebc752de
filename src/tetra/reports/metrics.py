"""Performance metrics of a backtest: pure functions and the `Metrics` summary.

Return metrics (`_return_metrics`) take the simple returns of a daily equity curve and
agree with empyrical; trade and activity metrics (`_trade_metrics`) take the engine's
trades table, a gross-exposure series and a traded-value series. `compute_metrics`
runs them all on one equity curve and returns a frozen `Metrics`, whose `as_dict` gives
the (metric, value) rows of ``strategies.performance``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from tetra.model.trades import TRADE_COLUMNS
from tetra.reports import _trade_metrics
from tetra.reports._return_metrics import (
    TRADING_DAYS_PER_YEAR,
    alpha_beta,
    annual_return,
    annual_volatility,
    calmar_ratio,
    downside_risk,
    drawdown_series,
    max_drawdown,
    max_drawdown_duration,
    sharpe_ratio,
    simple_returns,
    sortino_ratio,
    total_return,
)
from tetra.reports._trade_metrics import (
    average_loss,
    average_win,
    closed_trades,
    expectancy,
    expectancy_return,
    exposure,
    number_of_trades,
    payoff_ratio,
    profit_factor,
    trade_counts,
    turnover,
    unrealised_total,
    win_rate,
)

__all__ = [
    "CRYPTO_DAYS_PER_YEAR",
    "TRADE_COLUMNS",
    "TRADING_DAYS_PER_YEAR",
    "Metrics",
    "alpha_beta",
    "annual_return",
    "annual_volatility",
    "average_loss",
    "average_win",
    "calmar_ratio",
    "closed_trades",
    "compute_metrics",
    "downside_risk",
    "drawdown_series",
    "expectancy",
    "expectancy_return",
    "exposure",
    "max_drawdown",
    "max_drawdown_duration",
    "number_of_trades",
    "payoff_ratio",
    "profit_factor",
    "sharpe_ratio",
    "simple_returns",
    "sortino_ratio",
    "total_return",
    "trade_counts",
    "turnover",
    "unrealised_total",
    "validate_equity",
    "win_rate",
]

CRYPTO_DAYS_PER_YEAR = 365


@dataclass(frozen=True, slots=True)
class Metrics:
    """The performance summary of one backtest; fractions, not percents (0.05 = 5 %).

    Undefined values are NaN (for instance trade statistics without trades, alpha and
    beta without a benchmark); Sharpe, Sortino and profit factor may be +/-inf.
    """

    total_return: float
    annual_return: float
    annual_volatility: float
    sharpe_ratio: float
    sortino_ratio: float
    calmar_ratio: float
    max_drawdown: float
    max_drawdown_duration: int
    number_of_trades: int  # closed trades; open ones are `open_trades`
    open_trades: int
    unrealised_pnl: float  # of the open trades, at the run's last closes
    win_rate: float
    profit_factor: float
    expectancy: float
    expectancy_return: float
    average_win: float
    average_loss: float
    payoff_ratio: float
    exposure: float
    turnover: float
    alpha: float
    beta: float

    def as_dict(self) -> dict[str, float]:
        """Return every metric by name as a float, ready for (metric, value) rows."""
        return {name: float(value) for name, value in asdict(self).items()}


def compute_metrics(
    equity: pd.Series[float],
    trades: pd.DataFrame | None = None,
    benchmark_returns: pd.Series[float] | None = None,
    exposure: pd.Series[float] | None = None,
    traded_value: pd.Series[float] | None = None,
    periods_per_year: int = TRADING_DAYS_PER_YEAR,
    risk_free: float = 0.0,
) -> Metrics:
    """Compute every metric of an equity curve, one value per bar in time order.

    `benchmark_returns` are simple returns aligned on the equity's timestamps;
    `risk_free` is per bar and applies to Sharpe, Sortino (as the required return),
    alpha and beta. Use `CRYPTO_DAYS_PER_YEAR` for books trading every calendar day.
    Raise ValueError when the curve is unordered, non-finite or not positive.
    """
    validate_equity(equity)
    returns = simple_returns(equity)
    alpha, beta = (
        (math.nan, math.nan)
        if benchmark_returns is None
        else alpha_beta(returns, benchmark_returns, risk_free, periods_per_year)
    )
    return Metrics(
        total_return=total_return(returns),
        annual_return=annual_return(returns, periods_per_year),
        annual_volatility=annual_volatility(returns, periods_per_year),
        sharpe_ratio=sharpe_ratio(returns, risk_free, periods_per_year),
        sortino_ratio=sortino_ratio(returns, risk_free, periods_per_year),
        calmar_ratio=calmar_ratio(returns, periods_per_year),
        max_drawdown=max_drawdown(returns),
        max_drawdown_duration=max_drawdown_duration(returns),
        number_of_trades=number_of_trades(trades),
        open_trades=trade_counts(trades).open,
        unrealised_pnl=unrealised_total(trades),
        win_rate=win_rate(trades),
        profit_factor=profit_factor(trades),
        expectancy=expectancy(trades),
        expectancy_return=expectancy_return(trades),
        average_win=average_win(trades),
        average_loss=average_loss(trades),
        payoff_ratio=payoff_ratio(trades),
        exposure=_trade_metrics.exposure(exposure),
        turnover=turnover(traded_value, equity, periods_per_year),
        alpha=alpha,
        beta=beta,
    )


def validate_equity(equity: pd.Series[float]) -> None:
    """Raise ValueError unless the curve is time-ordered, finite and strictly positive."""
    values = equity.to_numpy(dtype="float64")
    if not np.all(np.isfinite(values)):
        raise ValueError("equity curve holds NaN or infinite values")
    if np.any(values <= 0.0):
        raise ValueError("equity curve must stay positive; returns are undefined otherwise")
    if not equity.index.is_monotonic_increasing or not equity.index.is_unique:
        raise ValueError("equity curve index must be strictly increasing")
