"""The simulated exchange's rules: when an order fills, at what price, at what cost.

One set of numba-compiled functions serves both backtest paths: the compiled kernel calls
them inside its loop and the per-bar engine calls them from Python, so fills, fees and
slippage are identical by construction. Codes are small integers because numba kernels
take arrays, not objects; `tetra.market.orders` names the order and size kinds, and
`tetra.simulation.orders` the cost models.

Rules (decided at a bar's close, executed on the next bar):
- market and market-on-open fill at the open; market-on-close at the close;
- a buy limit fills if the low reaches the limit, at min(open, limit) (a gap down fills at the
  better open); a sell limit mirrors it;
- a buy stop triggers if the high reaches the stop, filling at max(open, stop); a sell stop
  mirrors it; a stop-limit triggers like a stop and then fills only at or better than its
  limit (at the trigger price when that is within the limit, else at the limit if the bar
  reaches it);
- slippage moves the price against the trader; fees are charged on top; quantities are whole
  units unless fractional trading is on; buys never spend more cash than there is unless
  leverage is allowed, and sells never go short unless shorting is allowed.
"""

from __future__ import annotations

import math

import numba
import numpy as np

# Order kinds, and size kinds (how an order's `size` is read): the strategy vocabulary's codes
from tetra.market.orders import (
    LIMIT,
    MARKET,
    MARKET_ON_CLOSE,
    MARKET_ON_OPEN,
    PERCENT_EQUITY,
    SHARES,
    STOP,
    STOP_LIMIT,
    TARGET_PERCENT,
    TARGET_SHARES,
    TARGET_VALUE,
    VALUE,
)

# Commission models
NO_COMMISSION, PER_SHARE, BASIS_POINTS, FIXED_FEE = 0, 1, 2, 3
# Slippage models
NO_SLIPPAGE, FIXED_SLIPPAGE, BPS_SLIPPAGE, VOLUME_SHARE = 0, 1, 2, 3

# Layout of the costs array every function takes (see `tetra.simulation.orders.Costs`).
C_COMMISSION, C_PER_SHARE, C_MINIMUM, C_BPS, C_FIXED = 0, 1, 2, 3, 4
C_SLIPPAGE, C_SLIP_FIXED, C_SLIP_BPS, C_IMPACT = 5, 6, 7, 8
COSTS_SIZE = 9

# Layout of the rules array: trading permissions.
R_FRACTIONAL, R_SHORT, R_LEVERAGE = 0, 1, 2
RULES_SIZE = 3

jit = numba.njit(cache=True, nogil=True)


@jit
def fill_price(
    kind: int, side: float, limit: float, stop: float, o: float, h: float, lo: float, c: float
) -> float:
    """Return the price an order of `kind` and `side` (+1 buy, -1 sell) fills at, or NaN."""
    if not math.isfinite(o):
        return math.nan
    if kind in (MARKET, MARKET_ON_OPEN):
        return o
    if kind == MARKET_ON_CLOSE:
        return c
    if kind == LIMIT:
        return _limit_price(side, limit, o, h, lo)
    if kind == STOP:
        return _stop_price(side, stop, o, h, lo)
    if kind == STOP_LIMIT:
        trigger = _stop_price(side, stop, o, h, lo)
        if not math.isfinite(trigger):
            return math.nan
        if side * (limit - trigger) >= 0:
            return trigger
        return _limit_price(side, limit, limit, h, lo)
    return math.nan


@jit
def _limit_price(side: float, limit: float, o: float, h: float, lo: float) -> float:
    if side > 0:
        return min(o, limit) if lo <= limit else math.nan
    return max(o, limit) if h >= limit else math.nan


@jit
def _stop_price(side: float, stop: float, o: float, h: float, lo: float) -> float:
    if side > 0:
        return max(o, stop) if h >= stop else math.nan
    return min(o, stop) if lo <= stop else math.nan


@jit
def slipped(price: float, side: float, quantity: float, volume: float, costs: np.ndarray) -> float:
    """Move `price` against the trader by the slippage model."""
    model = costs[C_SLIPPAGE]
    if model == FIXED_SLIPPAGE:
        return float(price + side * costs[C_SLIP_FIXED])
    if model == BPS_SLIPPAGE:
        return float(price * (1.0 + side * costs[C_SLIP_BPS] * 1e-4))
    if model == VOLUME_SHARE and volume > 0:
        participation = min(abs(quantity) / volume, 1.0)
        return float(price * (1.0 + side * costs[C_IMPACT] * participation))
    return price


