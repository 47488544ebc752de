"""The risk gate in the fill model: a `RiskPolicy` applied to every order of a backtest.

Both backtest paths call these numba functions from the shared bar cycle
(`tetra.backtest.compiled`) when a run is risk-managed (`tetra.backtest.managed`). The
policy arrives as `tetra.risk.PolicyArrays`; the measures and the breach step are the risk
package's own (`tetra.risk.measures`), so a backtest and a report cannot disagree.

Per bar:

1. exits (stops, targets) are never gated: a halt never blocks exits;
2. each fill that grows a position is resized so that, valued at its fill price against the
   equity at the previous close (the other positions at their last close), it meets the
   per-position cap, every group, theme and asset-class cap of its buckets, and the gross
   and net leverage caps; a position already over a cap cannot grow (no forced selling
   here: the trading state does that); reducing fills pass untouched;
3. after the close every limit is measured on the marked book (`limit_usage_nb`), breach
   streaks advance (`advance_limits_nb`: persistence, latching) and the book's trading
   state follows the tripped limits;
4. working orders the new state does not keep (`keeps_working`: in REDUCING and HALTED only
   exposure-reducing ones) are cancelled; new orders it does not permit (`permits`: in
   REDUCING only reducing ones, in HALTED none) are refused. Reduction is judged at the
   close: the order's quantity at that price against the position.

Every intervention is a journal row (J_* columns): resized, refused or cancelled orders
with the limit or state that caused it, and limits tripping or clearing with their value
and cap. `tetra.backtest.managed` turns the rows into sentences.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from tetra.risk.arrays import PolicyArrays
from tetra.risk.measures import (
    CORRELATED,
    GROSS,
    NET,
    POSITION,
    advance_limits_nb,
    breached_into_nb,
    limit_usage_into_nb,
    usage_of,
)
from tetra.risk.vocabulary import ACTIVE, HALTED, LIMIT_KINDS, LimitKind
from tetra.simulation import correlation_limit as cl
from tetra.simulation import exchange as x
from tetra.simulation.layout import (
    A_EQUITY,
    NO_ORDER,
    P_SIZE,
    P_SIZE_KIND,
    S_LAST,
    S_ORDER_ROW,
    S_POSITION,
)
from tetra.simulation.lean import lean

GROUP = LimitKind.GROUP_EXPOSURE.code
THEME = LimitKind.THEME_EXPOSURE.code
ASSET_CLASS = LimitKind.ASSET_CLASS_EXPOSURE.code

# rows of the gate's per-check scratch (`Gate.scratch`), so a check allocates nothing
U_USAGE, U_VALUE, U_SUBJECT, U_BEFORE, U_BREACHED, U_EXPOSURE, U_CLEAN = 0, 1, 2, 3, 4, 5, 6
SCRATCH_ROWS = 7

# status slots
G_ON = 0  # 1 when the run is risk-managed
G_STATE = 1  # trading-state code (tetra.risk.vocabulary: 0 active, 1 reducing, 2 halted)
G_PREVIOUS_EQUITY = 2  # equity at the previous check (daily loss)
G_PEAK = 3  # equity peak (drawdown)
G_ENTRIES = 4  # journal rows written
G_GROSS = 5  # summed |position value| at the last close, kept current through the bar's fills
G_NET = 6  # summed position value, likewise
G_CORR_WINDOW = 7  # the correlation limit's window (0: no limit) and threshold
G_CORR_THRESHOLD = 8
STATUS_SIZE = 9

# journal columns and actions
J_T, J_SYMBOL, J_ACTION, J_CODE, J_REQUESTED, J_ALLOWED, J_STATE = 0, 1, 2, 3, 4, 5, 6
JOURNAL_COLUMNS = 7
RESIZED, REFUSED, CANCELLED, TRIPPED, CLEARED = 0, 1, 2, 3, 4
# J_CODE: a `LimitKind.code` for resized, tripped and cleared rows; the state code for
# refused and cancelled ones. J_REQUESTED/J_ALLOWED: quantities for orders, value and cap
# for limits.


class Gate(NamedTuple):
    """A run's risk gate as arrays: the policy, the breach streaks, the status, the journal."""

    policy: PolicyArrays  # with corr_window 0: the gate measures correlation itself
    close: np.ndarray  # (T, N) closes, for the correlation limit's returns
    streak: np.ndarray  # (K,) int64
    tripped: np.ndarray  # (K,) int64
    status: np.ndarray  # (STATUS_SIZE,)
    buckets: np.ndarray  # (B,) summed |position value| per bucket
    journal: np.ndarray  # (J, JOURNAL_COLUMNS)
    weights: np.ndarray  # (N,) scratch: the book's weights at the last check
    correlation: cl.CorrelationArrays  # the correlation limit's working arrays
    scratch: np.ndarray  # (SCRATCH_ROWS, max(K, B, N)): a check's usage, value, ... (U_*)


