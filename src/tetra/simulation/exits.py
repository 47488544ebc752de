"""Stops and exits in the fill model: stop loss, take profit, trailing stop, time exit, brackets.

One implementation for both backtest paths, called from the shared bar cycle
(`tetra.backtest.compiled`). A position's exit levels live in its state slots
(`tetra.simulation.layout`: S_STOP_LOSS, S_TAKE_PROFIT, S_TRAIL_LEVEL, S_TRAIL_DISTANCE,
S_ENTRY_BAR). Where they come from:

- `Exits`, a run-wide config: each leg as a fraction of the entry price or a multiple of
  the ATR of the bar before the entry (Wilder, `atr_window` bars), and a time exit after
  `time_exit` bars;
- a bracket entry: an order that carries its own stop-loss and take-profit prices
  (`OrderArrays.stop_loss`/`take_profit`, `BarContext.order(stop_loss=, take_profit=)`),
  which replace the config's levels for that position.

Rules, written down where the issue was silent:

- levels are armed when a fill opens a position (from flat, or flipping it) and apply from
  the next bar, as a broker activates a bracket's children once the parent has filled;
  adding to a position keeps its levels (a bracket on the adding order replaces them);
  a position closed by any fill disarms them;
- exits are checked at the start of a bar, before that bar's pending orders: a bar that
  opens through the stop (or the target) fills at the **open**, flagged `gap`; otherwise a
  time exit that is due fills at the open; otherwise a touched stop fills at the stop, a
  touched target at the target; a bar that touches both takes the stop (the worse fill,
  since the order inside the bar is unknown) unless `both_touched="target"`, flagged
  `both_touched` either way;
- the trailing stop ratchets after each bar's close from the bar's high (long) or low
  (short), never loosening; the tighter of stop loss and trailing stop protects;
- an exit closes the whole position at the fill model's slippage and commission and
  cancels the symbol's working order (the position that order was about is gone);
- splits scale the levels like prices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import numba
import numpy as np

from tetra.core.errors import ValidationError
from tetra.simulation import exchange as x
from tetra.simulation.layout import (
    A_CASH,
    B_CLOSE,
    B_HIGH,
    B_LOW,
    B_OPEN,
    B_VOLUME,
    NO_ORDER,
    P_STOP_LOSS,
    P_TAKE_PROFIT,
    S_AVERAGE,
    S_ENTRY_BAR,
    S_ORDER_ROW,
    S_POSITION,
    S_STOP_LOSS,
    S_TAKE_PROFIT,
    S_TRAIL_DISTANCE,
    S_TRAIL_LEVEL,
    record_fill,
)

jit = numba.njit(cache=True, nogil=True)

# Why a fill happened (fill column F_EXIT); SIGNAL is an order the strategy placed.
SIGNAL, STOP_LOSS, TAKE_PROFIT, TRAILING_STOP, TIME_EXIT = 0, 1, 2, 3, 4
# Fill flags (fill column F_FLAGS), a bit set.
GAP, BOTH_TOUCHED = 1, 2

# Layout of the exits array (`Exits.as_array`); NaN where a leg is not set.
E_ACTIVE = 0  # 1 when any leg is set or brackets may arm levels: the kernels skip exits else
E_STOP_PCT, E_STOP_ATR = 1, 2
E_TARGET_PCT, E_TARGET_ATR = 3, 4
E_TRAIL_PCT, E_TRAIL_ATR = 5, 6
E_TIME_BARS = 7  # 0 when there is no time exit
E_TARGET_FIRST = 8  # 1 when a bar touching both takes the target
EXITS_SIZE = 9


class ExitReason(StrEnum):
    """Why a position was closed, as trades and the store name it."""

    SIGNAL = "signal"
    STOP_LOSS = "stop_loss"
    TAKE_PROFIT = "take_profit"
    TRAILING_STOP = "trailing_stop"
    TIME_EXIT = "time_exit"

    @classmethod
    def of_code(cls, code: int) -> ExitReason:
        """Return the reason of a fill's F_EXIT code."""
        return _REASONS[code]


