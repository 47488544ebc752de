"""The signal's backtest: predictions traded by `ml_signal` through the engine, with costs.

Under a risk policy every order goes through the risk gate, as in `tetra backtest run`, and
the backtest keeps the gate's interventions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tetra.backtest.result import BacktestResult
from tetra.backtest.run import run_backtest
from tetra.core.errors import ValidationError
from tetra.market import MarketData
from tetra.risk import RiskPolicy
from tetra.simulation.orders import Commission, Costs, Slippage
from tetra.strategy.library.ml_signal import MlSignal, MlSignalConfig

SIGNAL_COSTS = Costs(Commission(basis_points=1.0), Slippage(basis_points=5.0))
REPORTED = ("total_return", "annual_return", "sharpe_ratio", "max_drawdown", "turnover")


@dataclass(frozen=True)
class SignalBacktest:
    """A backtest's headline metrics, its equity curve and, under a policy, its interventions."""

    metrics: dict[str, float]
    equity: pd.Series
    warnings: tuple[str, ...]
    interventions: pd.DataFrame = field(default_factory=pd.DataFrame)
    risk_managed: bool = False


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
    risk_policy: RiskPolicy | None = None,
) -> tuple[SignalBacktest, BacktestResult]:
    """Trade `signal` with `config` over `market` from its first scored day (compiled path).

    With `risk_policy` every order passes the risk gate; the result lists what it did.
    """
    scored = signal.dropna(how="all")
    if scored.empty:
        raise ValidationError("no predictions to trade in this window")
    first = int(np.searchsorted(market.dates, np.datetime64(scored.index[0].date(), "D")))
    window = market.window(first, market.shape[0])
    result = run_backtest(
        MlSignal(config, signal=signal), window, path="compiled", costs=costs, guards=guards,
        risk_policy=risk_policy,
    )  # fmt: skip
    return summarise_backtest(result), result


def summarise_backtest(result: BacktestResult) -> SignalBacktest:
    metrics = result.metrics()
    found = {name: float(getattr(metrics, name, np.nan)) for name in REPORTED}
    managed = result.risk_policy is not None
    return SignalBacktest(
        found, result.equity, tuple(result.warnings), result.interventions, managed
    )
