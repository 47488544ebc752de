"""The signal's backtest: predictions traded by `ml_signal` through the engine, with costs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tetra.backtest.result import BacktestResult
from tetra.backtest.run import run_backtest
from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.simulation.orders import Commission, Costs, Slippage
from tetra.strategy.library.ml_signal import MlSignal, MlSignalConfig

SIGNAL_COSTS = Costs(Commission(basis_points=1.0), Slippage(basis_points=5.0))
REPORTED = ("total_return", "annual_return", "sharpe_ratio", "max_drawdown", "turnover")


@dataclass(frozen=True)
class SignalBacktest:
    """A backtest's headline metrics and its equity curve."""

    metrics: dict[str, float]
    equity: pd.Series
    warnings: tuple[str, ...]


def signal_frame(values: np.ndarray, dates: np.ndarray, symbols: tuple[str, ...]) -> pd.DataFrame:
    """Return a (days, symbols) panel of scores as the frame `ml_signal` trades."""
    index = pd.DatetimeIndex(dates.astype("datetime64[ns]"), name="date")
    return pd.DataFrame(values, index=index, columns=list(symbols))


def backtest_signal(
    market: MarketData,
    signal: pd.DataFrame,
    config: MlSignalConfig,
    *,
    costs: Costs = SIGNAL_COSTS,
    guards: bool = True,
) -> tuple[SignalBacktest, BacktestResult]:
    """Trade `signal` with `config` over `market` from its first scored day (compiled path)."""
    scored = signal.dropna(how="all")
    if scored.empty:
        raise ValidationError("no predictions to trade in this window")
    first = int(np.searchsorted(market.dates, np.datetime64(scored.index[0].date(), "D")))
    window = market.window(first, market.shape[0])
    result = run_backtest(
        MlSignal(config, signal=signal), window, path="compiled", costs=costs, guards=guards
    )
    return summarise_backtest(result), result


def summarise_backtest(result: BacktestResult) -> SignalBacktest:
    metrics = result.metrics()
    found = {name: float(getattr(metrics, name, np.nan)) for name in REPORTED}
    return SignalBacktest(found, result.equity, tuple(result.warnings))