_REASONS = tuple(ExitReason)


def exit_reasons(codes: np.ndarray) -> np.ndarray:
    """Return the reason names (object array) of fill F_EXIT codes."""
    names = np.array([reason.value for reason in _REASONS], dtype=object)
    selected: np.ndarray = names[np.asarray(codes, dtype=np.int64)]
    return selected


@dataclass(frozen=True, slots=True)
class Exits:
    """Run-wide exit rules; every leg optional (see the module docstring).

    Fractions are of the entry price (0.05 = 5 %); ATR multiples use the ATR of the bar
    before the entry. A leg takes a fraction or an ATR multiple, not both.
    """

    stop_loss: float | None = None
    stop_loss_atr: float | None = None
    take_profit: float | None = None
    take_profit_atr: float | None = None
    trailing_stop: float | None = None
    trailing_stop_atr: float | None = None
    time_exit: int | None = None
    atr_window: int = 14
    both_touched: Literal["stop", "target"] = "stop"

    def __post_init__(self) -> None:
        legs = {
            "stop_loss": (self.stop_loss, self.stop_loss_atr),
            "take_profit": (self.take_profit, self.take_profit_atr),
            "trailing_stop": (self.trailing_stop, self.trailing_stop_atr),
        }
        for name, (fraction, multiple) in legs.items():
            if fraction is not None and multiple is not None:
                raise ValidationError(f"{name}: give a fraction or an ATR multiple, not both")
            _check_positive(name, fraction)
            _check_positive(f"{name}_atr", multiple)
        for name, value in (("stop_loss", self.stop_loss), ("trailing_stop", self.trailing_stop)):
            if value is not None and value >= 1.0:
                raise ValidationError(f"{name}: {value} is 100 % or more of the price")
        if self.time_exit is not None and self.time_exit < 1:
            raise ValidationError(f"time_exit: {self.time_exit} bars; it must be at least 1")
        if self.atr_window < 1:
            raise ValidationError(f"atr_window: {self.atr_window}; it must be at least 1")
        if self.both_touched not in ("stop", "target"):
            raise ValidationError(f"both_touched: {self.both_touched!r} is not stop or target")

    @property
    def uses_atr(self) -> bool:
        """Whether a leg is an ATR multiple (the run then computes the ATR)."""
        return any(
            v is not None
            for v in (self.stop_loss_atr, self.take_profit_atr, self.trailing_stop_atr)
        )

    @property
    def any(self) -> bool:
        """Whether any leg is set."""
        return self.uses_atr or any(
            v is not None
            for v in (self.stop_loss, self.take_profit, self.trailing_stop, self.time_exit)
        )

    def as_array(self, brackets: bool = False) -> np.ndarray:
        """Lay the rules out as the kernels take them; `brackets` when orders may carry levels."""
        exits = np.full(EXITS_SIZE, np.nan)
        exits[E_ACTIVE] = float(self.any or brackets)
        exits[E_STOP_PCT], exits[E_STOP_ATR] = _nan(self.stop_loss), _nan(self.stop_loss_atr)
        exits[E_TARGET_PCT], exits[E_TARGET_ATR] = (
            _nan(self.take_profit),
            _nan(self.take_profit_atr),
        )
        exits[E_TRAIL_PCT], exits[E_TRAIL_ATR] = (
            _nan(self.trailing_stop),
            _nan(self.trailing_stop_atr),
        )
        exits[E_TIME_BARS] = float(self.time_exit or 0)
        exits[E_TARGET_FIRST] = float(self.both_touched == "target")
        return exits


