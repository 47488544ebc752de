"""Scenarios applied to a strategy: replay its window from the store, or a factor shock.

- **replay**: the strategy runs on the stored bars from `warmup` sessions before the
  window to its end, switched on at the close of the window's first session (orders
  decided earlier are dropped, as in walk-forward), so the account is flat and holds
  its cash when the window starts;
- **factor**: the strategy trades the last `warmup` stored sessions, so it holds what it
  would hold today, and then the scenario's `days` bars, in which each symbol moves by
  its beta-implied return (`tetra.simulation.scenarios.factors`) in equal daily steps.
The outcome is the equity's return and drawdown from the window's start (replay) or from
the last stored session (factor), and each symbol's P&L over that span: its position's
value at the end minus its value at the start minus what its fills in between cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from tetra.backtest.compiled import KernelOutput, run_compiled
from tetra.core.errors import ValidationError
from tetra.data.ports import Store
from tetra.market import Adjustment, MarketData, load_market
from tetra.simulation.bar_edits import forward_filled
from tetra.simulation.layout import F_FEE, F_PRICE, F_QUANTITY, F_SYMBOL, F_T
from tetra.simulation.orders import Costs
from tetra.simulation.scenarios import FACTOR, REPLAY, HoldingOutcome, Scenario, ScenarioOutcome
from tetra.simulation.scenarios.factors import estimate_betas
from tetra.simulation.scenarios.stress import max_drawdown, replay_problem
from tetra.strategy.base import Strategy

WARMUP = 260


def stress_strategy(
    store: Store,
    strategy: Strategy[Any],
    symbols: list[str],
    scenarios: list[Scenario],
    *,
    as_of: dt.date,
    cash: float = 1_000_000.0,
    costs: Costs | None = None,
) -> list[ScenarioOutcome]:
    """Apply each scenario to `strategy` trading `symbols` (see the module docstring)."""
    if not strategy.compiled:
        raise ValidationError(
            f"stress tests run a strategy's compiled form; {strategy.name} has none"
        )
    outcomes = []
    for scenario in scenarios:
        reason = replay_problem(store, symbols, scenario)
        if reason is None:
            market, start = _replay_market(store, symbols, scenario)
            method, why, live = (
                REPLAY,
                f"the store holds the window {scenario.describe_window()}",
                start,
            )
        else:
            market, start = _factor_market(store, symbols, scenario, as_of)
            method, why, live = FACTOR, reason, 0
        run = _Run(market, start, live, cash, costs)
        outcomes.append(run.outcome(strategy, scenario, method, why))
    return outcomes


def _replay_market(store: Store, symbols: list[str], scenario: Scenario) -> tuple[MarketData, int]:
    first, last = scenario.dates
    early = first - dt.timedelta(days=WARMUP * 7 // 5 + 10)
    market = load_market(store, symbols, early, last, adjustment=Adjustment.TOTAL_RETURN)
    start = int(np.searchsorted(market.dates, np.datetime64(first.isoformat())))
    return market, start


def _factor_market(
    store: Store, symbols: list[str], scenario: Scenario, as_of: dt.date
) -> tuple[MarketData, int]:
    proxies = [p for p, _ in scenario.shock]
    early = as_of - dt.timedelta(days=3 * 365)
    adjustment = Adjustment.TOTAL_RETURN
    panel = load_market(store, sorted({*symbols, *proxies}), early, as_of, adjustment=adjustment)
    stored = load_market(store, symbols, early, as_of, adjustment=adjustment)
    history = stored.window(max(0, stored.shape[0] - WARMUP), stored.shape[0])
    moves = estimate_betas(panel, list(history.symbols), proxies).shocked(scenario.shocks)
    return _appended(history, np.log1p(moves), _length(scenario)), history.shape[0] - 1


def _length(scenario: Scenario) -> int:
    """Return the bars a scenario's move takes: its window's sessions, or its `days`."""
    if scenario.start is None or scenario.end is None:
        return scenario.days
    return max(1, int(np.busday_count(scenario.start, scenario.end)))


def _appended(history: MarketData, total_moves: np.ndarray, days: int) -> MarketData:
    """Return `history` followed by `days` bars moving by `total_moves` (logs) in equal steps."""
    last = _last_traded(history.close)
    steps = np.arange(1, days + 1)[:, np.newaxis] * (total_moves / days)
    close = last * np.exp(steps)
    previous = np.vstack([last, close[:-1]])
    volume = np.nanmedian(history.volume, axis=0) * np.ones((days, 1))
    start = np.datetime64(str(history.dates[-1])[:10])
    dates = np.busday_offset(start, np.arange(1, days + 1), roll="forward")
    arrays = {
        "open": previous,
        "high": np.maximum(previous, close),
        "low": np.minimum(previous, close),
        "close": close,
        "volume": volume,
        "split_ratio": np.ones_like(close),
        "dividend": np.zeros_like(close),
    }
    stacked = {k: np.vstack([getattr(history, k), v]) for k, v in arrays.items()}
    return MarketData(
        np.concatenate([history.dates.astype("datetime64[D]"), dates]),
        history.symbols,
        adjustment=history.adjustment,
        **stacked,
    )


@dataclass(frozen=True)
class _Run:
    """One strategy run measured from row `start`, trading from row `live`."""

    market: MarketData
    start: int
    live: int
    cash: float
    costs: Costs | None

    def outcome(
        self, strategy: Strategy[Any], scenario: Scenario, method: str, why: str
    ) -> ScenarioOutcome:
        orders = strategy.orders(self.market)
        assert orders is not None  # checked: the strategy is compiled
        orders.size[: self.live] = np.nan  # nothing decided before the strategy is on
        output = run_compiled(self.market, orders, cash=self.cash, costs=self.costs)
        equity = output.equity[self.start :]
        total = float(equity[-1] / equity[0] - 1.0)
        pnl = self.symbol_pnl(output)
        holdings = tuple(
            HoldingOutcome(symbol, float("nan"), value / equity[0], value)
            for symbol, value in zip(self.market.symbols, pnl, strict=True)
        )
        days = self.market.dates[[self.start, -1]]
        first, last = (dt.date.fromisoformat(str(d)[:10]) for d in days)
        return ScenarioOutcome(
            scenario, method, why, total, total * float(equity[0]), max_drawdown(equity),
            holdings, window=(first, last),
        )  # fmt: skip

    def symbol_pnl(self, output: KernelOutput) -> np.ndarray:
        """Each symbol's P&L from `start` on: value change of its position less fill costs."""
        fills = output.fills[output.fills[:, F_T] > self.start]
        spent = np.zeros(self.market.shape[1])
        cost = fills[:, F_QUANTITY] * fills[:, F_PRICE] + fills[:, F_FEE]
        np.add.at(spent, fills[:, F_SYMBOL].astype(np.int64), cost)
        marks = _last_traded(self.market.close)
        opening = _last_traded(self.market.close[: self.start + 1])
        held_end = np.nan_to_num(output.positions[-1] * marks)
        held_start = np.nan_to_num(output.positions[self.start] * opening)
        value: np.ndarray = held_end - held_start - spent
        return value


def _last_traded(close: np.ndarray) -> np.ndarray:
    """Return each symbol's last traded close (NaN if it never traded)."""
    last: np.ndarray = forward_filled(close)[-1]
    return last
