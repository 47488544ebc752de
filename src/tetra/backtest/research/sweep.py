"""Parameter sweeps on the compiled path: one backtest per combination of a grid.

`sweep` expands the grid in its given order (the first parameter varies slowest),
validates every combination with the strategy's pydantic `Config` first (invalid ones,
such as ``fast >= slow``, are skipped and counted, never run), then runs the valid ones
with the bias guards off, in a pool of `workers`. Rows come back in grid order whatever
order the workers finish in, so a sweep is deterministic.

Why processes by default: the numba kernel releases the GIL, but on the sample universe
it is only ~10 % of a combination's time; the rest (orders, round trips, metrics) is
numpy and pandas code that holds it. Measured on 2 shared cores, 36 crossover
combinations, best of two: 151 symbols x 10 years: serial 17-22/s, 2 threads 20-28/s,
2 forked processes 30-37/s; 151 symbols x 2 years: 39/s, 38/s, 53-70/s. Forkserver
(9/s) and spawn (7/s) lose at this size to their start-up. Forked workers inherit the
market arrays, so nothing big is pickled per task. ``pool="thread"`` remains for
platforms without fork and for callers that must not fork.

On an `Executor` (``executor=``: a `LocalPool`, or Ray for a cluster) the combinations go
out in batches: the runner, market arrays included, is shipped once per sweep (Ray puts it
in its object store and every task references it; a pool installs it once per worker) and a
task is a list of configs. Rows come back in grid order, so the frame is identical on every
executor.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from pydantic import ValidationError

from tetra.backtest.run import run_backtest
from tetra.compute import Executor as TaskExecutor
from tetra.market import MarketData
from tetra.reports.metrics import Metrics
from tetra.risk import RiskPolicy
from tetra.risk.sizing_policy import SizingPolicy
from tetra.simulation.exits import Exits
from tetra.simulation.orders import Costs, TradingRules
from tetra.strategy.base import Strategy, StrategyConfig
from tetra.strategy.membership import Membership, MembersOnly

Progress = Callable[[int, int], None]
Pool = Literal["process", "thread"]
StrategyClass = type[Strategy]  # type: ignore[type-arg]

SUMMARY_COLUMNS = ("final_equity", "total_return", "sharpe_ratio", "max_drawdown", "trades")
# Metrics where a smaller value is the better one; every other metric is maximised.
LOWER_IS_BETTER = frozenset({"annual_volatility", "max_drawdown_duration", "turnover"})
METRICS = frozenset(Metrics.__dataclass_fields__) | {"final_equity", "trades"}


def combinations(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Return every combination of `grid` in order, the first parameter varying slowest."""
    names = list(grid)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*grid.values())]


def configure(
    strategy_class: StrategyClass, params: Mapping[str, Any], cash: float
) -> StrategyConfig:
    """Validate `params`; a config with a `cash` field not given gets the backtest's cash.

    Raise pydantic's `ValidationError` for invalid parameters.
    """
    chosen = dict(params)
    if "cash" in strategy_class.Config.model_fields and "cash" not in chosen:
        chosen["cash"] = cash
    return strategy_class.Config(**chosen)