@lean
def note(
    gate: Gate, t: int, n: int, action: int, code: int, requested: float, allowed: float
) -> None:
    """Append a journal row (rows beyond the journal's room are counted, not written)."""
    i = int(gate.status[G_ENTRIES])
    if i < gate.journal.shape[0]:
        row = gate.journal[i]
        row[J_T], row[J_SYMBOL], row[J_ACTION], row[J_CODE] = t, n, action, code
        row[J_REQUESTED], row[J_ALLOWED], row[J_STATE] = requested, allowed, gate.status[G_STATE]
    gate.status[G_ENTRIES] = i + 1


@lean
def booked(n: int, before: float, after: float, state: np.ndarray, gate: Gate) -> None:
    """Keep the totals current after a fill moved symbol `n` from `before` to `after` units."""
    last = state[S_LAST, n]
    old, new = before * last, after * last
    gate.status[G_GROSS] += abs(new) - abs(old)
    gate.status[G_NET] += new - old
    members = gate.policy.bucket_members
    for b in range(members.shape[0]):
        if members[b, n] != 0.0:
            gate.buckets[b] += abs(new) - abs(old)


@lean
def room(n: int, position: float, direction: float, price: float, state: np.ndarray,
         equity: float, gate: Gate) -> tuple[float, int]:  # fmt: skip
    """Return the largest |position| in `direction` the caps allow at `price`; the binding cap."""
    policy = gate.policy
    own = position * state[S_LAST, n]
    best, binding = policy.position_cap[n] * equity / price, POSITION
    gross = (policy.limit_cap[GROSS] * equity - (gate.status[G_GROSS] - abs(own))) / price
    if gross < best:
        best, binding = gross, GROSS
    net_others = gate.status[G_NET] - own
    net = (policy.limit_cap[NET] * equity - direction * net_others) / price
    if net < best:
        best, binding = net, NET
    for b in range(policy.bucket_members.shape[0]):
        if policy.bucket_members[b, n] != 0.0:
            bucket = (policy.bucket_cap[b] * equity - (gate.buckets[b] - abs(own))) / price
            if bucket < best:
                best, binding = bucket, int(policy.bucket_kind[b])
    return max(best, 0.0), binding


@lean
def allowed_quantity(t: int, n: int, quantity: float, price: float, state: np.ndarray,
                     account: np.ndarray, fractional: bool, gate: Gate) -> float:  # fmt: skip
    """Return `quantity` resized to the caps (see the module docstring); journal any change."""
    position = state[S_POSITION, n]
    after = position + quantity
    if after == 0.0 or (position * after > 0.0 and abs(after) <= abs(position)):
        return quantity  # reduces exposure
    equity = account[A_EQUITY]
    direction = 1.0 if after > 0.0 else -1.0
    limit, binding = (
        room(n, position, direction, price, state, equity, gate) if equity > 0 else (0.0, POSITION)
    )
    if position * after > 0.0:
        limit = max(limit, abs(position))  # a position over its cap may keep its size
    if abs(after) <= limit * (1.0 + 1e-12):
        return quantity
    size = limit if fractional else float(math.floor(limit + 1e-9))
    allowed = float(direction * size - position)
    note(gate, t, n, RESIZED, binding, quantity, allowed)
    return allowed


@lean
def check_limits(t: int, state: np.ndarray, account: np.ndarray, gate: Gate) -> None:
    """Measure every limit on the book marked at bar t's close and advance the trading state.

    It also values the book for the next bar's fills (gross, net, buckets at this close).
    The measures are `limit_usage_nb`'s, written into the gate's scratch rows (`U_*`); the
    correlation limit's is `correlation_limit`'s (`_measure_correlated`).
    """
    _measure_book(state, account, gate)
    if gate.status[G_CORR_WINDOW] > 0:
        rows = gate.scratch[:, : gate.policy.limit_cap.shape[0]]
        _measure_correlated(t, gate.weights, rows[U_USAGE], rows[U_VALUE], rows[U_SUBJECT], gate)
    _advance_limits(t, account, gate)


