"""`BacktestResult`: the engine's arrays as frames, trades, exposure and metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from tetra.backtest.compiled import KernelOutput
from tetra.backtest.managed import interventions_frame
from tetra.backtest.trades import round_trips
from tetra.market import MarketData
from tetra.model.trades import Mark
from tetra.reports.metrics import Metrics, compute_metrics
from tetra.risk import RiskPolicy
from tetra.simulation.exits import BOTH_TOUCHED, GAP, exit_reasons
from tetra.simulation.layout import (
    F_EXIT,
    F_FEE,
    F_FLAGS,
    F_ORDER_ROW,
    F_PRICE,
    F_QUANTITY,
    F_REALISED,
    F_SYMBOL,
    F_T,
)


@dataclass(frozen=True)
class BacktestResult:
    """Equity, positions, fills and trades of one backtest; `warnings` from the bias guards."""

    market: MarketData
    output: KernelOutput
    initial_cash: float
    name: str = "backtest"
    warnings: list[str] = field(default_factory=list)
    decisions: np.ndarray | None = None  # rows (t, n, pending-order columns): decisions_of
    risk_policy: RiskPolicy | None = None  # the policy a risk-managed run ran under

    @cached_property
    def interventions(self) -> pd.DataFrame:
        """What the risk gate did, one row per intervention with its reason (empty if none)."""
        return interventions_frame(self.output.journal, self.market, self.risk_policy)

    @cached_property
    def index(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.market.dates.astype("datetime64[ns]"), name="date")

    @cached_property
    def equity(self) -> pd.Series:
        return pd.Series(self.output.equity, index=self.index, name="equity")

    @cached_property
    def cash(self) -> pd.Series:
        return pd.Series(self.output.cash, index=self.index, name="cash")

    @cached_property
    def positions(self) -> pd.DataFrame:
        return pd.DataFrame(
            self.output.positions, index=self.index, columns=list(self.market.symbols)
        )

    @cached_property
    def fills(self) -> pd.DataFrame:
        raw = self.output.fills
        symbols = np.array(self.market.symbols, dtype=object)
        return pd.DataFrame(
            {
                "ts": self.index[raw[:, F_T].astype(np.int64)],
                "symbol": symbols[raw[:, F_SYMBOL].astype(np.int64)],
                "quantity": raw[:, F_QUANTITY],
                "price": raw[:, F_PRICE],
                "fee": raw[:, F_FEE],
                "realised": raw[:, F_REALISED],
                "decided_ts": self.index[raw[:, F_ORDER_ROW].astype(np.int64)],
                "exit_reason": exit_reasons(raw[:, F_EXIT]),
                "gap": (raw[:, F_FLAGS].astype(np.int64) & GAP) != 0,
                "both_touched": (raw[:, F_FLAGS].astype(np.int64) & BOTH_TOUCHED) != 0,
            }
        )

    @cached_property
    def trades(self) -> pd.DataFrame:
        """Closed and open trades; open ones marked at their symbol's last close."""
        return round_trips(self.fills, self.marks)

    @cached_property
    def marks(self) -> dict[str, Mark]:
        """Per symbol: its last finite close in the run (NaN if none) and the final position."""
        if not len(self.index):
            return {}
        closes = pd.DataFrame(self.market.close).ffill().to_numpy()[-1]
        held = self.output.positions[-1]
        return {
            symbol: Mark(float(closes[n]), float(held[n]))
            for n, symbol in enumerate(self.market.symbols)
        }

    @cached_property
    def gross_exposure(self) -> pd.Series:
        """Sum of |position value| over equity, per bar."""
        closes = pd.DataFrame(self.market.close, index=self.index).ffill().to_numpy()
        gross = np.nansum(np.abs(self.output.positions * closes), axis=1)
        return pd.Series(gross / self.output.equity, index=self.index, name="gross_exposure")

    @cached_property
    def traded_value(self) -> pd.Series:
        value = (self.fills["quantity"].abs() * self.fills["price"]).groupby(self.fills["ts"]).sum()
        return value.reindex(self.index, fill_value=0.0).rename("traded_value")

    @cached_property
    def pnl(self) -> pd.DataFrame:
        """Cumulative P&L per bar: realised, fees, dividends, unrealised, and their total.

        Unrealised is what the identity leaves: equity - initial cash - realised + fees
        - dividends, i.e. the open positions' gain against their average entry prices.
        """
        per_bar = (
            self.fills.groupby("ts")[["realised", "fee"]].sum().reindex(self.index, fill_value=0.0)
        )
        held = np.vstack([np.zeros((1, self.market.shape[1])), self.output.positions[:-1]])
        dividends = pd.Series((held * self.market.dividend).sum(axis=1), index=self.index)
        frame = pd.DataFrame(
            {
                "realised": per_bar["realised"].cumsum(),
                "fees": per_bar["fee"].cumsum(),
                "dividends": dividends.cumsum(),
            }
        )
        frame["total"] = self.equity - self.initial_cash
        frame["unrealised"] = (
            frame["total"] - frame["realised"] + frame["fees"] - frame["dividends"]
        )
        return frame

    @property
    def final_equity(self) -> float:
        return float(self.output.equity[-1])

    def metrics(
        self, benchmark_returns: pd.Series | None = None, periods_per_year: int = 252
    ) -> Metrics:
        """Return the performance metrics of this run."""
        return compute_metrics(
            self.equity,
            trades=self.trades,
            benchmark_returns=benchmark_returns,
            exposure=self.gross_exposure,
            traded_value=self.traded_value,
            periods_per_year=periods_per_year,
        )
