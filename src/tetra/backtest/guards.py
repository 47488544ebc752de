"""Bias guards: look-ahead and non-determinism are caught, not hoped away.

`look_ahead_problems` reruns a strategy's decisions on data truncated at random points: a
strategy that decides only from data up to each bar places, up to and including each cut,
exactly the orders it placed in the full run. Orders are compared, not fills: a one-bar peek
changes only the decision at the cut, whose fill would fall after it. `rerun_problems` runs
the whole backtest twice: results must be bit-identical.

On the compiled path the decisions are the strategy's `OrderArrays`, and the fill kernel is a
pure function of the market, the orders and the account (its own tests run it twice on the
same inputs and compare bits). So `order_problems` checks both biases on the orders alone,
comparing arrays in place, and `GuardedOrders` computes those orders on a worker thread while
the caller's thread runs the kernel (which releases the GIL): the guards cost the strategy's
decision time, not another backtest.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from tetra.backtest.compiled import DECISION_COLUMNS
from tetra.backtest.result import BacktestResult
from tetra.market import MarketData, OrderArrays

Runner = Callable[[MarketData], BacktestResult]
Decide = Callable[[MarketData], np.ndarray]  # market -> decision rows (t, n, size, ...)
Orders = Callable[[MarketData], OrderArrays]

_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tetra-guards")


def truncation_points(market: MarketData, *, points: int = 3, seed: int = 0) -> list[int]:
    """Return the sorted rows at which the look-ahead guard cuts the data (none if too short)."""
    t_count = market.shape[0]
    if t_count < 10:
        return []
    rng = np.random.default_rng(seed)
    chosen = rng.choice(
        np.arange(t_count // 4, t_count - 1), size=min(points, t_count // 2), replace=False
    )
    return sorted(int(cut) for cut in chosen)


def look_ahead_problems(
    decide: Decide, market: MarketData, full: BacktestResult, *, points: int = 3, seed: int = 0
) -> list[str]:
    """Return a message per truncation point where decisions differ from the full run."""
    problems = []
    for cut in truncation_points(market, points=points, seed=seed):
        truncated = decide(market.window(0, cut + 1))
        if not np.array_equal(_until(full.decisions, cut), _until(truncated, cut), equal_nan=True):
            problems.append(_look_ahead(market, cut))
    return problems


def rerun_problems(run: Runner, market: MarketData, full: BacktestResult) -> list[str]:
    """Return a message if a second run differs in any way from the first."""
    again = run(market)
    same = np.array_equal(again.output.equity, full.output.equity) and np.array_equal(
        again.output.fills, full.output.fills
    )
    return [] if same else [_NON_DETERMINISTIC]


class GuardedOrders:
    """The compiled path's guards, started beside the kernel and collected after it.

    `start` submits the truncated and repeated decisions to the guard thread; `problems`
    waits for them and compares them with the full run's orders. The strategy is used by one
    thread at a time: the caller computes the full orders before `start` and runs only the
    kernel until `problems`.
    """

    def __init__(self, orders: Orders, market: MarketData, full: OrderArrays) -> None:
        self._orders = orders
        self._market = market
        self._full = full
        self._future: Future[list[str]] | None = None

    def start(self) -> GuardedOrders:
        self._future = _WORKER.submit(order_problems, self._orders, self._market, self._full)
        return self

    def problems(self) -> list[str]:
        assert self._future is not None, "start() the guards first"
        return self._future.result()


def order_problems(
    orders: Orders, market: MarketData, full: OrderArrays, *, points: int = 3, seed: int = 0
) -> list[str]:
    """Return look-ahead and non-determinism problems of a strategy's orders."""
    problems = [
        _look_ahead(market, cut)
        for cut in truncation_points(market, points=points, seed=seed)
        if not same_orders(full, orders(market.window(0, cut + 1)), cut + 1)
    ]
    if not same_orders(full, orders(market), market.shape[0]):
        problems.append(_NON_DETERMINISTIC)
    return problems


def same_orders(full: OrderArrays, other: OrderArrays, rows: int) -> bool:
    """Whether two order sets decide the same orders on their first `rows` bars.

    The same comparison as decision rows: the bars and symbols with an order (finite size)
    must match, and every field of those orders (NaN equal to NaN). Only the cells holding
    an order are read, in their own dtypes: no (T, N) copies.
    """
    if other.size.shape[0] < rows:
        return False
    mine = np.isfinite(full.size[:rows])
    if not np.array_equal(mine, np.isfinite(other.size[:rows])):
        return False
    cells = np.flatnonzero(mine)
    return all(
        _same_cells(getattr(full, name), getattr(other, name), rows, cells) for name in _FIELDS
    )


_FIELDS = (
    "size",
    "size_kind",
    "kind",
    "limit",
    "stop",
    "time_in_force",
    "stop_loss",
    "take_profit",
)


def _same_cells(a: np.ndarray | None, b: np.ndarray | None, rows: int, cells: np.ndarray) -> bool:
    """Compare the chosen cells of two fields; an absent bracket field counts as all NaN."""
    if a is None and b is None:
        return True
    left = _cells(a, rows, cells)
    right = _cells(b, rows, cells)
    floats = left.dtype.kind == "f" or right.dtype.kind == "f"
    return bool(np.array_equal(left, right, equal_nan=floats))


def _cells(field: np.ndarray | None, rows: int, cells: np.ndarray) -> np.ndarray:
    """Return the values at flat indices `cells` of the first `rows` rows of `field`."""
    if field is None:
        return np.full(len(cells), np.nan)
    values: np.ndarray = np.asarray(field[:rows]).reshape(-1)[cells]
    return values


_NON_DETERMINISTIC = "non-deterministic: a rerun gave different results"


def _look_ahead(market: MarketData, cut: int) -> str:
    day = market.dates[cut]
    return f"look-ahead: decisions up to {day} change when later data is removed"


def _until(decisions: np.ndarray | None, cut: int) -> np.ndarray:
    """Orders decided at rows up to and including `cut`, in decision order."""
    rows = decisions if decisions is not None else np.zeros((0, DECISION_COLUMNS))
    return rows[rows[:, 0] <= cut]
