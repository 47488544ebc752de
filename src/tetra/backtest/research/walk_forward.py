"""Walk-forward analysis: choose parameters in-sample, judge them out-of-sample, fold by fold.

Map: `folds` splits row indices into train/test windows (rolling: a train window of fixed
length slides by `step`; anchored: every train window starts at row 0 and grows by
`step`); `walk_forward` sweeps the grid on each train window, keeps the best parameters
by `metric`, runs them on the test window (`run_out_of_sample`) and stitches the test
windows' equity into one out-of-sample curve.

Warm-up without bias: a test run sees `warmup` bars before its window (by default the
train length) so that its indicators are ready on the window's first bar, but the
strategy is switched on only at the close of that first bar: every order decided
earlier is dropped before the kernel runs. The account therefore holds exactly `cash`,
flat, at the window's start, and every fill and every unit of P&L of a fold falls
inside its test window. The warm-up bars feed indicators, never the account.

Under a risk policy and/or a sizing policy (`risk_policy` and `sizing`, as `run_backtest`
takes them; `walk_forward` gives them, and `exits`, to every train sweep and test run) the
entries are sized after the warm-up's orders are dropped, so the sizer too starts flat at
the window's start, and every order passes the policy's risk gate; the gate's journal is
kept for the test window (`BacktestResult.interventions`). Without either, a test run is
the plain kernel run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tetra.backtest.compiled import KernelOutput, decisions_of, run_compiled
from tetra.backtest.managed import gate_for
from tetra.backtest.research.sweep import (
    Pool,
    Progress,
    StrategyClass,
    best_row,
    configure,
    sweep,
    validate_grid,
)
from tetra.backtest.result import BacktestResult
from tetra.backtest.sized import lot_rules, sized_orders
from tetra.compute import Executor as TaskExecutor
from tetra.market import MarketData, OrderArrays
from tetra.reports.metrics import Metrics, compute_metrics
from tetra.risk import RiskPolicy
from tetra.risk.sizing_policy import SizingPolicy
from tetra.simulation import risk_gate as g
from tetra.simulation.exits import Exits
from tetra.simulation.layout import F_ORDER_ROW, F_T
from tetra.simulation.orders import Costs, TradingRules
from tetra.strategy.base import Strategy
from tetra.strategy.membership import Membership, MembersOnly


@dataclass(frozen=True, slots=True)
class Fold:
    """Row ranges of one fold, stops exclusive: train [train_start, train_stop), then test."""

    number: int
    train_start: int
    train_stop: int
    test_start: int
    test_stop: int


def folds(
    n_rows: int, train: int, test: int, step: int | None = None, *, anchored: bool = False
) -> list[Fold]:
    """Split `n_rows` dates into folds whose test windows follow each other.

    `step` (default: `test`) moves each fold forward and must be at least `test`, so
    that test windows never overlap. A trailing remainder shorter than `test` is left out.
    """
    step = test if step is None else step
    if train < 2 or test < 2:
        raise ValueError("train and test windows need at least 2 bars each")
    if step < test:
        raise ValueError(f"step ({step}) must be at least test ({test}): test windows overlap")
    found: list[Fold] = []
    test_start = train
    while test_start + test <= n_rows:
        train_start = 0 if anchored else test_start - train
        found.append(Fold(len(found), train_start, test_start, test_start, test_start + test))
        test_start += step
    return found


@dataclass(frozen=True)
class FoldResult:
    """One fold: the params chosen in-sample, their in-sample and out-of-sample `metric`."""

    fold: Fold
    params: dict[str, Any]
    in_sample: float
    out_of_sample: float
    sweep: pd.DataFrame
    test: BacktestResult


@dataclass(frozen=True)
class WalkForwardResult:
    """Every fold, the stitched out-of-sample equity and trades, and their metrics.

    `equity` chains the folds' returns from `cash`; `trades` keep each fold's own money
    (every fold starts from `cash`), with a `fold` column.
    """

    metric: str
    folds: list[FoldResult]
    equity: pd.Series
    trades: pd.DataFrame
    metrics: Metrics

    def summary(self, dates: np.ndarray) -> pd.DataFrame:
        """Return one row per fold: its windows' first and last days, params and metric."""
        rows = []
        for result in self.folds:
            f = result.fold
            rows.append(
                {
                    "fold": f.number,
                    "train_first": _day(dates[f.train_start]),
                    "train_last": _day(dates[f.train_stop - 1]),
                    "test_first": _day(dates[f.test_start]),
                    "test_last": _day(dates[f.test_stop - 1]),
                    "params": result.params,
                    "in_sample": result.in_sample,
                    "out_of_sample": result.out_of_sample,
                }
            )
        return pd.DataFrame(rows)


