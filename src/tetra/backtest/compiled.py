"""The compiled path: a numba kernel over order arrays, for speed and parameter sweeps.

A strategy states its decisions as dense (T, N) arrays (`tetra.market.OrderArrays`): a
finite `size` at row t is an order decided at bar t's close, executed from bar t+1 on by the
same rules as the per-bar engine (`tetra.simulation.exchange`). Per bar the kernel
(1) applies corporate actions, (2) closes positions whose stops or exits the bar triggers
(`tetra.simulation.exits`), (3) executes pending orders, sells before buys so freed cash
can be spent, arming the exit levels of positions they open, (4) marks positions to the
close and ratchets trailing stops, (5) queues the orders decided at this bar, one per
symbol (a new order replaces a pending one). Day orders get one tradable bar;
good-till-cancelled orders wait until they fill or are replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np

from tetra.market import MarketData, OrderArrays
from tetra.market.orders import DAY, MARKET_ON_CLOSE, SHARES, TARGET_SHARES
from tetra.simulation import exchange as x
from tetra.simulation import exits as e
from tetra.simulation import risk_gate as g
from tetra.simulation.exits import Exits
from tetra.simulation.layout import (
    A_CASH,
    A_EQUITY,
    B_CLOSE,
    B_OPEN,
    BAR_FIELDS,
    F_QUANTITY,
    F_SYMBOL,
    NO_ORDER,
    P_KIND,
    P_LIMIT,
    P_SIZE,
    P_SIZE_KIND,
    P_STOP,
    P_STOP_LOSS,
    P_TAKE_PROFIT,
    P_TIF,
    S_AVERAGE,
    S_LAST,
    S_ORDER_ROW,
    S_POSITION,
    S_STOP_LOSS,
    S_TAKE_PROFIT,
    S_TRAIL_DISTANCE,
    S_TRAIL_LEVEL,
    allocate,
    record_fill,
)
from tetra.simulation.lean import lean
from tetra.simulation.orders import Costs, TradingRules

Array = np.ndarray
Prices = tuple[Array, Array, Array, Array, Array]  # open, high, low, close, volume (T, N)
jit = numba.njit(cache=True, nogil=True)


DECISION_COLUMNS = 10


def decisions_of(orders: OrderArrays) -> np.ndarray:
    """Return every order as rows (t, n, size, size_kind, kind, limit, stop, tif, stop_loss,
    take_profit), by t then n: the pending-order columns with the order's bar and symbol."""
    stop_loss, take_profit = bracket_levels(orders)
    codes = (orders.size_kind, orders.kind, orders.time_in_force)
    size_kind, kind, tif = (np.asarray(code, dtype=np.int64) for code in codes)
    limit, stop = (np.asarray(level, dtype=np.float64) for level in (orders.limit, orders.stop))
    size = np.asarray(orders.size, dtype=np.float64)
    rows: np.ndarray = _decision_rows(
        size, size_kind, kind, limit, stop, tif, stop_loss, take_profit
    )
    return rows


NO_LEVELS = np.full((0, 0), np.nan)  # a bracket field an order set lacks: NaN everywhere


def bracket_levels(orders: OrderArrays) -> tuple[Array, Array]:
    """An order set's (stop_loss, take_profit) as the kernels take them: float64 (T, N),
    or `NO_LEVELS` for a field the set lacks (read as NaN, with no (T, N) NaN panel)."""
    stop_loss, take_profit = (
        NO_LEVELS if field is None else np.asarray(field, dtype=np.float64)
        for field in (orders.stop_loss, orders.take_profit)
    )
    return stop_loss, take_profit


