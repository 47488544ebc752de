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
the caller's thread runs the kernel (which releases the GIL), the caller taking what is left
when its kernel is done: the guards cost the strategy's decision time, not another backtest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from tetra.backtest.compiled import DECISION_COLUMNS, bracket_levels, jit
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

    The checks (the repeat in full, then each truncation, longest first) wait in one queue.
    `start` sets the guard thread taking them from the front with the strategy's `orders`;
    `problems`, called by the caller's thread once its kernel is done, takes what is still
    waiting from the back with `spare` (the same decision on a copy of the strategy), then
    waits for the guard thread. Each copy of the strategy is used by one thread at a time:
    the caller computes the full orders before `start` and only the kernel until `problems`.
    """

    def __init__(
        self, orders: Orders, market: MarketData, full: OrderArrays, spare: Orders | None = None
    ) -> None:
        self._orders, self._spare = orders, spare
        self._market = market
        self._full = full
        cuts = truncation_points(market)
        self._checks: list[int | None] = [None, *sorted(cuts, reverse=True)]  # None: repeat
        self._found: dict[int | None, bool] = {}  # check -> whether it found a problem
        self._lock = threading.Lock()
        self._future: Future[None] | None = None

    def start(self) -> GuardedOrders:
        self._future = _WORKER.submit(self._drain, self._orders, 0)
        return self

    def problems(self) -> list[str]:
        assert self._future is not None, "start() the guards first"
        if self._spare is not None:
            self._drain(self._spare, -1)
        self._future.result()
        problems = [
            _look_ahead(self._market, cut)
            for cut in sorted(c for c in self._found if c is not None)
            if self._found[cut]
        ]
        return problems + ([_NON_DETERMINISTIC] if self._found[None] else [])

    def _drain(self, orders: Orders, end: int) -> None:
        """Run waiting checks, taken from the front (`end` 0) or the back (-1), until none."""
        while True:
            with self._lock:
                if not self._checks:
                    return
                check = self._checks.pop(end)
            rows = self._market.shape[0] if check is None else check + 1
            data = self._market if check is None else self._market.window(0, rows)
            found = not same_orders(self._full, orders(data), rows)
            with self._lock:
                self._found[check] = found


def same_orders(full: OrderArrays, other: OrderArrays, rows: int) -> bool:
    """Whether two order sets decide the same orders on their first `rows` bars.

    The same comparison as decision rows: the bars and symbols with an order (finite size)
    must match, and every field of those orders (NaN equal to NaN; an absent bracket field
    counts as all NaN). Compiled passes, no (T, N) temporaries: the sizes of the first
    `rows` rows, stopping at the first differing row, then each other field read only
    where an order stands.
    """
    if other.size.shape[0] < rows or other.size.shape[1:] != full.size.shape[1:]:
        return False
    placed = _placed_alike(rows, full.size, other.size)
    if placed < 0:
        return False
    t, n = _cells(rows, full.size, placed)
    # field by field, not cell by cell: each pass reads two rising streams, which the
    # prefetcher follows (all fields at once measured twice as slow at 500 symbols)
    fields = ("size_kind", "kind", "time_in_force", "limit", "stop")
    pairs = [(getattr(full, name), getattr(other, name)) for name in fields]
    pairs += zip(bracket_levels(full), bracket_levels(other), strict=True)
    return all(_same_at(mine, theirs, t, n) for mine, theirs in pairs)


@jit
def _placed_alike(rows: int, size: np.ndarray, size_: np.ndarray) -> int:
    """The number of orders in the first `rows` rows if both sets hold the same sizes there
    (NaN equal to NaN), else -1: one branch-free pass per row."""
    placed = 0
    for t in range(rows):
        differs = False
        for n in range(size.shape[1]):
            a, b = size[t, n], size_[t, n]
            differs |= (a != b) & ((a == a) | (b == b))
            placed += np.isfinite(a)
        if differs:
            return -1
    return placed


@jit
def _cells(rows: int, size: np.ndarray, placed: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows and columns of the `placed` orders (finite sizes) in the first `rows` rows."""
    t_of, n_of = np.empty(placed, np.int64), np.empty(placed, np.int64)
    k = 0
    for t in range(rows):
        for n in range(size.shape[1]):
            if np.isfinite(size[t, n]):
                t_of[k], n_of[k] = t, n
                k += 1
    return t_of, n_of


@jit
def _same_at(field: np.ndarray, field_: np.ndarray, t: np.ndarray, n: np.ndarray) -> bool:
    """Whether two fields agree at the cells (t, n); NaN equals NaN, `NO_LEVELS` is all NaN."""
    for k in range(len(t)):
        a = np.nan if field.shape[0] == 0 else float(field[t[k], n[k]])
        b = np.nan if field_.shape[0] == 0 else float(field_[t[k], n[k]])
        if a != b and not (a != a and b != b):
            return False
    return True


_NON_DETERMINISTIC = "non-deterministic: a rerun gave different results"


def _look_ahead(market: MarketData, cut: int) -> str:
    day = market.dates[cut]
    return f"look-ahead: decisions up to {day} change when later data is removed"


def _until(decisions: np.ndarray | None, cut: int) -> np.ndarray:
    """Orders decided at rows up to and including `cut`, in decision order."""
    rows = decisions if decisions is not None else np.zeros((0, DECISION_COLUMNS))
    return rows[rows[:, 0] <= cut]
