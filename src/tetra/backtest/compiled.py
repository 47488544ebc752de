"""The compiled path: a numba kernel over order arrays, for speed and parameter sweeps.

A strategy states its decisions as dense (T, N) arrays (`tetra.market.OrderArrays`): a
finite `size` at row t is an order decided at bar t's close, executed from bar t+1 on by the
same rules as the per-bar engine (`tetra.simulation.exchange`). Per bar the kernel
(1) applies corporate actions, (2) executes pending orders, sells before buys so freed cash
can be spent, (3) marks positions to the close, (4) queues the orders decided at this bar,
one per symbol (a new order replaces a pending one). Day orders get one tradable bar;
good-till-cancelled orders wait until they fill or are replaced.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from tetra.market import MarketData, OrderArrays
from tetra.market.orders import DAY, MARKET_ON_CLOSE, SHARES, TARGET_SHARES
from tetra.simulation import exchange as x
from tetra.simulation.orders import Costs, TradingRules

Array = np.ndarray
jit = numba.njit(cache=True, nogil=True)


def decisions_of(orders: OrderArrays) -> np.ndarray:
    """Return every order as rows (t, n, size, size_kind, kind, limit, stop, tif), by t then n."""
    t, n = np.nonzero(np.isfinite(orders.size))
    fields = (
        orders.size,
        orders.size_kind,
        orders.kind,
        orders.limit,
        orders.stop,
        orders.time_in_force,
    )
    return np.column_stack([t, n, *(np.asarray(f[t, n], dtype=np.float64) for f in fields)])


@dataclass(frozen=True)
class KernelOutput:
    cash: np.ndarray  # (T,)
    equity: np.ndarray  # (T,)
    positions: np.ndarray  # (T, N)
    fills: np.ndarray  # (F, 7): t, n, quantity, price, fee, realised, order row


def run_compiled(
    market: MarketData,
    orders: OrderArrays,
    *,
    cash: float = 1_000_000.0,
    costs: Costs | None = None,
    rules: TradingRules | None = None,
) -> KernelOutput:
    """Simulate `orders` on `market`; see the module docstring for the bar cycle."""
    result = simulate(
        market.bars(),
        market.split_ratio,
        market.dividend,
        orders.size,
        orders.size_kind,
        orders.kind,
        orders.limit,
        orders.stop,
        orders.time_in_force,
        float(cash),
        (costs or Costs()).as_array(),
        (rules or TradingRules()).as_array(),
    )
    return KernelOutput(*result)


@jit
def simulate(
    bars: Array,
    split_ratio: Array,
    dividend: Array,
    size: Array,
    size_kind: Array,
    kind: Array,
    limit: Array,
    stop: Array,
    tif: Array,
    cash0: float,
    costs: Array,
    rules: Array,
) -> tuple[Array, Array, Array, Array]:
    t_count, n_count = bars.shape[0], bars.shape[1]
    state = np.zeros((4, n_count))  # position, average price, last price, pending order row
    state[3, :] = -1.0
    account = np.array([cash0, cash0])  # cash, equity at the previous close
    pending = np.zeros((n_count, 6))  # size, size_kind, kind, limit, stop, tif
    fills = np.zeros((int(np.isfinite(size).sum()), 7))
    filled = 0
    cash_out, equity_out = np.zeros(t_count), np.zeros(t_count)
    positions = np.zeros((t_count, n_count))
    for t in range(t_count):
        apply_actions(t, split_ratio, dividend, state, pending, account)
        for side in (-1.0, 1.0):
            filled = execute_pending(
                t, side, bars, state, pending, account, costs, rules, fills, filled
            )
        mark_to_market(t, bars, state, account)
        queue_orders(t, size, size_kind, kind, limit, stop, tif, state, pending)
        cash_out[t], equity_out[t] = account[0], account[1]
        positions[t, :] = state[0, :]
    return cash_out, equity_out, positions, fills[:filled]


@jit
def apply_actions(
    t: int, split_ratio: Array, dividend: Array, state: Array, pending: Array, account: Array
) -> None:
    """Credit dividends to holders (shorts pay them), then split positions and open orders."""
    for n in range(state.shape[1]):
        if dividend[t, n] != 0.0:
            account[0] += state[0, n] * dividend[t, n]
        ratio = split_ratio[t, n]
        if ratio != 1.0:
            state[0, n] *= ratio
            state[1, n] /= ratio
            state[2, n] /= ratio
            if state[3, n] >= 0:  # an open order: its share count and prices split too
                if pending[n, 1] == SHARES or pending[n, 1] == TARGET_SHARES:
                    pending[n, 0] *= ratio
                pending[n, 3] /= ratio
                pending[n, 4] /= ratio


@jit
def execute_pending(
    t: int,
    side: float,
    bars: Array,
    state: Array,
    pending: Array,
    account: Array,
    costs: Array,
    rules: Array,
    fills: Array,
    filled: int,
) -> int:
    """Execute pending orders of one side (-1 sells, +1 buys) against bar t."""
    for n in range(state.shape[1]):
        row = state[3, n]
        if row < 0 or not np.isfinite(bars[t, n, 0]):
            continue
        order = pending[n]
        reference = bars[t, n, 3] if order[2] == MARKET_ON_CLOSE else bars[t, n, 0]
        if x.order_side(int(order[1]), order[0], reference, state[0, n], account[1]) != side:
            continue
        quantity, price, fee = x.execute(
            int(order[2]),
            int(order[1]),
            order[0],
            order[3],
            order[4],
            bars[t, n],
            state[0, n],
            account[0],
            account[1],
            costs,
            rules,
        )
        if quantity != 0.0:
            position, average, realised = x.book(state[0, n], state[1, n], quantity, price)
            state[0, n], state[1, n] = position, average
            account[0] -= quantity * price + fee
            _record(fills, filled, t, n, quantity, price, fee, realised, row)
            filled += 1
            state[3, n] = -1.0
        elif order[5] == DAY:
            state[3, n] = -1.0
    return filled


@jit
def _record(
    fills: Array,
    i: int,
    t: int,
    n: int,
    quantity: float,
    price: float,
    fee: float,
    realised: float,
    row: float,
) -> None:
    fills[i, 0], fills[i, 1], fills[i, 2], fills[i, 3] = t, n, quantity, price
    fills[i, 4], fills[i, 5], fills[i, 6] = fee, realised, row


@jit
def mark_to_market(t: int, bars: Array, state: Array, account: Array) -> None:
    value = 0.0
    for n in range(state.shape[1]):
        close = bars[t, n, 3]
        if np.isfinite(close):
            state[2, n] = close
        if state[0, n] != 0.0:
            value += state[0, n] * state[2, n]
    account[1] = account[0] + value


@jit
def queue_orders(
    t: int,
    size: Array,
    size_kind: Array,
    kind: Array,
    limit: Array,
    stop: Array,
    tif: Array,
    state: Array,
    pending: Array,
) -> None:
    for n in range(state.shape[1]):
        if np.isfinite(size[t, n]):
            pending[n, 0], pending[n, 1], pending[n, 2] = size[t, n], size_kind[t, n], kind[t, n]
            pending[n, 3], pending[n, 4], pending[n, 5] = limit[t, n], stop[t, n], tif[t, n]
            state[3, n] = t