def walk_forward(
    strategy_class: StrategyClass,
    market: MarketData,
    grid: Mapping[str, Sequence[Any]],
    *,
    train: int,
    test: int,
    step: int | None = None,
    anchored: bool = False,
    warmup: int | None = None,
    metric: str = "sharpe_ratio",
    cash: float = 1_000_000.0,
    costs: Costs | None = None,
    rules: TradingRules | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    executor: TaskExecutor | None = None,
    pool: Pool = "process",
    membership: Membership | None = None,
    exits: Exits | None = None,
    risk_policy: RiskPolicy | None = None,
    sizing: SizingPolicy | None = None,
) -> WalkForwardResult:
    """Run the walk-forward described in the module docstring; raise if no fold fits.

    `pool` is the sweeps' worker kind (``"thread"`` for a caller that must not fork). With
    `membership`, every strategy, in sample and out, enters symbols only while members;
    `exits`, `risk_policy` and `sizing` likewise apply to every backtest, in sample and out.
    """
    splits = folds(market.shape[0], train, test, step, anchored=anchored)
    if not splits:
        raise ValueError(f"{market.shape[0]} bars hold no fold of train {train} + test {test}")
    per_fold = len(validate_grid(strategy_class, grid, cash)[0])
    account: dict[str, Any] = {"cash": cash, "costs": costs, "rules": rules, "exits": exits,
                               "risk_policy": risk_policy, "sizing": sizing}  # fmt: skip
    results = []
    for split in splits:
        tick = _offset(progress, split.number * per_fold, len(splits) * per_fold)
        train_market = market.window(split.train_start, split.train_stop)
        frame = sweep(
            strategy_class, train_market, grid, workers=workers, metric=metric, progress=tick,
            executor=executor, pool=pool, membership=membership, **account,
        )  # fmt: skip
        best = best_row(frame, metric)
        # read from the columns, not the row: a row of mixed columns is upcast to float
        params = {name: _python(frame.at[best.name, name]) for name in grid}
        strategy: Strategy[Any] = strategy_class(configure(strategy_class, params, cash))
        if membership is not None:
            strategy = MembersOnly(strategy, membership)
        tested = run_out_of_sample(strategy, market, split, _or(warmup, train), **account)
        in_sample = float(best[metric])
        results.append(FoldResult(split, params, in_sample, _metric(tested, metric), frame, tested))
    return _combined(results, metric, cash)


def run_out_of_sample(
    strategy: Strategy,  # type: ignore[type-arg]
    market: MarketData,
    fold: Fold,
    warmup: int,
    *,
    cash: float = 1_000_000.0,
    costs: Costs | None = None,
    rules: TradingRules | None = None,
    exits: Exits | None = None,
    risk_policy: RiskPolicy | None = None,
    sizing: SizingPolicy | None = None,
) -> BacktestResult:
    """Run `strategy` on the fold's test window after `warmup` bars of indicator warm-up.

    `sizing` (else the policy's `sizing` table) sizes the entries, `risk_policy` gates
    every order and `exits` close positions, as in `run_backtest` (see the module
    docstring); a sized run without `rules` trades whole shares of stocks and ETFs and
    fractions of crypto.
    """
    first = max(0, fold.test_start - warmup)
    data = market.window(first, fold.test_stop)
    orders = strategy.orders(data)
    if orders is None:
        raise ValueError(f"{strategy.name} has no compiled form; walk-forward needs one")
    offset = fold.test_start - first
    orders.size[:offset] = np.nan  # switched on at the close of the test window's first bar
    sizing = sizing if sizing is not None or risk_policy is None else risk_policy.sizing
    if sizing is not None:
        orders = sized_orders(orders, data, sizing, exits.stop_loss if exits else None)
        rules = lot_rules(data.symbols) if rules is None else rules
    gate = _gate(risk_policy, data, orders, cash)
    output = run_compiled(data, orders, cash=cash, costs=costs, rules=rules, exits=exits, gate=gate)
    test_market = market.window(fold.test_start, fold.test_stop)
    return BacktestResult(
        test_market, _from_row(output, offset), cash, name=strategy.describe(),
        risk_policy=risk_policy,
    )  # fmt: skip


def _gate(
    policy: RiskPolicy | None, data: MarketData, orders: OrderArrays, cash: float
) -> g.Gate | None:
    if policy is None:
        return None
    return gate_for(policy, data, cash, len(decisions_of(orders)))


def _from_row(output: KernelOutput, offset: int) -> KernelOutput:
    fills = output.fills.copy()
    assert (fills[:, F_T] >= offset).all(), "a fill before the test window"
    fills[:, F_T] -= offset
    fills[:, F_ORDER_ROW] -= offset
    journal = output.journal
    if journal is not None:  # the warm-up holds nothing, so nothing there is worth keeping
        journal = journal[journal[:, g.J_T] >= offset].copy()
        journal[:, g.J_T] -= offset
    return KernelOutput(
        output.cash[offset:], output.equity[offset:], output.positions[offset:], fills, journal
    )


def _metric(result: BacktestResult, metric: str) -> float:
    if metric == "final_equity":
        return result.final_equity
    if metric == "trades":
        return float(len(result.trades))
    return float(result.metrics().as_dict()[metric])


def _combined(results: list[FoldResult], metric: str, cash: float) -> WalkForwardResult:
    """Chain the test windows' returns into one curve starting at `cash`."""
    equity, trades, exposure, traded = [], [], [], []
    level = cash
    for result in results:
        scale = level / cash
        equity.append(result.test.equity * scale)
        trades.append(result.test.trades.assign(fold=result.fold.number))
        exposure.append(result.test.gross_exposure)
        traded.append(result.test.traded_value * scale)
        level = float(equity[-1].iloc[-1])
    curve = pd.concat(equity).rename("equity")
    all_trades = pd.concat(trades, ignore_index=True)
    metrics = compute_metrics(
        curve,
        trades=all_trades,
        exposure=pd.concat(exposure),
        traded_value=pd.concat(traded),
    )
    return WalkForwardResult(metric, results, curve, all_trades, metrics)


def _offset(progress: Progress | None, before: int, total: int) -> Progress | None:
    if progress is None:
        return None
    report = progress
    return lambda done, _: report(before + done, total)


def _day(value: np.datetime64) -> dt.date:
    day: dt.date = pd.Timestamp(value).date()
    return day


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _python(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