@jit
def order_columns(
    t: int,
    n: int,
    size: Array,
    size_kind: Array,
    kind: Array,
    limit: Array,
    stop: Array,
    tif: Array,
    stop_loss: Array,
    take_profit: Array,
    out: Array,
) -> None:
    """Write the order at (t, n) into `out` in the pending-order layout (P_*): a symbol's
    working order, or a decision row after its bar and symbol. An absent bracket field
    (`NO_LEVELS`) reads as NaN."""
    out[P_SIZE], out[P_SIZE_KIND], out[P_KIND] = size[t, n], size_kind[t, n], kind[t, n]
    out[P_LIMIT], out[P_STOP], out[P_TIF] = limit[t, n], stop[t, n], tif[t, n]
    out[P_STOP_LOSS] = stop_loss[t, n] if stop_loss.shape[0] else np.nan
    out[P_TAKE_PROFIT] = take_profit[t, n] if take_profit.shape[0] else np.nan


@jit
def _decision_rows(
    size: Array,
    size_kind: Array,
    kind: Array,
    limit: Array,
    stop: Array,
    tif: Array,
    stop_loss: Array,
    take_profit: Array,
) -> Array:
    """`decisions_of` in two passes over `size` (count, then fill) and no (T, N) temporaries."""
    count = 0
    for t in range(size.shape[0]):
        for n in range(size.shape[1]):
            count += np.isfinite(size[t, n])
    rows = np.empty((count, DECISION_COLUMNS))
    k = 0
    for t in range(size.shape[0]):
        for n in range(size.shape[1]):
            if not np.isfinite(size[t, n]):
                continue
            rows[k, 0], rows[k, 1] = t, n
            order_columns(t, n, size, size_kind, kind, limit, stop, tif, stop_loss, take_profit,
                          rows[k, 2:])  # fmt: skip
            k += 1
    return rows


@dataclass(frozen=True)
class KernelOutput:
    cash: np.ndarray  # (T,)
    equity: np.ndarray  # (T,)
    positions: np.ndarray  # (T, N)
    fills: np.ndarray  # (F, FILL_COLUMNS), columns named in `tetra.simulation.layout`
    journal: np.ndarray | None = None  # risk-gate rows (`tetra.simulation.risk_gate`), if managed


class FillModel(NamedTuple):
    """What the exchange applies to every order and position, as arrays numba takes.

    `costs` as `tetra.simulation.exchange` lays them out, `rules` one such row per symbol
    (N, 3); `exits` as `tetra.simulation.exits` does; `atr` (T, N) feeds the ATR-multiple
    exits; `gate` is the risk gate (`tetra.simulation.risk_gate`), switched off for an
    unmanaged run.
    """

    costs: Array
    rules: Array
    exits: Array
    atr: Array
    gate: g.Gate


def fill_model(
    market: MarketData,
    costs: Costs | None = None,
    rules: TradingRules | None = None,
    exits: Exits | None = None,
    brackets: bool = False,
    gate: g.Gate | None = None,
) -> FillModel:
    """Lay a run's costs, rules and exits out for the kernels (`brackets`: orders carry levels)."""
    exits = exits or Exits()
    if exits.uses_atr:
        atr = e.average_true_range(market.high, market.low, market.close, exits.atr_window)
    else:
        atr = np.full(market.shape, np.nan)
    return FillModel(
        (costs or Costs()).as_array(),
        (rules or TradingRules()).per_symbol(market.symbols),
        exits.as_array(brackets),
        atr,
        gate if gate is not None else g.no_gate(market.shape[1]),
    )


def run_compiled(
    market: MarketData,
    orders: OrderArrays,
    *,
    cash: float = 1_000_000.0,
    costs: Costs | None = None,
    rules: TradingRules | None = None,
    exits: Exits | None = None,
    gate: g.Gate | None = None,
) -> KernelOutput:
    """Simulate `orders` on `market`; see the module docstring for the bar cycle.

    With a `gate` (`tetra.backtest.managed` builds one from a risk policy) every order
    passes the risk gate and the output carries its journal.
    """
    stop_loss, take_profit = bracket_levels(orders)
    brackets = bool(np.isfinite(stop_loss).any() or np.isfinite(take_profit).any())
    result = simulate(
        market.prices(),
        market.split_ratio,
        market.dividend,
        orders.size,
        orders.size_kind,
        orders.kind,
        orders.limit,
        orders.stop,
        orders.time_in_force,
        stop_loss,
        take_profit,
        float(cash),
        fill_model(market, costs, rules, exits, brackets, gate),
    )
    return KernelOutput(*result, journal=None if gate is None else journal_of(gate))


