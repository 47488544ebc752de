"""The correlation limit's measure, kept incrementally for the risk gate.

`tetra.risk.measures.correlated_weight_nb` recomputes every held pair's correlation over
the window at every check: O(H² W) per bar, which dominates a managed backtest. Here the
window's sums roll instead: per symbol the sum of returns, of squares and the count of
finite returns; per pair the sum of products (upper triangle). Each bar adds the newest
return row and drops the one leaving the window, O(N²) multiply-adds, and a held pair's
correlation is then O(1). The measure is the same (`correlated_weight_nb`'s definition);
pairs without a full window of returns on both sides (the first bars, missing days) fall
back to its exact two-pass computation, so only full-window pairs take the fast path.
"""

from __future__ import annotations

import numba
import numpy as np

from tetra.risk.measures import HELD, pair_correlation_nb, returns_window_nb

jit = numba.njit(cache=True, nogil=True)

R_SUM, R_SQUARES, R_COUNT = 0, 1, 2  # rows of the per-symbol sums


@jit
def return_at(close: np.ndarray, row: int, n: int) -> float:
    """Return the simple return of symbol n into `row`, NaN where it is not defined."""
    if row < 1:
        return np.nan
    previous, now = close[row - 1, n], close[row, n]
    if previous > 0.0 and np.isfinite(now):
        return float(now / previous - 1.0)
    return np.nan


@jit
def advance(close: np.ndarray, t: int, window: int, sums: np.ndarray, xy: np.ndarray) -> None:
    """Roll the window's sums to end at bar t: add return row t, drop row t - window.

    A missing return counts as 0 in the pair sums, both when it enters and when it leaves,
    so each pair sum is the sum over the rows where both returns exist.
    """
    n_count = close.shape[1]
    entering, leaving = np.zeros(n_count), np.zeros(n_count)
    _row_into(close, t, 1.0, entering, sums)
    if t - window >= 1:
        _row_into(close, t - window, -1.0, leaving, sums)
    for i in range(n_count):
        a, b = entering[i], leaving[i]
        if a == 0.0 and b == 0.0:
            continue
        row = xy[i]
        for j in range(i + 1, n_count):
            row[j] += a * entering[j] - b * leaving[j]


@jit
def _row_into(close: np.ndarray, row: int, sign: float, out: np.ndarray, sums: np.ndarray) -> None:
    """Write return row `row` into `out` (0 where missing) and add it to the per-symbol sums."""
    for n in range(close.shape[1]):
        r = return_at(close, row, n)
        if np.isfinite(r):
            out[n] = r
            sums[R_SUM, n] += sign * r
            sums[R_SQUARES, n] += sign * r * r
            sums[R_COUNT, n] += sign


@jit
def correlation(i: int, j: int, window: int, sums: np.ndarray, xy: np.ndarray) -> float:
    """Return the correlation of two full-window symbols from the sums (NaN if one is flat)."""
    a, b = (i, j) if i < j else (j, i)
    sx, sy = sums[R_SUM, i], sums[R_SUM, j]
    cov = xy[a, b] - sx * sy / window
    vx = sums[R_SQUARES, i] - sx * sx / window
    vy = sums[R_SQUARES, j] - sy * sy / window
    if vx <= 0.0 or vy <= 0.0:
        return np.nan
    return float(cov / np.sqrt(vx * vy))


@jit
def correlated_weight(
    weights: np.ndarray, close: np.ndarray, t: int, window: int, threshold: float,
    sums: np.ndarray, xy: np.ndarray,
) -> tuple[float, int]:  # fmt: skip
    """Return `correlated_weight_nb`'s measure at bar t: (largest correlated sum, its anchor).

    Each held pair is judged once. Symbols with a return on every row of the window so far
    (its first bars included) are complete: a pair of them is judged from the rolling sums,
    by cov >= threshold * sd_i * sd_j; any other pair by the exact two-pass correlation.
    """
    held = np.nonzero(np.abs(weights) > HELD)[0]
    count = held.shape[0]
    rows = min(t, window)  # return rows the window holds so far
    min_rows = max(3, window // 2)
    totals = np.abs(weights[held])
    spread = _spreads(held, rows, sums)
    exact = np.zeros((0, 0))
    for a in range(count if rows >= min_rows else 0):  # too few rows: no pair counts yet
        i = held[a]
        for b in range(a + 1, count):
            j = held[b]
            if np.isfinite(spread[a]) and np.isfinite(spread[b]):
                cov = xy[i, j] - sums[R_SUM, i] * sums[R_SUM, j] / rows
                scale = spread[a] * spread[b]
                together = scale > 0.0 and cov >= threshold * scale
            else:
                if exact.shape[0] == 0:
                    exact = returns_window_nb(close, t, window)
                together = pair_correlation_nb(exact[:, i], exact[:, j], min_rows) >= threshold
            if together:
                totals[a] += abs(weights[j])
                totals[b] += abs(weights[i])
    if count == 0 or totals.max() <= 0.0:
        return 0.0, -1
    first = int(np.argmax(totals))
    return float(totals[first]), int(held[first])


@jit
def _spreads(held: np.ndarray, rows: int, sums: np.ndarray) -> np.ndarray:
    """Return sqrt(n var) of each held symbol with a return on every row so far, else NaN."""
    spread = np.full(held.shape[0], np.nan)
    for a in range(held.shape[0]):
        i = held[a]
        if rows > 0 and sums[R_COUNT, i] == rows:
            variance = sums[R_SQUARES, i] - sums[R_SUM, i] ** 2 / rows
            spread[a] = np.sqrt(variance) if variance > 0.0 else 0.0
    return spread
