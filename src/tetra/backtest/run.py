"""Run a strategy on either path, with the bias guards on by default."""

from __future__ import annotations

import copy
from typing import Any, Literal

import numpy as np

from tetra.backtest.compiled import DECISION_COLUMNS, KernelOutput, decisions_of, run_compiled
from tetra.backtest.engine import run_callbacks
from tetra.backtest.guards import GuardedOrders, look_ahead_problems, rerun_problems
from tetra.backtest.managed import RiskManaged
from tetra.backtest.result import BacktestResult
from tetra.backtest.sized import Sized, is_sized, lot_rules
from tetra.compute.memory import keep_freed_memory
from tetra.market import MarketData, OrderArrays
from tetra.risk import RiskPolicy
from tetra.risk.sizing_policy import SizingPolicy
from tetra.simulation.exits import Exits
from tetra.simulation.orders import Costs, TradingRules
from tetra.strategy.base import Strategy

Path = Literal["auto", "compiled", "callback"]


def run_backtest(
    strategy: Strategy,  # type: ignore[type-arg]
    market: MarketData,
    *,
    path: Path = "auto",
    cash: float = 1_000_000.0,
    costs: Costs | None = None,
    rules: TradingRules | None = None,
    exits: Exits | None = None,
    risk_policy: RiskPolicy | None = None,
    sizing: SizingPolicy | None = None,
    guards: bool = True,
) -> BacktestResult:
    """Backtest `strategy` on `market`; `auto` takes the compiled path when it can.

    With `guards` (the default) the run is repeated on truncated data and once more in full,
    and any look-ahead or non-determinism lands in `result.warnings`, beside warnings for a
    run that saw no data or made no trades. Sweeps turn the guards off for speed.
    A `risk_policy` (or a `RiskManaged` strategy) runs every order through the risk gate;
    `result.interventions` lists what it did. `sizing` (or the policy's `sizing` table; the
    argument wins) sizes every entry (`tetra.backtest.sized`); without `rules` such a run
    trades whole shares of stocks and ETFs and fractions of crypto. The first call tunes the
    process's allocator to reuse freed panels (`tetra.compute.memory`;
    `TETRA_KEEP_FREED_MEMORY=0` opts out).
    """
    keep_freed_memory()
    strategy = _wrapped(strategy, risk_policy, sizing, exits.stop_loss if exits else None)
    if rules is None and is_sized(strategy):
        rules = lot_rules(market.symbols)
    managed = strategy if isinstance(strategy, RiskManaged) else None
    chosen = _path(strategy, path)
    account: dict[str, Any] = {"cash": cash, "costs": costs, "rules": rules, "exits": exits}

    def result_of(data: MarketData, output: KernelOutput, decisions: np.ndarray) -> BacktestResult:
        return BacktestResult(
            data,
            output,
            cash,
            name=strategy.describe(),
            decisions=decisions,
            risk_policy=managed.policy if managed else None,
        )

    def compiled(data: MarketData, guarded: bool = False) -> BacktestResult:
        orders = _orders_of(strategy, data)
        guard = _guards(strategy, data, orders) if guarded else None
        if guard is not None:
            guard.start()  # decides on the guard thread while this one runs the kernel
        decisions = decisions_of(orders)
        gate = managed.gate(data, cash, len(decisions)) if managed else None
        result = result_of(data, run_compiled(data, orders, gate=gate, **account), decisions)
        if guard is not None:
            result.warnings.extend(guard.problems())
        return result

    def callback(data: MarketData) -> BacktestResult:
        strategy.init(data)
        log: list[tuple[float, ...]] = []
        gate = managed.gate(data, cash) if managed else None
        output = run_callbacks(data, strategy.on_bar, gate=gate, log=log, **account)
        return result_of(
            data, output, np.array(log, dtype=np.float64).reshape(-1, DECISION_COLUMNS)
        )

    def decide(data: MarketData) -> np.ndarray:
        decisions = callback(data).decisions
        assert decisions is not None
        return decisions

    if chosen == "compiled":
        result = compiled(market, guarded=guards)
    else:
        result = callback(market)
        if guards:
            result.warnings.extend(look_ahead_problems(decide, market, result))
            result.warnings.extend(rerun_problems(callback, market, result))
    result.warnings[:0] = bias_warnings(market, result)
    return result


def _wrapped(
    strategy: Strategy,  # type: ignore[type-arg]
    policy: RiskPolicy | None,
    sizing: SizingPolicy | None,
    stop_loss: float | None,
) -> Strategy:  # type: ignore[type-arg]
    """Return `strategy` sized (the argument, else the policy's table) and under `policy`."""
    if isinstance(strategy, RiskManaged):
        if sizing is not None:
            raise ValueError("a RiskManaged strategy takes its sizing from its policy's sizing")
        return strategy
    if policy is not None and sizing is not None:
        policy = policy.model_copy(update={"sizing": sizing})
    sizing = policy.sizing if policy is not None else sizing
    if sizing is not None:
        strategy = Sized(strategy, sizing, stop_loss)
    return strategy if policy is None else RiskManaged(strategy, policy)


def _guards(strategy: Strategy, data: MarketData, full: OrderArrays) -> GuardedOrders:  # type: ignore[type-arg]
    """The compiled path's guards: the caller's share of the checks decides on a deep copy,
    so nothing a strategy holds (wrapped strategies, schedules, caches) is shared between the
    two threads; a strategy that cannot be copied leaves every check to the guard thread."""
    try:
        spare = copy.deepcopy(strategy)
    except Exception:  # handles, locks, connections: decide on one thread only
        return GuardedOrders(lambda d: _orders_of(strategy, d), data, full)
    return GuardedOrders(
        lambda d: _orders_of(strategy, d), data, full, lambda d: _orders_of(spare, d)
    )


def _orders_of(strategy: Strategy, data: MarketData) -> OrderArrays:  # type: ignore[type-arg]
    orders = strategy.orders(data)
    assert orders is not None
    return orders


def _path(strategy: Strategy, path: Path) -> str:  # type: ignore[type-arg]
    if path == "auto":
        return "compiled" if strategy.compiled else "callback"
    if path == "compiled" and not strategy.compiled:
        raise ValueError(f"{strategy.name} has no compiled form; use path='callback'")
    if path == "callback" and not strategy.per_bar:
        raise ValueError(f"{strategy.name} has no per-bar form; use path='compiled'")
    return path


def bias_warnings(market: MarketData, result: BacktestResult) -> list[str]:
    """Warn when a backtest saw no data or made no trades: both usually mean a mistake."""
    warnings = []
    if market.shape[0] == 0 or not np.isfinite(market.close).any():
        warnings.append("the backtest saw no price data")
    elif len(result.output.fills) == 0:
        warnings.append("the strategy made no trades")
    return warnings