def sweep(
    strategy_class: StrategyClass,
    market: MarketData,
    grid: Mapping[str, Sequence[Any]],
    *,
    cash: float = 1_000_000.0,
    costs: Costs | None = None,
    rules: TradingRules | None = None,
    workers: int = 2,
    metric: str = "sharpe_ratio",
    progress: Progress | None = None,
    pool: Pool = "process",
    executor: TaskExecutor | None = None,
    batch: int | None = None,
    membership: Membership | None = None,
    exits: Exits | None = None,
    risk_policy: RiskPolicy | None = None,
    sizing: SizingPolicy | None = None,
) -> pd.DataFrame:
    """Backtest every valid combination of `grid`; one row each, in grid order.

    Columns: the grid's parameters, `final_equity`, `total_return`, `sharpe_ratio`,
    `max_drawdown`, `trades` (closed and open round trips) and `metric` when it is
    another `Metrics` field. ``frame.attrs`` holds `skipped` (how many combinations the
    config rejected), `invalid` (their params and messages) and `metric`.
    `progress(done, total)` is called after each backtest, in completion order; an exception
    it raises stops the sweep (the backtests not yet started are dropped) and propagates. `pool`
    picks forked processes or threads for ``workers > 1`` (see the module docstring).
    `executor`, when given, runs the combinations instead (`workers` and `pool` are then
    unused), `batch` at a time per task (default: about eight tasks per worker, at most 64).
    With `membership`, each strategy enters symbols only while members (`MembersOnly`).
    `exits`, `risk_policy` and `sizing` apply to every combination exactly as `run_backtest`
    takes them; without any of them a combination runs the strategy unwrapped.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(sorted(METRICS))}")
    valid, invalid = validate_grid(strategy_class, grid, cash)
    risk = _Risk(exits, risk_policy, sizing)
    run = _Runner(strategy_class, market, cash, costs, rules, metric, membership, risk)
    configs = [config for _, config in valid]
    if executor is not None:
        rows = run_on_executor(executor, run, configs, progress, batch)
    else:
        rows = _run_all(run, configs, workers, progress, pool)
    columns = [*grid, *SUMMARY_COLUMNS, *([] if metric in SUMMARY_COLUMNS else [metric])]
    frame = pd.DataFrame(
        [{**params, **row} for (params, _), row in zip(valid, rows, strict=True)],
        columns=columns,
    )
    frame.attrs.update(skipped=len(invalid), invalid=invalid, metric=metric)
    return frame


def best_row(frame: pd.DataFrame, metric: str) -> pd.Series:
    """Return the best row by `metric` (NaN ranks last; ties go to the earliest row)."""
    if frame.empty:
        raise ValueError("no valid parameter combination to choose from")
    ranked = rank(frame, metric)
    return ranked.iloc[0]


def rank(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Return `frame` sorted best first by `metric`; a stable sort keeps grid order on ties."""
    ascending = metric in LOWER_IS_BETTER
    return frame.sort_values(metric, ascending=ascending, kind="stable", na_position="last")


@dataclass(frozen=True)
class _Risk:
    """What `run_backtest` wraps every combination in: exits, risk gate, sizing."""

    exits: Exits | None = None
    risk_policy: RiskPolicy | None = None
    sizing: SizingPolicy | None = None


class _Runner:
    """One backtest of one config: picklable state shared by every worker."""

    def __init__(
        self,
        strategy_class: StrategyClass,
        market: MarketData,
        cash: float,
        costs: Costs | None,
        rules: TradingRules | None,
        metric: str,
        membership: Membership | None = None,
        risk: _Risk | None = None,
    ) -> None:
        self.strategy_class, self.market, self.cash = strategy_class, market, cash
        self.costs, self.rules, self.metric = costs, rules, metric
        self.membership, self.risk = membership, risk or _Risk()

    def __call__(self, config: StrategyConfig) -> dict[str, float]:
        strategy: Strategy[Any] = self.strategy_class(config)
        if self.membership is not None:
            strategy = MembersOnly(strategy, self.membership)
        result = run_backtest(
            strategy,
            self.market,
            path="compiled",
            cash=self.cash,
            costs=self.costs,
            rules=self.rules,
            exits=self.risk.exits,
            risk_policy=self.risk.risk_policy,
            sizing=self.risk.sizing,
            guards=False,
        )
        metrics = result.metrics().as_dict() if _positive(result.output.equity) else {}
        row = {
            "final_equity": result.final_equity,
            "total_return": metrics.get("total_return", math.nan),
            "sharpe_ratio": metrics.get("sharpe_ratio", math.nan),
            "max_drawdown": metrics.get("max_drawdown", math.nan),
            "trades": float(len(result.trades)),
        }
        row.setdefault(self.metric, metrics.get(self.metric, math.nan))
        return row


