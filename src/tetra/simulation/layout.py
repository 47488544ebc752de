"""Named slots of the engines' state buffers: every position named once, for both paths.

The compiled kernel (`tetra.backtest.compiled`) and the per-bar engine
(`tetra.backtest.engine`) keep a backtest's state in plain float64 arrays, because numba
kernels take arrays, not objects. This module names every row and column of those arrays,
and `allocate` builds them, so the two paths cannot disagree on a layout:

- `state` (STATE_ROWS, N): per symbol, the position and its bookkeeping (S_*);
- `pending` (N, PENDING_COLUMNS): per symbol, its one working order (P_*);
- `account` (ACCOUNT_SIZE,): cash and equity at the last close (A_*);
- a bar, ``bar[n]`` (N, BAR_FIELDS): open, high, low, close, volume of one date (B_*);
- `fills` (F, FILL_COLUMNS): one row per fill (F_*).

Numba reads these module-level ints as compile-time constants: naming them costs nothing.
"""

from __future__ import annotations

import numba
import numpy as np

# state rows, per symbol
S_POSITION = 0  # units held (negative when short)
S_AVERAGE = 1  # average entry price of the position
S_LAST = 2  # last known close (carried through days without a bar)
S_ORDER_ROW = 3  # bar at which the working order was decided, -1 when there is none
S_STOP_LOSS = 4  # exit levels (`tetra.simulation.exits`), NaN when unset
S_TAKE_PROFIT = 5
S_TRAIL_LEVEL = 6
S_TRAIL_DISTANCE = 7  # an ATR trailing stop's distance from the extreme
S_ENTRY_BAR = 8  # bar the position was opened at, -1 when flat
STATE_ROWS = 9

# pending-order columns, per symbol
P_SIZE = 0
P_SIZE_KIND = 1
P_KIND = 2
P_LIMIT = 3
P_STOP = 4
P_TIF = 5
P_STOP_LOSS = 6  # a bracket entry's stop-loss and take-profit prices, NaN when none
P_TAKE_PROFIT = 7
PENDING_COLUMNS = 8

# account slots
A_CASH = 0
A_EQUITY = 1  # equity at the previous close
ACCOUNT_SIZE = 2

# bar fields, in the order of `MarketData.prices()`
B_OPEN = 0
B_HIGH = 1
B_LOW = 2
B_CLOSE = 3
B_VOLUME = 4
BAR_FIELDS = 5

# fill columns
F_T = 0  # bar of the fill
F_SYMBOL = 1  # symbol column
F_QUANTITY = 2  # signed units
F_PRICE = 3
F_FEE = 4
F_REALISED = 5  # realised P&L before fees
F_ORDER_ROW = 6  # bar the order was decided at (an exit's own bar for exits)
F_EXIT = 7  # why: `tetra.simulation.exits` reason code, 0 for the strategy's own orders
F_FLAGS = 8  # exits' flags (gap, both touched), a bit set
FILL_COLUMNS = 9

NO_ORDER = -1.0

jit = numba.njit(cache=True, nogil=True)


@jit
def allocate(
    t_count: int, n_count: int, cash: float, fill_rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return fresh (state, pending, account, fills, cash_out, equity_out, positions).

    No symbol holds a position or a working order; the account holds `cash`, which is
    also its equity; `fills` has room for `fill_rows` fills.
    """
    state = np.full((STATE_ROWS, n_count), np.nan)
    state[S_POSITION, :], state[S_AVERAGE, :], state[S_LAST, :] = 0.0, 0.0, 0.0
    state[S_ORDER_ROW, :], state[S_ENTRY_BAR, :] = NO_ORDER, -1.0
    pending = np.zeros((n_count, PENDING_COLUMNS))
    pending[:, P_STOP_LOSS], pending[:, P_TAKE_PROFIT] = np.nan, np.nan
    account = np.zeros(ACCOUNT_SIZE)
    account[A_CASH], account[A_EQUITY] = cash, cash
    fills = np.zeros((fill_rows, FILL_COLUMNS))
    positions = np.zeros((t_count, n_count))
    return state, pending, account, fills, np.zeros(t_count), np.zeros(t_count), positions


@jit
def record_fill(
    fills: np.ndarray,
    i: int,
    t: int,
    n: int,
    quantity: float,
    price: float,
    fee: float,
    realised: float,
    row: float,
    reason: int,
    flags: int,
) -> None:
    """Write fill number `i`."""
    fills[i, F_T], fills[i, F_SYMBOL], fills[i, F_QUANTITY] = t, n, quantity
    fills[i, F_PRICE], fills[i, F_FEE], fills[i, F_REALISED] = price, fee, realised
    fills[i, F_ORDER_ROW], fills[i, F_EXIT], fills[i, F_FLAGS] = row, reason, flags