def journal_of(gate: g.Gate) -> np.ndarray:
    """Return the journal rows a run wrote into `gate`."""
    entries = int(gate.status[g.G_ENTRIES])
    if entries > gate.journal.shape[0]:
        raise RuntimeError(f"risk journal overflow: {entries} rows, room for {len(gate.journal)}")
    rows: np.ndarray = gate.journal[:entries].copy()
    return rows


@jit
def simulate(
    prices: Prices,
    split_ratio: Array,
    dividend: Array,
    size: Array,
    size_kind: Array,
    kind: Array,
    limit: Array,
    stop: Array,
    tif: Array,
    stop_loss: Array,
    take_profit: Array,
    cash0: float,
    model: FillModel,
) -> tuple[Array, Array, Array, Array]:
    t_count, n_count = size.shape[0], size.shape[1]
    orders = int(np.isfinite(size).sum())
    exits_on = model.exits[e.E_ACTIVE] != 0
    buffers = allocate(t_count, n_count, cash0, 2 * orders if exits_on else orders)
    state, pending, account, fills, cash_out, equity_out, positions = buffers
    gate_on = model.gate.status[g.G_ON] != 0
    filled = 0
    bar = np.empty((n_count, BAR_FIELDS))
    for t in range(t_count):
        load_bar(t, prices, bar)
        filled = fill_bar(t, bar, split_ratio, dividend, state, pending, account, model, fills,
                          filled)  # fmt: skip
        queue_orders(
            t, size, size_kind, kind, limit, stop, tif, stop_loss, take_profit, state, pending
        )
        if gate_on and _restricted(model):
            g.screen_orders(t, state, pending, account, model.gate)
        cash_out[t], equity_out[t] = account[A_CASH], account[A_EQUITY]
        positions[t, :] = state[S_POSITION, :]
    return cash_out, equity_out, positions, fills[:filled]


@jit
def load_bar(t: int, prices: Prices, bar: Array) -> None:
    """Copy row t of the five price panels into `bar` (N, BAR_FIELDS), laid out as B_* says.

    One small buffer reused bar after bar, where a stacked (T, N, 5) copy of the panels
    would write five times the market's size into fresh memory on every run.
    """
    for field in range(BAR_FIELDS):
        panel = prices[field]
        for n in range(bar.shape[0]):
            bar[n, field] = panel[t, n]


@jit
def fill_bar(
    t: int,
    bar: Array,
    split_ratio: Array,
    dividend: Array,
    state: Array,
    pending: Array,
    account: Array,
    model: FillModel,
    fills: Array,
    filled: int,
) -> int:
    """Run bar t (`bar`: its open, high, low, close, volume per symbol, from `load_bar`) up to
    its close: actions, exits, pending orders, marks, trailing stops, limits.

    Both paths call it; then the compiled kernel queues the bar's orders and the per-bar
    engine calls the strategy. Returns the new fill count.
    """
    exits_on, gate_on = model.exits[e.E_ACTIVE] != 0, model.gate.status[g.G_ON] != 0
    apply_actions(t, split_ratio, dividend, state, pending, account)
    if exits_on:
        before = filled
        filled = e.execute_exits(t, bar, state, account, model.costs, model.exits, fills, filled)
        if gate_on:  # keep the gate's valuation of the book current through the exits
            for i in range(before, filled):
                n = int(fills[i, F_SYMBOL])
                g.booked(n, -fills[i, F_QUANTITY], 0.0, state, model.gate)
    for side in (-1.0, 1.0):
        filled = execute_pending(t, side, bar, state, pending, account, model, fills, filled)
    mark_to_market(bar, state, account)
    if exits_on:
        e.ratchet(bar, state, model.exits)
    if gate_on:
        _check_limits(t, state, account, model)
    return filled


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
            for slot in (S_STOP_LOSS, S_TAKE_PROFIT, S_TRAIL_LEVEL, S_TRAIL_DISTANCE):
                state[slot, n] /= ratio
            if state[S_ORDER_ROW, n] >= 0:  # an open order: its share count and prices split too
                if pending[n, P_SIZE_KIND] == SHARES or pending[n, P_SIZE_KIND] == TARGET_SHARES:
                    pending[n, P_SIZE] *= ratio
                for column in (P_LIMIT, P_STOP, P_STOP_LOSS, P_TAKE_PROFIT):
                    pending[n, column] /= ratio