@lean
def _measure_book(state: np.ndarray, account: np.ndarray, gate: Gate) -> None:
    """Value the book and measure every limit but the correlation into the scratch rows."""
    equity, policy, status, scratch = account[A_EQUITY], gate.policy, gate.status, gate.scratch
    rows, n_count = scratch[:, : policy.limit_cap.shape[0]], state.shape[1]
    clean = scratch[U_CLEAN, :n_count]
    _value_book(state, equity, gate.weights, clean, gate.buckets, status, policy.bucket_members)
    previous, peak = status[G_PREVIOUS_EQUITY], max(status[G_PEAK], equity)
    limit_usage_into_nb(clean, equity, previous, peak, policy, rows[U_USAGE],
                        rows[U_VALUE], rows[U_SUBJECT],
                        scratch[U_EXPOSURE, : policy.bucket_cap.shape[0]])  # fmt: skip


@lean
def _advance_limits(t: int, account: np.ndarray, gate: Gate) -> None:
    """Advance the breach streaks from the measured usage; journal limits tripping or clearing."""
    policy, status, tripped = gate.policy, gate.status, gate.tripped
    rows = gate.scratch[:, : policy.limit_cap.shape[0]]
    usage, value, subject, before = rows[U_USAGE], rows[U_VALUE], rows[U_SUBJECT], rows[U_BEFORE]
    for k in range(tripped.shape[0]):
        before[k] = tripped[k]
    breached_into_nb(usage, rows[U_BREACHED])
    status[G_STATE] = advance_limits_nb(rows[U_BREACHED], gate.streak, tripped, policy)
    for k in range(tripped.shape[0]):
        if tripped[k] != before[k]:
            cap = _cap_of(policy, k, int(subject[k]))
            action = TRIPPED if tripped[k] else CLEARED
            note(gate, t, int(subject[k]), action, k, value[k], cap)
    equity = account[A_EQUITY]
    status[G_PREVIOUS_EQUITY], status[G_PEAK] = equity, max(status[G_PEAK], equity)


@lean
def _measure_correlated(t: int, weights: np.ndarray, usage: np.ndarray, value: np.ndarray,
                        subject: np.ndarray, gate: Gate) -> None:  # fmt: skip
    """Measure the correlation limit at bar t into the arrays.

    Its value reaches the journal only on a bar where the limit trips or clears; on any
    other bar only whether it is breached matters, which `settled_breach` mostly tells from
    a few pairs. The full measure runs when that is unsure or the value will be written.
    """
    window, threshold = int(gate.status[G_CORR_WINDOW]), gate.status[G_CORR_THRESHOLD]
    cap, arrays = gate.policy.limit_cap[CORRELATED], gate.correlation
    settled = cl.settled_breach(weights, gate.close, t, window, threshold, cap, arrays)
    if settled >= 0 and not _flips(gate, CORRELATED, settled == 1):
        usage[CORRELATED] = np.inf if settled == 1 else 0.0  # value and subject stay unset
        return
    value[CORRELATED], subject[CORRELATED] = cl.correlated_weight(
        weights, gate.close, t, window, threshold, arrays
    )
    usage[CORRELATED] = usage_of(value[CORRELATED], cap)


@lean
def _flips(gate: Gate, k: int, breached: bool) -> bool:
    """Whether limit k trips or clears at this check given its breach (`advance_limits_nb`)."""
    tripped = int(gate.tripped[k]) != 0
    if breached:
        return not tripped and int(gate.streak[k]) + 1 >= int(gate.policy.persistence[k])
    return tripped and int(gate.policy.latch[k]) == 0


