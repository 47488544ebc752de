"""The per-bar path: a Python `on_bar` per date, any logic, the same exchange underneath.

Each date runs the compiled path's own bar cycle (`tetra.backtest.compiled.fill_bar`):
corporate actions, exits, pending orders (sells, then buys), marking to the close, the risk
gate's limit check when managed; then the strategy's `on_bar` sees the bar and places
orders for the next one, which the gate screens. Orders land in the same pending
arrays the kernel uses, so both paths fill identically (the parity tests prove it). One
working order per symbol: a new order replaces the pending one.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from tetra.backtest.compiled import (
    FillModel,
    KernelOutput,
    fill_bar,
    fill_model,
    journal_of,
    load_bar,
)
from tetra.market import BarContext, MarketData, PlacedOrder
from tetra.market.orders import DAY, GOOD_TILL_CANCELLED
from tetra.simulation import exits as e
from tetra.simulation import risk_gate as g
from tetra.simulation.exits import Exits
from tetra.simulation.layout import (
    A_CASH,
    A_EQUITY,
    BAR_FIELDS,
    NO_ORDER,
    P_KIND,
    P_LIMIT,
    P_SIZE,
    P_SIZE_KIND,
    P_STOP,
    P_STOP_LOSS,
    P_TAKE_PROFIT,
    P_TIF,
    S_ORDER_ROW,
    S_POSITION,
    allocate,
)
from tetra.simulation.orders import Costs, TradingRules

OnBar = Callable[[BarContext], None]


class EngineBarContext(BarContext):
    """A `BarContext` over the engine's state arrays: it reads them and writes pending orders."""

    def __init__(
        self,
        market: MarketData,
        state: np.ndarray,
        pending: np.ndarray,
        account: np.ndarray,
        log: list[tuple[float, ...]] | None = None,
    ) -> None:
        super().__init__(market)
        self._state = state
        self._pending = pending
        self._account = account
        self._log = log
        self.brackets = False  # whether an order carried exit levels (they then get armed)

    @property
    def positions(self) -> np.ndarray:
        held: np.ndarray = self._state[S_POSITION]
        return held

    @property
    def cash(self) -> float:
        return float(self._account[A_CASH])

    @property
    def equity(self) -> float:
        return float(self._account[A_EQUITY])

    def position(self, symbol: int | str) -> float:
        return float(self._state[S_POSITION, self.column(symbol)])

    def place(self, symbol: int | str, order: PlacedOrder) -> None:
        """Write the order into the symbol's pending row, replacing the pending one."""
        n = self.column(symbol)
        row = self._pending[n]
        row[P_SIZE], row[P_SIZE_KIND] = order["size"], int(order["size_kind"])
        row[P_KIND], row[P_LIMIT], row[P_STOP] = int(order["kind"]), order["limit"], order["stop"]
        row[P_TIF] = GOOD_TILL_CANCELLED if order["good_till_cancelled"] else DAY
        stop_loss, take_profit = order["stop_loss"], order["take_profit"]
        row[P_STOP_LOSS], row[P_TAKE_PROFIT] = stop_loss, take_profit
        if math.isfinite(stop_loss) or math.isfinite(take_profit):
            self.brackets = True
        self._state[S_ORDER_ROW, n] = self.t
        if self._log is not None:
            self._log.append((self.t, n, *self._pending[n]))

    def cancel(self, symbol: int | str) -> None:
        self._state[S_ORDER_ROW, self.column(symbol)] = NO_ORDER


def run_callbacks(
    market: MarketData,
    on_bar: OnBar,
    *,
    cash: float = 1_000_000.0,
    costs: Costs | None = None,
    rules: TradingRules | None = None,
    exits: Exits | None = None,
    gate: g.Gate | None = None,
    log: list[tuple[float, ...]] | None = None,
) -> KernelOutput:
    """Run `on_bar` at every date of `market`; return the same output as the compiled path.

    When `log` is given, every order placed is appended to it as its bar, its symbol and
    its pending-order columns (`tetra.backtest.compiled.decisions_of` has the same rows).
    With a `gate`, orders pass the risk gate as on the compiled path.
    """
    t_count, n_count = market.shape
    prices, bar = market.prices(), np.empty((n_count, BAR_FIELDS))
    model = fill_model(market, costs, rules, exits, gate=gate)
    gate_on = gate is not None and gate.status[g.G_ON] != 0
    buffers = allocate(t_count, n_count, float(cash), max(4 * n_count, 64))
    state, pending, account, fills, cash_out, equity_out, positions = buffers
    context = EngineBarContext(market, state, pending, account, log)
    filled = 0
    for t in range(t_count):
        if filled + 2 * n_count > len(fills):
            fills = np.vstack([fills, np.zeros_like(fills)])
        model = _journal_room(model, n_count)
        split_ratio, dividend = market.split_ratio, market.dividend
        load_bar(t, prices, bar)
        filled = fill_bar(t, bar, split_ratio, dividend, state, pending, account, model, fills,
                          filled)  # fmt: skip
        context.t = t
        on_bar(context)
        if context.brackets:  # from now on fills arm exit levels, as on the compiled path
            model.exits[e.E_ACTIVE] = 1.0
        if gate_on:
            g.screen_orders(t, state, pending, account, model.gate)
        cash_out[t], equity_out[t] = account[A_CASH], account[A_EQUITY]
        positions[t] = state[S_POSITION]
    journal = None if gate is None else journal_of(model.gate)
    return KernelOutput(cash_out, equity_out, positions, fills[:filled], journal)


def _journal_room(model: FillModel, n_count: int) -> FillModel:
    """Return `model` with room in its gate's journal for one more bar (doubling it if short)."""
    gate = model.gate
    if gate.status[g.G_ON] == 0 or gate.status[g.G_ENTRIES] + 2 * n_count + 16 <= len(gate.journal):
        return model
    grown = np.vstack(
        [gate.journal, np.zeros((len(gate.journal) + 2 * n_count + 16, gate.journal.shape[1]))]
    )
    return model._replace(gate=gate._replace(journal=grown))
