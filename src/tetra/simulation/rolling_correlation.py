"""The correlation limit's measure, kept incrementally for the risk gate.

`tetra.risk.measures.correlated_weight_nb` recomputes every held pair's correlation over
the window at every check: O(H² W) per bar, which dominates a managed backtest. Here the
window's sums roll instead: per symbol the sum of returns, of squares and the count of
finite returns; per pair the sum of products (upper triangle). Each bar adds the newest
return row and drops the one leaving the window, O(N²) multiply-adds, and a held pair's
correlation is then O(1). The measure is the same (`correlated_weight_nb`'s definition);
pairs without a full window of returns on both sides (the first bars, missing days) fall
back to its exact two-pass computation, so only full-window pairs take the fast path.

The gate needs the measure's value only on a bar where the limit trips or clears; on any
other bar only whether it breaches the cap. `settled_breach` answers that from bounds,
usually after judging a few pairs per holding, and says when it cannot (the gate then
runs `correlated_weight`): the gate's decisions and journal are those of the full measure.
"""

from __future__ import annotations

import numba
import numpy as np

from tetra.risk.measures import HELD, TOLERANCE, pair_correlation_nb, returns_window_nb

jit = numba.njit(cache=True, nogil=True)
inline = numba.njit(cache=True, nogil=True, inline="always")  # per-pair helpers: no call cost

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
        # views from i + 1, indexed from 0: numba then vectorises the loop (2.5x faster)
        row, later_in, later_out = xy[i, i + 1 :], entering[i + 1 :], leaving[i + 1 :]
        for k in range(row.shape[0]):
            row[k] += a * later_in[k] - b * later_out[k]


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
            if np.isfinite(spread[a]) and np.isfinite(spread[b]):  # as `_together` judges
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


@jit
def _exact_returns(spread: np.ndarray, close: np.ndarray, t: int, window: int) -> np.ndarray:
    """Return the window's return rows if a held symbol lacks a full window, else (0, 0)."""
    if np.isfinite(spread).all():
        return np.zeros((0, 0))
    return returns_window_nb(close, t, window)


@inline
def _together(
    i: int, j: int, spread_i: float, spread_j: float, rows: int, min_rows: int,
    threshold: float, sums: np.ndarray, xy: np.ndarray, exact: np.ndarray,
) -> bool:  # fmt: skip
    """Whether held symbols i < j count as one bet (`exact`: from `_exact_returns`)."""
    if np.isfinite(spread_i) and np.isfinite(spread_j):
        cov = xy[i, j] - sums[R_SUM, i] * sums[R_SUM, j] / rows
        scale = spread_i * spread_j
        return scale > 0.0 and cov >= threshold * scale
    return pair_correlation_nb(exact[:, i], exact[:, j], min_rows) >= threshold


@jit
def settled_breach(
    weights: np.ndarray, close: np.ndarray, t: int, window: int, threshold: float,
    cap: float, sums: np.ndarray, xy: np.ndarray,
) -> int:  # fmt: skip
    """Return whether `correlated_weight`'s measure at bar t breaches `cap`, when cheaply known.

    1: the limit is certainly breached (usage over 1 + `TOLERANCE`); 0: certainly not;
    -1: only the full measure can tell. Each holding's correlated sum is bounded between
    its own |weight| plus its partners found together so far, and the book's gross minus
    the partners found apart. Pairs are judged exactly as `correlated_weight` judges them,
    in rounds of growing distance along the held list (each holding gains two partners a
    round), until every bound clears the cap or one holding's lower bound exceeds it. The
    margins cover the float error of summing in another order than the full measure.
    """
    if cap == np.inf:
        return 0
    count, gross = _gross(weights)
    slack = 1e-14 * (count + 2) * gross  # far above the float error of either summation
    if count == 0 or gross + 2.0 * slack <= cap:
        return 0  # the whole book is within the cap (most bars: nothing allocated)
    held, size, _ = _holdings(weights)
    rows, min_rows = min(t, window), max(3, window // 2)
    if not cap > 0.0 or rows < min_rows:
        return -1  # no cap to clear, or no pair counts yet: the full measure is cheap
    low, high = size.copy(), np.full(count, gross)
    spread = _spreads(held, rows, sums)
    exact = _exact_returns(spread, close, t, window)
    for distance in range(1, count // 2 + 1):
        verdict = _verdict(low, high, slack, cap)
        if verdict >= 0:
            return verdict
        for a in range(count):
            b = (a + distance) % count
            if 2 * distance == count and a >= distance:
                break  # the last round of an even count meets each pair twice
            if max(high[a], high[b]) + 2.0 * slack <= cap:
                continue  # both already clear: this pair cannot matter
            first, second = min(a, b), max(a, b)
            if _together(held[first], held[second], spread[first], spread[second], rows,
                         min_rows, threshold, sums, xy, exact):  # fmt: skip
                low[a] += size[b]
                low[b] += size[a]
            else:
                high[a] -= size[b]
                high[b] -= size[a]
    return _verdict(low, high, slack, cap)


@jit
def _gross(weights: np.ndarray) -> tuple[int, float]:
    """Return the number of holdings and their summed |weight|, as `_holdings` sums it."""
    count, gross = 0, 0.0
    for n in range(weights.shape[0]):
        if abs(weights[n]) > HELD:
            count, gross = count + 1, gross + abs(weights[n])
    return count, gross


@jit
def _holdings(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Return the held columns (|weight| > `HELD`), their |weight| and its sum."""
    held, size = np.empty(weights.shape[0], dtype=np.int64), np.empty(weights.shape[0])
    count, gross = 0, 0.0
    for n in range(weights.shape[0]):
        if abs(weights[n]) > HELD:
            held[count], size[count] = n, abs(weights[n])
            count, gross = count + 1, gross + abs(weights[n])
    return held[:count], size[:count], gross


@jit
def _verdict(low: np.ndarray, high: np.ndarray, slack: float, cap: float) -> int:
    """Return 0 if every upper bound clears `cap`, 1 if a lower bound breaches it, else -1."""
    if high.max() + 2.0 * slack <= cap:
        return 0
    if low.max() - 2.0 * slack > cap * (1.0 + 10.0 * TOLERANCE):
        return 1
    return -1