@lean
def _value_book(state: np.ndarray, equity: float, weights: np.ndarray, clean: np.ndarray,
                buckets: np.ndarray, status: np.ndarray, members: np.ndarray) -> None:  # fmt: skip
    """Fill the gate's weights (and `clean`: NaN read as 0), its gross, net and bucket totals."""
    gross, net = 0.0, 0.0
    buckets[:] = 0.0
    for n in range(state.shape[1]):
        value = state[S_POSITION, n] * state[S_LAST, n]
        weights[n] = value / equity if equity > 0.0 and value != 0.0 else 0.0
        clean[n] = weights[n] if np.isfinite(weights[n]) else 0.0
        if value != 0.0:
            gross += abs(value)
            net += value
            for b in range(members.shape[0]):
                if members[b, n] != 0.0:
                    buckets[b] += abs(value)
    status[G_GROSS], status[G_NET] = gross, net


@lean
def _cap_of(policy: PolicyArrays, kind: int, subject: int) -> float:
    """Return the cap a limit's worst subject was measured against."""
    if subject >= 0 and kind == POSITION:
        return float(policy.position_cap[subject])
    if subject >= 0 and kind in (GROUP, THEME, ASSET_CLASS):
        return float(policy.bucket_cap[subject])
    return float(policy.limit_cap[kind])


@lean
def restricted(status: np.ndarray) -> bool:
    """Whether the book's trading state restricts orders (`screen_orders` has work to do)."""
    return int(status[G_STATE]) != ACTIVE


@lean
def screen_orders(t: int, state: np.ndarray, pending: np.ndarray, account: np.ndarray,
                  gate: Gate) -> None:  # fmt: skip
    """Cancel working orders and refuse new ones (decided at t) that the state does not allow."""
    code = int(gate.status[G_STATE])
    if code == ACTIVE:
        return
    for n in range(state.shape[1]):
        row = state[S_ORDER_ROW, n]
        if row < 0:
            continue
        position = state[S_POSITION, n]
        order = pending[n]
        wanted = x.wanted_quantity(int(order[P_SIZE_KIND]), order[P_SIZE], state[S_LAST, n],
                                   position, account[A_EQUITY])  # fmt: skip
        if reduces(position, wanted) and (row < t or code != HALTED):
            continue
        state[S_ORDER_ROW, n] = NO_ORDER
        note(gate, t, n, REFUSED if row == t else CANCELLED, code, wanted, 0.0)


@lean
def reduces(position: float, quantity: float) -> bool:
    """Whether trading `quantity` shrinks |position| without flipping it (`risk.state` rule)."""
    if position == 0.0 or quantity == 0.0 or not np.isfinite(quantity):
        return False
    return (position > 0.0) != (quantity > 0.0) and abs(quantity) <= abs(position)


def no_gate(n_count: int, t_count: int = 0) -> Gate:
    """Return a switched-off gate (an unmanaged run) of the right types for the kernels."""
    k = len(LIMIT_KINDS)
    policy = PolicyArrays(
        position_cap=np.full(n_count, np.inf),
        bucket_members=np.zeros((0, n_count)),
        bucket_cap=np.zeros(0),
        bucket_kind=np.zeros(0, dtype=np.int64),
        limit_cap=np.full(k, np.inf),
        corr_threshold=np.inf,
        corr_window=0,
        response=np.zeros(k, dtype=np.int64),
        persistence=np.ones(k, dtype=np.int64),
        latch=np.zeros(k, dtype=np.int64),
    )
    return make_gate(policy, np.zeros((t_count, n_count)), 0.0, on=False, journal_rows=0)


def make_gate(policy: PolicyArrays, close: np.ndarray, cash: float, *, on: bool = True,
              journal_rows: int = 256) -> Gate:  # fmt: skip
    """Return a fresh gate for `policy` over a run starting with `cash`."""
    k, n = policy.limit_cap.shape[0], policy.position_cap.shape[0]
    status = np.zeros(STATUS_SIZE)
    status[G_ON], status[G_PREVIOUS_EQUITY], status[G_PEAK] = float(on), cash, cash
    status[G_CORR_WINDOW], status[G_CORR_THRESHOLD] = policy.corr_window, policy.corr_threshold
    return Gate(
        policy._replace(corr_window=0),
        np.ascontiguousarray(close, dtype=np.float64),
        np.zeros(k, dtype=np.int64),
        np.zeros(k, dtype=np.int64),
        status,
        np.zeros(policy.bucket_cap.shape[0]),
        np.zeros((journal_rows, JOURNAL_COLUMNS)),
        np.zeros(n),
        cl.correlation_arrays(n, policy.corr_window),
        np.zeros((SCRATCH_ROWS, max(k, policy.bucket_cap.shape[0], n))),
    )