@jit
def commission(quantity: float, price: float, costs: np.ndarray) -> float:
    """Return the fee for trading `quantity` (either sign) at `price`."""
    if quantity == 0:
        return 0.0
    model = costs[C_COMMISSION]
    if model == PER_SHARE:
        return float(max(abs(quantity) * costs[C_PER_SHARE], costs[C_MINIMUM]))
    if model == BASIS_POINTS:
        return float(max(abs(quantity) * price * costs[C_BPS] * 1e-4, costs[C_MINIMUM]))
    if model == FIXED_FEE:
        return float(costs[C_FIXED])
    return 0.0


@jit
def wanted_quantity(
    size_kind: int, size: float, price: float, position: float, equity: float
) -> float:
    """Return the signed quantity an order asks for at `price`, before rounding and limits."""
    if size_kind == SHARES:
        return size
    if size_kind == VALUE:
        return size / price
    if size_kind == PERCENT_EQUITY:
        return size * equity / price
    if size_kind == TARGET_SHARES:
        return size - position
    if size_kind == TARGET_VALUE:
        return size / price - position
    if size_kind == TARGET_PERCENT:
        return size * equity / price - position
    return 0.0


@jit
def order_side(
    size_kind: int, size: float, reference: float, position: float, equity: float
) -> float:
    """Return +1 for a buy, -1 for a sell, 0 for nothing, judged at a reference price."""
    wanted = wanted_quantity(size_kind, size, reference, position, equity)
    if wanted > 0:
        return 1.0
    if wanted < 0:
        return -1.0
    return 0.0


@jit
def _rounded(quantity: float, fractional: bool) -> float:
    if fractional:
        return quantity
    return float(math.floor(quantity)) if quantity > 0 else float(math.ceil(quantity))


@jit
def _within_cash(
    quantity: float, price: float, cash: float, costs: np.ndarray, fractional: bool
) -> float:
    """Shrink a buy so that its cost and fee fit in `cash`."""
    if quantity <= 0 or quantity * price + commission(quantity, price, costs) <= cash:
        return quantity
    fitted = _rounded(max(cash, 0.0) / price, fractional)
    while fitted > 0 and fitted * price + commission(fitted, price, costs) > cash:
        fitted = fitted - 1.0 if not fractional else fitted * (1.0 - 1e-9) - 1e-12
    return max(fitted, 0.0)


@jit
def execute(
    kind: int,
    size_kind: int,
    size: float,
    limit: float,
    stop: float,
    bar: np.ndarray,
    position: float,
    cash: float,
    equity: float,
    costs: np.ndarray,
    rules: np.ndarray,
) -> tuple[float, float, float]:
    """Execute one order against one bar; return (signed quantity, price, fee), zeros if none.

    `bar` is [open, high, low, close, volume]; `position`, `cash` and `equity` are the
    account's before this order.
    """
    o, h, lo, c, v = bar[0], bar[1], bar[2], bar[3], bar[4]
    reference = c if kind == MARKET_ON_CLOSE else o
    side = order_side(size_kind, size, reference, position, equity)
    if side == 0 or not math.isfinite(reference):
        return 0.0, 0.0, 0.0
    base = fill_price(kind, side, limit, stop, o, h, lo, c)
    if not math.isfinite(base):
        return 0.0, 0.0, 0.0
    fractional = rules[R_FRACTIONAL] != 0
    quantity = _rounded(wanted_quantity(size_kind, size, base, position, equity), fractional)
    price = slipped(base, side, quantity, v, costs)
    quantity = _rounded(wanted_quantity(size_kind, size, price, position, equity), fractional)
    if quantity < 0 and rules[R_SHORT] == 0:
        quantity = max(quantity, -max(position, 0.0))
    if quantity > 0 and rules[R_LEVERAGE] == 0:
        quantity = _within_cash(quantity, price, cash, costs, fractional)
    if quantity == 0:
        return 0.0, 0.0, 0.0
    return quantity, price, commission(quantity, price, costs)


@jit
def book(
    position: float, average_price: float, quantity: float, price: float
) -> tuple[float, float, float]:
    """Book a fill into a position; return (position, average price, realised P&L before fees)."""
    new_position = position + quantity
    if position == 0 or position * quantity > 0:
        total = abs(position) + abs(quantity)
        return new_position, (average_price * abs(position) + price * abs(quantity)) / total, 0.0
    closed = min(abs(quantity), abs(position))
    direction = 1.0 if position > 0 else -1.0
    realised = (price - average_price) * closed * direction
    if abs(quantity) > abs(position):
        return new_position, price, realised  # flipped: the rest opens at this price
    return new_position, (average_price if new_position != 0 else 0.0), realised