def _check_positive(name: str, value: float | None) -> None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise ValidationError(f"{name}: {value} must be a positive number")


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def average_true_range(
    high: np.ndarray, low: np.ndarray, close: np.ndarray, window: int
) -> np.ndarray:
    """Return the (T, N) Wilder ATR of each symbol over its own bars (NaN where not yet known).

    Days without a bar are skipped, not counted, and carry the last value forward.
    """
    out = np.full(close.shape, np.nan)
    for n in range(close.shape[1]):
        rows = np.flatnonzero(np.isfinite(close[:, n]))
        if rows.size:
            out[rows, n] = _wilder_atr(high[rows, n], low[rows, n], close[rows, n], window)
            out[rows[0] :, n] = _forward_filled(out[rows[0] :, n])
    return out


@jit
def _wilder_atr(high: np.ndarray, low: np.ndarray, close: np.ndarray, window: int) -> np.ndarray:
    out = np.full(close.shape[0], np.nan)
    average = 0.0
    for row in range(1, close.shape[0]):
        true_range = max(high[row] - low[row], abs(high[row] - close[row - 1]))
        true_range = max(true_range, abs(low[row] - close[row - 1]))
        if row <= window:
            average += true_range / window
            if row == window:
                out[row] = average
        else:
            average = (average * (window - 1) + true_range) / window
            out[row] = average
    return out


@jit
def _forward_filled(values: np.ndarray) -> np.ndarray:
    out = values.copy()
    for i in range(1, out.shape[0]):
        if not np.isfinite(out[i]):
            out[i] = out[i - 1]
    return out


@jit
def disarm(state: np.ndarray, n: int) -> None:
    """Forget the exit levels of symbol `n`."""
    state[S_STOP_LOSS, n] = np.nan
    state[S_TAKE_PROFIT, n] = np.nan
    state[S_TRAIL_LEVEL, n] = np.nan
    state[S_TRAIL_DISTANCE, n] = np.nan
    state[S_ENTRY_BAR, n] = -1.0


@jit
def arm(
    t: int,
    n: int,
    before: float,
    price: float,
    order: np.ndarray,
    state: np.ndarray,
    exits: np.ndarray,
    atr: np.ndarray,
) -> None:
    """Set or keep symbol `n`'s levels after a fill at `price` moved it from `before` units."""
    after = state[S_POSITION, n]
    if after == 0.0:
        disarm(state, n)
        return
    if before == 0.0 or before * after < 0.0:
        side = 1.0 if after > 0.0 else -1.0
        volatility = atr[t - 1, n] if t >= 1 else np.nan
        state[S_ENTRY_BAR, n] = t
        state[S_STOP_LOSS, n] = _level(
            price, -side, exits[E_STOP_PCT], exits[E_STOP_ATR], volatility
        )
        state[S_TAKE_PROFIT, n] = _level(
            price, side, exits[E_TARGET_PCT], exits[E_TARGET_ATR], volatility
        )
        state[S_TRAIL_DISTANCE, n] = exits[E_TRAIL_ATR] * volatility
        state[S_TRAIL_LEVEL, n] = _level(
            price, -side, exits[E_TRAIL_PCT], exits[E_TRAIL_ATR], volatility
        )
    if np.isfinite(order[P_STOP_LOSS]):
        state[S_STOP_LOSS, n] = order[P_STOP_LOSS]
    if np.isfinite(order[P_TAKE_PROFIT]):
        state[S_TAKE_PROFIT, n] = order[P_TAKE_PROFIT]


@jit
def _level(price: float, direction: float, fraction: float, multiple: float, atr: float) -> float:
    """Return price moved by `fraction` of itself, else by `multiple` ATRs, in `direction`."""
    if np.isfinite(fraction):
        return float(price * (1.0 + direction * fraction))
    if np.isfinite(multiple) and np.isfinite(atr):
        return float(price + direction * multiple * atr)
    return np.nan


