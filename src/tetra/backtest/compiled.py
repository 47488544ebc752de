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
from tetra.simulation.layout import (
    A_CASH,
    A_EQUITY,
    B_CLOSE,
    B_OPEN,
    F_FEE,
    F_ORDER_ROW,
    F_PRICE,
    F_QUANTITY,
    F_REALISED,
    F_SYMBOL,
    F_T,
    NO_ORDER,
    P_KIND,
    P_LIMIT,
    P_SIZE,
    P_SIZE_KIND,
    P_STOP,
    P_TIF,
    S_AVERAGE,
    S_LAST,
    S_ORDER_ROW,
    S_POSITION,
    allocate,
)
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
    buffers = allocate(t_count, n_count, cash0, int(np.isfinite(size).sum()))
    state, pending, account, fills, cash_out, equity_out, positions = buffers
    filled = 0
    for t in range(t_count):
        apply_actions(t, split_ratio, dividend, state, pending, account)
        for side in (-1.0, 1.0):
            filled = execute_pending(
                t, side, bars, state, pending, account, costs, rules, fills, filled
            )
        mark_to_market(t, bars, state, account)
        queue_orders(t, size, size_kind, kind, limit, stop, tif, state, pending)
        cash_out[t], equity_out[t] = account[A_CASH], account[A_EQUITY]
        positions[t, :] = state[S_POSITION, :]
    return cash_out, equity_out, positions, fills[:filled]


@jit
def apply_actions(
    t: int, split_ratio: Array, dividend: Array, state: Array, pending: Array, account: Array
) -> None:
    """Credit dividends to holders (shorts pay them), then split positions and open orders."""
    for n in range(state.shape[1]):
        if dividend[t, n] != 0.0:
            account[A_CASH] += state[S_POSITION, n] * dividend[t, n]
        ratio = split_ratio[t, n]
        if ratio != 1.0:
            state[S_POSITION, n] *= ratio
            state[S_AVERAGE, n] /= ratio
            state[S_LAST, n] /= ratio
            if state[S_ORDER_ROW, n] >= 0:  # an open order: its share count and prices split too
                if pending[n, P_SIZE_KIND] == SHARES or pending[n, P_SIZE_KIND] == TARGET_SHARES:
                    pending[n, P_SIZE] *= ratio
                pending[n, P_LIMIT] /= ratio
                pending[n, P_STOP] /= ratio


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
        row = state[S_ORDER_ROW, n]
        if row < 0 or not np.isfinite(bars[t, n, B_OPEN]):
            continue
        order = pending[n]
        reference = bars[t, n, B_CLOSE] if order[P_KIND] == MARKET_ON_CLOSE else bars[t, n, B_OPEN]
        position, equity = state[S_POSITION, n], account[A_EQUITY]
        if (
            x.order_side(int(order[P_SIZE_KIND]), order[P_SIZE], reference, position, equity)
            != side
        ):
            continue
        quantity, price, fee = x.execute(
            int(order[P_KIND]),
            int(order[P_SIZE_KIND]),
            order[P_SIZE],
            order[P_LIMIT],
            order[P_STOP],
            bars[t, n],
            position,
            account[A_CASH],
            equity,
            costs,
            rules,
        )
        if quantity != 0.0:
            position, average, realised = x.book(position, state[S_AVERAGE, n], quantity, price)
            state[S_POSITION, n], state[S_AVERAGE, n] = position, average
            account[A_CASH] -= quantity * price + fee
            _record(fills, filled, t, n, quantity, price, fee, realised, row)
            filled += 1
            state[S_ORDER_ROW, n] = NO_ORDER
        elif order[P_TIF] == DAY:
            state[S_ORDER_ROW, n] = NO_ORDER
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
    fills[i, F_T], fills[i, F_SYMBOL], fills[i, F_QUANTITY], fills[i, F_PRICE] = (
        t,
        n,
        quantity,
        price,
    )
    fills[i, F_FEE], fills[i, F_REALISED], fills[i, F_ORDER_ROW] = fee, realised, row


@jit
def mark_to_market(t: int, bars: Array, state: Array, account: Array) -> None:
    value = 0.0
    for n in range(state.shape[1]):
        close = bars[t, n, B_CLOSE]
        if np.isfinite(close):
            state[S_LAST, n] = close
        if state[S_POSITION, n] != 0.0:
            value += state[S_POSITION, n] * state[S_LAST, n]
    account[A_EQUITY] = account[A_CASH] + value


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
            pending[n, P_SIZE], pending[n, P_SIZE_KIND] = size[t, n], size_kind[t, n]
            pending[n, P_KIND], pending[n, P_LIMIT] = kind[t, n], limit[t, n]
            pending[n, P_STOP], pending[n, P_TIF] = stop[t, n], tif[t, n]
            state[S_ORDER_ROW, n] = t