class _Batch:
    """Run a list of configs with one runner: the task function an executor ships once."""

    def __init__(self, run: _Runner) -> None:
        self.run = run

    def __call__(self, configs: list[StrategyConfig]) -> list[dict[str, float]]:
        return [self.run(config) for config in configs]


def run_on_executor(
    executor: TaskExecutor,
    run: _Runner,
    configs: list[StrategyConfig],
    progress: Progress | None,
    batch: int | None = None,
) -> list[dict[str, float]]:
    """Run `configs` on `executor` in batches; rows in config order, progress per batch."""
    size = batch or max(1, min(64, math.ceil(len(configs) / (executor.workers * 8))))
    batches = [configs[i : i + size] for i in range(0, len(configs), size)]
    rows: list[dict[str, float]] = []
    for batch_rows in executor.map(_Batch(run), batches):
        rows.extend(batch_rows)
        if progress is not None:
            progress(len(rows), len(configs))
    return rows


def _positive(equity: Any) -> bool:
    """Metrics need a strictly positive curve; a blown-up account gets NaN metrics instead."""
    return bool(len(equity) > 0 and (equity > 0).all())


def validate_grid(
    strategy_class: StrategyClass, grid: Mapping[str, Sequence[Any]], cash: float
) -> tuple[list[tuple[dict[str, Any], StrategyConfig]], list[tuple[dict[str, Any], str]]]:
    """Split the grid's combinations into (params, config) pairs and (params, why) rejects."""
    valid, invalid = [], []
    for params in combinations(grid):
        try:
            valid.append((params, configure(strategy_class, params, cash)))
        except ValidationError as error:
            invalid.append((params, _message(error)))
    return valid, invalid


def _message(error: ValidationError) -> str:
    return "; ".join(str(e["msg"]) for e in error.errors())


def _run_all(
    run: _Runner,
    configs: list[StrategyConfig],
    workers: int,
    progress: Progress | None,
    pool: Pool,
) -> list[dict[str, float]]:
    if workers <= 1 or len(configs) <= 1:
        return _run_serially(run, configs, progress)
    if pool == "thread" or "fork" not in multiprocessing.get_all_start_methods():
        with ThreadPoolExecutor(max_workers=workers) as threads:
            return _gather(threads, run, configs, progress)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, context, initializer=_install, initargs=(run,)) as forked:
        return _gather(forked, _run_installed, configs, progress)


_installed: _Runner | None = None


def _install(run: _Runner) -> None:
    """Keep the runner in a worker process (inherited at fork, never pickled per task)."""
    global _installed
    _installed = run


def _run_installed(config: StrategyConfig) -> dict[str, float]:
    assert _installed is not None
    return _installed(config)


def _run_serially(
    run: _Runner, configs: list[StrategyConfig], progress: Progress | None
) -> list[dict[str, float]]:
    rows = []
    for done, config in enumerate(configs, start=1):
        rows.append(run(config))
        if progress is not None:
            progress(done, len(configs))
    return rows


def _gather(
    pool: Executor,
    run: Callable[[StrategyConfig], dict[str, float]],
    configs: list[StrategyConfig],
    progress: Progress | None,
) -> list[dict[str, float]]:
    futures = {pool.submit(run, config): i for i, config in enumerate(configs)}
    rows: list[dict[str, float] | None] = [None] * len(configs)
    try:
        for done, future in enumerate(as_completed(futures), start=1):
            rows[futures[future]] = future.result()
            if progress is not None:
                progress(done, len(configs))  # may raise to stop the sweep (a cancel)
    except BaseException:
        for future in futures:
            future.cancel()  # the ones not started never start: stopping is prompt
        raise
    return [row for row in rows if row is not None]
