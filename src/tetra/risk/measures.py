"""Limit measures and the breach step as numba functions over `PolicyArrays`.

One implementation for every path: a compiled backtest kernel calls these per bar, and
`tetra.risk.limits.evaluate_limits` (the callback path, reports, the pre-trade engine's
checks) calls the very same functions. Inputs are plain arrays:

- `weights` (N,): signed position value over equity; NaN is read as 0 (no position);
- `returns` (W, N): simple returns of the last W bars (NaN where a symbol had no bar);
- equity numbers as floats: now, at the previous check (previous close) and at the peak.

`limit_usage_nb` returns, per `LimitKind.code`, the worst subject's usage (value over cap;
0 where the limit is unset), its value and its subject (symbol column, bucket row, or -1).
A limit is breached when its usage exceeds 1 (plus `TOLERANCE`, for float noise).
"""

from __future__ import annotations

import numba
import numpy as np

from tetra.risk.arrays import PolicyArrays
from tetra.risk.vocabulary import LIMIT_KINDS, LimitKind

TOLERANCE = 1e-9
N_LIMITS = len(LIMIT_KINDS)
POSITION = LimitKind.POSITION_WEIGHT.code
GROSS = LimitKind.GROSS_LEVERAGE.code
NET = LimitKind.NET_LEVERAGE.code
CORRELATED = LimitKind.CORRELATED_WEIGHT.code
DAILY_LOSS = LimitKind.DAILY_LOSS.code
DRAWDOWN = LimitKind.DRAWDOWN.code
HELD = 1e-12  # |weight| at or below this is no holding

jit = numba.njit(cache=True, nogil=True)


@jit
def usage_of(value: float, cap: float) -> float:
    """Return value / cap; 0 for nothing measured, inf for something against a zero cap."""
    if value <= 0.0 or cap == np.inf:
        return 0.0
    if cap <= 0.0:
        return np.inf
    return value / cap


@jit
def clean_weights_nb(weights: np.ndarray) -> np.ndarray:
    """Return `weights` with NaN read as 0."""
    out = weights.copy()
    for i in range(out.shape[0]):
        if not np.isfinite(out[i]):
            out[i] = 0.0
    return out