@jit
def ratchet(bar: np.ndarray, state: np.ndarray, exits: np.ndarray) -> None:
    """Tighten every trailing stop after the bar's close, from its high (long) or low."""
    for n in range(state.shape[1]):
        position, level = state[S_POSITION, n], state[S_TRAIL_LEVEL, n]
        if position == 0.0 or not np.isfinite(level) or not np.isfinite(bar[n, B_CLOSE]):
            continue
        extreme = bar[n, B_HIGH] if position > 0.0 else bar[n, B_LOW]
        side = 1.0 if position > 0.0 else -1.0
        if np.isfinite(exits[E_TRAIL_PCT]):
            candidate = extreme * (1.0 - side * exits[E_TRAIL_PCT])
        else:
            candidate = extreme - side * state[S_TRAIL_DISTANCE, n]
        if side * (candidate - level) > 0.0:
            state[S_TRAIL_LEVEL, n] = candidate


@jit
def exit_of(
    t: int, position: float, bar: np.ndarray, state: np.ndarray, n: int, exits: np.ndarray
) -> tuple[int, float, int]:
    """Return (reason, base price, flags) of the exit bar t triggers, or (SIGNAL, NaN, 0)."""
    o, h, lo = bar[B_OPEN], bar[B_HIGH], bar[B_LOW]
    side = 1.0 if position > 0.0 else -1.0
    stop, stop_reason = _protective(state, n, side)
    target = state[S_TAKE_PROFIT, n]
    if side * (o - stop) < 0.0:
        return stop_reason, o, GAP
    if side * (o - target) > 0.0:
        return TAKE_PROFIT, o, GAP
    due = exits[E_TIME_BARS]
    if due > 0 and t - state[S_ENTRY_BAR, n] >= due:
        return TIME_EXIT, o, 0
    stop_hit = lo <= stop if side > 0 else h >= stop
    target_hit = h >= target if side > 0 else lo <= target
    if stop_hit and target_hit:
        if exits[E_TARGET_FIRST] != 0:
            return TAKE_PROFIT, target, BOTH_TOUCHED
        return stop_reason, stop, BOTH_TOUCHED
    if stop_hit:
        return stop_reason, stop, 0
    if target_hit:
        return TAKE_PROFIT, target, 0
    return SIGNAL, np.nan, 0


@jit
def _protective(state: np.ndarray, n: int, side: float) -> tuple[float, int]:
    """Return the tighter of the stop loss and the trailing stop, and its reason."""
    stop, trail = state[S_STOP_LOSS, n], state[S_TRAIL_LEVEL, n]
    if np.isfinite(trail) and (not np.isfinite(stop) or side * (trail - stop) > 0.0):
        return trail, TRAILING_STOP
    return stop, STOP_LOSS


@jit
def execute_exits(
    t: int,
    bar: np.ndarray,
    state: np.ndarray,
    account: np.ndarray,
    costs: np.ndarray,
    exits: np.ndarray,
    fills: np.ndarray,
    filled: int,
) -> int:
    """Close every position whose exit bar t triggers; return the new fill count."""
    for n in range(state.shape[1]):
        position = state[S_POSITION, n]
        if position == 0.0 or not np.isfinite(bar[n, B_OPEN]):
            continue
        reason, base, flags = exit_of(t, position, bar[n], state, n, exits)
        if reason == SIGNAL:
            continue
        quantity = -position
        side = 1.0 if quantity > 0.0 else -1.0
        price = x.slipped(base, side, quantity, bar[n, B_VOLUME], costs)
        fee = x.commission(quantity, price, costs)
        realised = x.book(position, state[S_AVERAGE, n], quantity, price)[2]
        state[S_POSITION, n], state[S_AVERAGE, n] = 0.0, 0.0
        account[A_CASH] -= quantity * price + fee
        record_fill(fills, filled, t, n, quantity, price, fee, realised, t, reason, flags)
        filled += 1
        disarm(state, n)
        state[S_ORDER_ROW, n] = NO_ORDER
    return filled