@jit
def execute_pending(
    t: int,
    side: float,
    bar: Array,
    state: Array,
    pending: Array,
    account: Array,
    model: FillModel,
    fills: Array,
    filled: int,
) -> int:
    """Execute pending orders of one side (-1 sells, +1 buys) against bar t."""
    for n in range(state.shape[1]):
        row = state[S_ORDER_ROW, n]
        if row < 0 or not np.isfinite(bar[n, B_OPEN]):
            continue
        order = pending[n]
        reference = bar[n, B_CLOSE] if order[P_KIND] == MARKET_ON_CLOSE else bar[n, B_OPEN]
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
            bar[n],
            position,
            account[A_CASH],
            equity,
            model.costs,
            model.rules[n],
        )
        if quantity != 0.0 and _gate_on(model):
            quantity, fee = _gated(t, n, quantity, price, fee, state, account, model)
            if quantity == 0.0:
                state[S_ORDER_ROW, n] = NO_ORDER  # the caps leave no room: the order ends
                continue
        if quantity != 0.0:
            before = position
            position, average, realised = x.book(position, state[S_AVERAGE, n], quantity, price)
            state[S_POSITION, n], state[S_AVERAGE, n] = position, average
            account[A_CASH] -= quantity * price + fee
            record_fill(fills, filled, t, n, quantity, price, fee, realised, row, e.SIGNAL, 0)
            filled += 1
            state[S_ORDER_ROW, n] = NO_ORDER
            if model.exits[e.E_ACTIVE] != 0:
                e.arm(t, n, before, price, order, state, model.exits, model.atr)
            if _gate_on(model):
                _booked(n, before, position, state, model)
        elif order[P_TIF] == DAY:
            state[S_ORDER_ROW, n] = NO_ORDER
    return filled


@lean
def _gate_on(model: FillModel) -> bool:
    """Whether the run is risk-managed (read without counting references to the model)."""
    return bool(model.gate.status[g.G_ON] != 0)


@lean
def _restricted(model: FillModel) -> bool:
    """Whether the gate's trading state restricts orders (`risk_gate.screen_orders`)."""
    return bool(g.restricted(model.gate.status))


@lean
def _check_limits(t: int, state: Array, account: Array, model: FillModel) -> None:
    g.check_limits(t, state, account, model.gate)


@lean
def _booked(n: int, before: float, after: float, state: Array, model: FillModel) -> None:
    g.booked(n, before, after, state, model.gate)


@lean
def _gated(
    t: int,
    n: int,
    quantity: float,
    price: float,
    fee: float,
    state: Array,
    account: Array,
    model: FillModel,
) -> tuple[float, float]:
    """Return the fill's (quantity, fee) after the risk gate's caps."""
    fractional = model.rules[n, x.R_FRACTIONAL] != 0
    allowed = g.allowed_quantity(t, n, quantity, price, state, account, fractional, model.gate)
    if allowed == quantity:
        return quantity, fee
    return allowed, x.commission(allowed, price, model.costs)


@jit
def mark_to_market(bar: Array, state: Array, account: Array) -> None:
    value = 0.0
    for n in range(state.shape[1]):
        close = bar[n, B_CLOSE]
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
    stop_loss: Array,
    take_profit: Array,
    state: Array,
    pending: Array,
) -> None:
    """Make the orders decided at bar t the symbols' working orders."""
    for n in range(state.shape[1]):
        if np.isfinite(size[t, n]):
            order_columns(t, n, size, size_kind, kind, limit, stop, tif, stop_loss, take_profit,
                          pending[n])  # fmt: skip
            state[S_ORDER_ROW, n] = t