@jit
def bucket_exposure_nb(weights: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Return each bucket's summed |weight| (B,)."""
    exposure = np.zeros(members.shape[0])
    bucket_exposure_into_nb(weights, members, exposure)
    return exposure


@jit
def bucket_exposure_into_nb(weights: np.ndarray, members: np.ndarray, exposure: np.ndarray) -> None:
    """Write each bucket's summed |weight| into `exposure` (B,)."""
    exposure[:] = 0.0
    if members.shape[0] == 0:
        return
    for i in range(weights.shape[0]):
        if weights[i] != 0.0:  # each bucket still sums its members in column order
            for b in range(members.shape[0]):
                if members[b, i] != 0.0:
                    exposure[b] += abs(weights[i])


@jit
def pair_correlation_nb(x: np.ndarray, y: np.ndarray, min_rows: int = 2) -> float:
    """Return the Pearson correlation of x and y over rows where both are finite.

    NaN when fewer than `min_rows` (at least 2) such rows exist, or a series is flat.
    """
    n, sx, sy = 0, 0.0, 0.0
    for k in range(x.shape[0]):
        if np.isfinite(x[k]) and np.isfinite(y[k]):
            n += 1
            sx += x[k]
            sy += y[k]
    if n < max(2, min_rows):
        return np.nan
    mx, my = sx / n, sy / n
    cxy, cxx, cyy = 0.0, 0.0, 0.0
    for k in range(x.shape[0]):
        if np.isfinite(x[k]) and np.isfinite(y[k]):
            dx, dy = x[k] - mx, y[k] - my
            cxy += dx * dy
            cxx += dx * dx
            cyy += dy * dy
    if cxx <= 0.0 or cyy <= 0.0:
        return np.nan
    return float(cxy / np.sqrt(cxx * cyy))


@jit
def correlated_weight_nb(
    weights: np.ndarray, returns: np.ndarray, threshold: float
) -> tuple[float, int]:
    """Return the largest summed |weight| of a holding and the holdings correlated with it.

    For each held i: |w_i| plus |w_j| of every other held j whose return correlation with i
    is >= `threshold`. A pair counts only with at least half the window (and at least 3)
    of common returns, so the first bars of a history cannot make noise look like a bet.
    Returns (that sum, i), or (0, -1) with no holdings.
    """
    held = np.nonzero(np.abs(weights) > HELD)[0]
    min_rows = max(3, returns.shape[0] // 2)
    best, anchor = 0.0, -1
    for a in range(held.shape[0]):
        i = held[a]
        total = abs(weights[i])
        for b in range(held.shape[0]):
            j = held[b]
            rho = pair_correlation_nb(returns[:, i], returns[:, j], min_rows)
            if j != i and rho >= threshold:
                total += abs(weights[j])
        if total > best:
            best, anchor = total, i
    return best, anchor


@jit
def limit_usage_nb(
    weights: np.ndarray,
    equity: float,
    previous_equity: float,
    peak_equity: float,
    returns: np.ndarray,
    arrays: PolicyArrays,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (usage, value, subject), each (K,), for every limit; see the module docstring."""
    w = clean_weights_nb(weights)
    usage, value = np.zeros(N_LIMITS), np.zeros(N_LIMITS)
    subject = np.full(N_LIMITS, -1, dtype=np.int64)
    exposure = np.zeros(arrays.bucket_members.shape[0])
    limit_usage_into_nb(w, equity, previous_equity, peak_equity, arrays, usage, value, subject,
                        exposure)  # fmt: skip
    if arrays.corr_window > 0:
        value[CORRELATED], subject[CORRELATED] = correlated_weight_nb(
            w, returns, arrays.corr_threshold
        )
        usage[CORRELATED] = usage_of(value[CORRELATED], arrays.limit_cap[CORRELATED])
    return usage, value, subject


@jit
def limit_usage_into_nb(
    w: np.ndarray,
    equity: float,
    previous_equity: float,
    peak_equity: float,
    arrays: PolicyArrays,
    usage: np.ndarray,
    value: np.ndarray,
    subject: np.ndarray,
    exposure: np.ndarray,
) -> None:
    """`limit_usage_nb` but the correlation, into given arrays: it allocates nothing, so a
    kernel can check every bar (`tetra.simulation.risk_gate`, which measures correlation itself).

    `w` must be clean (no NaN: `clean_weights_nb`); `exposure` (B,) is scratch; `subject`
    may be a float array (its values are small whole numbers). The correlated weight is 0.
    """
    usage[:], value[:], subject[:] = 0.0, 0.0, -1
    gross, net = 0.0, 0.0  # summed in order, as numba's np.sum does
    for i in range(w.shape[0]):
        if w[i] == 0.0 and subject[POSITION] >= 0:
            continue  # no holding: not the worst position, and adds nothing to the sums
        u = usage_of(abs(w[i]), arrays.position_cap[i])
        if worse_nb(u, abs(w[i]), usage[POSITION], value[POSITION], subject[POSITION]):
            usage[POSITION], value[POSITION], subject[POSITION] = u, abs(w[i]), i
        gross += abs(w[i])
        net += w[i]
    bucket_exposure_into_nb(w, arrays.bucket_members, exposure)
    for b in range(exposure.shape[0]):
        k = arrays.bucket_kind[b]
        u = usage_of(exposure[b], arrays.bucket_cap[b])
        if worse_nb(u, exposure[b], usage[k], value[k], subject[k]):
            usage[k], value[k], subject[k] = u, exposure[b], b
    value[GROSS], value[NET] = gross, abs(net)
    value[DAILY_LOSS] = loss_fraction_nb(equity, previous_equity)
    value[DRAWDOWN] = loss_fraction_nb(equity, peak_equity)
    for k in (GROSS, NET, CORRELATED, DAILY_LOSS, DRAWDOWN):
        usage[k] = usage_of(value[k], arrays.limit_cap[k])


@jit
def worse_nb(usage: float, value: float, best_usage: float, best_value: float, best: int) -> bool:
    """Whether a subject is the worse one: higher usage, then higher value, then the first."""
    if best < 0:
        return True
    return usage > best_usage or (usage == best_usage and value > best_value)


@jit
def loss_fraction_nb(equity: float, reference: float) -> float:
    """Return (reference - equity) / reference, floored at 0; 0 if reference is not positive."""
    if not reference > 0.0 or not np.isfinite(equity):
        return 0.0
    return max(0.0, (reference - equity) / reference)


@jit
def breached_nb(usage: np.ndarray) -> np.ndarray:
    """Return 1 where a limit's usage exceeds 1 (plus `TOLERANCE`), else 0 (int64, (K,))."""
    out = np.zeros(usage.shape[0], dtype=np.int64)
    breached_into_nb(usage, out)
    return out


@jit
def breached_into_nb(usage: np.ndarray, out: np.ndarray) -> None:
    """Write `breached_nb(usage)` into `out` (K,)."""
    for k in range(usage.shape[0]):
        out[k] = 1 if usage[k] > 1.0 + TOLERANCE else 0


@jit
def advance_limits_nb(
    breached: np.ndarray, streak: np.ndarray, tripped: np.ndarray, arrays: PolicyArrays
) -> int:
    """Advance each limit's breach streak and trip flag in place; return the limits' state code.

    A breached limit's streak grows by one and it trips once the streak reaches its
    persistence; a met limit's streak resets to 0 and, unless latched, it clears. The
    returned state is the most restrictive response among tripped limits (0 if none).
    """
    state = 0
    for k in range(breached.shape[0]):
        if breached[k]:
            streak[k] += 1
            if streak[k] >= arrays.persistence[k]:
                tripped[k] = 1
        else:
            streak[k] = 0
            if arrays.latch[k] == 0:
                tripped[k] = 0
        if tripped[k] and arrays.response[k] > state:
            state = arrays.response[k]
    return state


@jit
def returns_window_nb(close: np.ndarray, t: int, window: int) -> np.ndarray:
    """Return the simple returns of bars t-window+1..t from a (T, N) close array (NaN-padded)."""
    out = np.full((window, close.shape[1]), np.nan)
    for r in range(window):
        row = t - window + 1 + r
        if row >= 1:
            for i in range(close.shape[1]):
                previous = close[row - 1, i]
                if previous > 0.0 and np.isfinite(close[row, i]):
                    out[r, i] = close[row, i] / previous - 1.0
    return out
