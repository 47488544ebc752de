"""The correlation limit's measure, as the risk gate takes it at a check.

The measure is `tetra.risk.measures.correlated_weight_nb`'s: per holding, its |weight| plus
that of every other holding whose return correlation over the window is at least the
threshold; the limit caps the largest such sum. Judging every held pair over the whole
window at every bar (O(H² W)) dominated a managed backtest, and rolling every pair's sums
bar by bar (O(N²) per bar, held or not) still cost more than the rest of the gate. Here
nothing is kept per pair, and a check judges pairs only when cheaper bounds cannot tell:

1. `settled_breach` (is the cap breached?) answers at once when the book's gross is within
   the cap, then tries `_portfolio_bounds`: one pass over the window bounds each holding's
   correlated weight from its correlation with the weighted book, which settles a book of
   weakly correlated holdings without judging a pair;
2. otherwise `_gather` copies the window's returns of the held symbols into one (W, 2H)
   block and takes each one's sum and sum of squares, and `_mirror` puts the same H
   columns a second time beside them;
3. pairs are judged in rounds of growing distance along the held list: round d judges the
   pairs (a, a + d mod H), and `_round` sums their H products over the window at once (the
   second copy makes column a + d contiguous, so the loop runs on vector lanes, each lane
   summing in window order: a pair gets the same sum whichever round judges it);
   `settled_breach` stops after the rounds that decide from bounds per holding;
   `correlated_weight` (the value, for the journal) takes every round and adds up each
   holding's partners in the reference's order, so its value is the reference's to the
   last bit whenever the pair verdicts agree.

A symbol without a return on every row of the window (its first bars, missing days) has its
pairs judged by `pair_correlation_nb` on the rows both share, as the reference judges them.
The returns fill in as checks reach new bars (`_fill`), each row from two closes only, into
rings that hold the last window (a run's memory does not grow with its length).
Nothing here allocates: the working arrays (`CorrelationArrays`) are made with the gate.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from tetra.risk.measures import HELD, TOLERANCE, pair_correlation_nb
from tetra.simulation.lean import lean, lean_fast, lean_inline

# rows of `CorrelationArrays.columns`, one value per holding
C_SIZE, C_LOW, C_HIGH, C_BOUND, C_SUM, C_SQUARES, C_SPREAD, C_PRODUCT = range(8)
COLUMN_ROWS = 8
Y_SUM, Y_SQUARES, Y_SPREAD, Y_SCALE, Y_DOT = range(5)  # rows of `by_symbol`
SYMBOL_ROWS = 5
CONDITIONED = 1e-2  # a window's variance above this share of its mean square: bounded (below)
MARGIN = 1e-9  # of the portfolio bound, far above its float error and the verdicts' own


class CorrelationArrays(NamedTuple):
    """The correlation limit's working arrays (zero-sized when a policy has no such limit)."""

    returns: np.ndarray  # (W, N) ring: return row r in slot r % W, 0 where undefined
    known: np.ndarray  # (W + 1, N) int64 ring: slot r % (W + 1) counts defined returns to row r
    running: np.ndarray  # (2, W + 1, N) ring alike: the returns' running sum and sum of squares
    filled: np.ndarray  # (1,) int64: how many rows (bars) have been through the rings
    block: np.ndarray  # (W, 2N) the window's returns of the held symbols, twice (0: missing)
    held: np.ndarray  # (N,) int64: the held columns, in column order
    columns: np.ndarray  # (COLUMN_ROWS, N): per-holding values (C_*)
    by_symbol: np.ndarray  # (SYMBOL_ROWS, N): per-symbol values of the portfolio bound (Y_*)
    together: np.ndarray  # (N, N) uint8: the full measure's pair verdicts
    pair: np.ndarray  # (2, W): one pair's window, NaN where undefined, for the exact judge


def correlation_arrays(symbols: int, window: int) -> CorrelationArrays:
    """Return fresh working arrays for a run over `symbols` (window 0: no limit)."""
    if window <= 0:
        symbols = 0
    return CorrelationArrays(
        returns=np.zeros((max(window, 0), symbols)),
        known=np.zeros((max(window, 0) + 1, symbols), dtype=np.int64),
        running=np.zeros((2, max(window, 0) + 1, symbols)),
        filled=np.zeros(1, dtype=np.int64),
        block=np.zeros((max(window, 0), 2 * symbols)),
        held=np.zeros(symbols, dtype=np.int64),
        columns=np.zeros((COLUMN_ROWS, symbols)),
        by_symbol=np.zeros((SYMBOL_ROWS, symbols)),
        together=np.zeros((symbols, symbols), dtype=np.uint8),
        pair=np.zeros((2, max(window, 0))),
    )


@lean
def return_at(close: np.ndarray, row: int, n: int) -> float:
    """Return the simple return of symbol n into `row`, NaN where it is not defined."""
    if row < 1:
        return np.nan
    previous, now = close[row - 1, n], close[row, n]
    if previous > 0.0 and np.isfinite(now):
        return float(now / previous - 1.0)
    return np.nan


@lean
def window_rows(t: int, window: int) -> tuple[int, int, int]:
    """Return the window's first return row, its number of rows so far, and the pair minimum."""
    rows = min(t, window)  # return rows 1..t exist
    return t - rows + 1, rows, max(3, window // 2)


@lean
def correlated_weight(
    weights: np.ndarray, close: np.ndarray, t: int, window: int, threshold: float,
    arrays: CorrelationArrays,
) -> tuple[float, int]:  # fmt: skip
    """Return `correlated_weight_nb`'s measure at bar t: (largest correlated sum, its anchor)."""
    count, _ = _holdings(weights, arrays)
    size, together = arrays.columns[C_SIZE], arrays.together
    first, rows, min_rows = window_rows(t, window)
    together[:count, :count] = 0
    if rows >= min_rows:  # too few rows: no pair counts yet
        _gather(close, t, first, rows, count, arrays)
        _mirror(arrays, rows, count)
        for distance in range(1, count // 2 + 1):
            _round(arrays, rows, count, distance)
            for a in range(count if 2 * distance < count else distance):
                b = (a + distance) % count
                verdict = _together(a, b, threshold, first, rows, min_rows, arrays)
                together[a, b] = together[b, a] = verdict
    best, anchor = 0.0, -1
    for a in range(count):
        total = size[a]
        for b in range(count):
            if b != a and together[a, b]:
                total += size[b]
        if total > best:
            best, anchor = total, int(arrays.held[a])
    return best, anchor


@lean
def settled_breach(
    weights: np.ndarray, close: np.ndarray, t: int, window: int, threshold: float,
    cap: float, arrays: CorrelationArrays,
) -> int:  # fmt: skip
    """Return whether `correlated_weight`'s measure at bar t breaches `cap`, when cheaply known.

    1: the limit is certainly breached (usage over 1 + `TOLERANCE`); 0: certainly not;
    -1: only the full measure can tell. Each holding's correlated sum is bounded between
    its own |weight| plus its partners found together so far, and the book's gross minus
    the partners found apart. Rounds (module docstring) run until every bound clears the cap
    or one holding's lower bound exceeds it. The margins cover the float error of summing in
    another order than the full measure.
    """
    if cap == np.inf:
        return 0
    count, gross = _holdings(weights, arrays)
    slack = 1e-14 * (count + 2) * gross  # far above the float error of either summation
    if count == 0 or gross + 2.0 * slack <= cap:
        return 0  # the whole book is within the cap (most bars: nothing more to do)
    first, rows, min_rows = window_rows(t, window)
    if not cap > 0.0 or rows < min_rows:
        return -1  # no cap to clear, or no pair counts yet: the full measure is cheap
    low, high = arrays.columns[C_LOW, :count], arrays.columns[C_HIGH, :count]
    for a in range(count):
        low[a], high[a] = arrays.columns[C_SIZE, a], gross
    _portfolio_bounds(close, t, first, rows, count, gross, threshold, arrays)
    verdict = _verdict(low, high, arrays.columns[C_BOUND, :count], slack, cap)
    if verdict >= 0:
        return verdict
    _gather(close, t, first, rows, count, arrays)
    return _settle_in_rounds(threshold, cap, slack, first, rows, min_rows, count, arrays)


@lean
def _settle_in_rounds(threshold: float, cap: float, slack: float, first: int, rows: int,
                      min_rows: int, count: int, arrays: CorrelationArrays) -> int:  # fmt: skip
    """`settled_breach` from judged pairs, round after round (the module docstring)."""
    columns = arrays.columns
    size, low, high = columns[C_SIZE], columns[C_LOW, :count], columns[C_HIGH, :count]
    bound = columns[C_BOUND, :count]
    _mirror(arrays, rows, count)
    for distance in range(1, count // 2 + 1):
        _round(arrays, rows, count, distance)
        for a in range(count if 2 * distance < count else distance):
            b = (a + distance) % count
            if max(min(high[a], bound[a]), min(high[b], bound[b])) + 2.0 * slack <= cap:
                continue  # both already clear: this pair cannot matter
            if _together(a, b, threshold, first, rows, min_rows, arrays):
                low[a] += size[b]
                low[b] += size[a]
            else:
                high[a] -= size[b]
                high[b] -= size[a]
        verdict = _verdict(low, high, bound, slack, cap)
        if verdict >= 0:
            return verdict
    return -1


@lean
def _holdings(weights: np.ndarray, arrays: CorrelationArrays) -> tuple[int, float]:
    """Write the held columns and their |weight| (`C_SIZE`); return their count and sum."""
    held, size = arrays.held, arrays.columns[C_SIZE]
    count, gross = 0, 0.0
    for n in range(weights.shape[0]):
        if abs(weights[n]) > HELD:
            held[count], size[count] = n, abs(weights[n])
            count, gross = count + 1, gross + abs(weights[n])
    return count, gross


@lean
def _fill(close: np.ndarray, t: int, arrays: CorrelationArrays) -> None:
    """Take rows up to t into the rings: the returns and their running count, sum and sum of
    squares (the last two serve only the portfolio bound, whose margin covers their error)."""
    returns, known, running = arrays.returns, arrays.known, arrays.running
    window, counts = returns.shape[0], known.shape[0]
    start = arrays.filled[0]
    afresh = start > t + 1 or start < t - window  # a check back in time, or a window ahead
    if afresh:  # running totals only ever enter as differences within the window: any base does
        start = max(0, t - window)
    for row in range(start, t + 1):
        line, now, before = returns[row % window], known[row % counts], known[(row - 1) % counts]
        sums, squares = running[0, row % counts], running[1, row % counts]
        sums_before, squares_before = running[0, (row - 1) % counts], running[1, (row - 1) % counts]
        carried = row > 0 and not (afresh and row == start)
        for n in range(returns.shape[1]):
            value = return_at(close, row, n)
            defined = np.isfinite(value)
            value = value if defined else 0.0
            line[n] = value
            now[n] = (before[n] if carried else 0) + (1 if defined else 0)
            sums[n] = (sums_before[n] if carried else 0.0) + value
            squares[n] = (squares_before[n] if carried else 0.0) + value * value
    arrays.filled[0] = t + 1


@lean
def _gather(close: np.ndarray, t: int, first: int, rows: int, count: int,
            arrays: CorrelationArrays) -> None:  # fmt: skip
    """Copy the held symbols' window into the block; take their sums and spreads (`C_*`).

    The block's second copy (`_mirror`) is made only if pairs are judged."""
    _fill(close, t, arrays)
    held, block, columns = arrays.held, arrays.block, arrays.columns
    window, counts = arrays.returns.shape[0], arrays.known.shape[0]
    sums, squares = columns[C_SUM, :count], columns[C_SQUARES, :count]
    sums[:], squares[:] = 0.0, 0.0
    for r in range(rows):
        source, line = arrays.returns[(first + r) % window], block[r]
        for a in range(count):
            value = source[held[a]]
            line[a] = value
            sums[a] += value
            squares[a] += value * value
    spread, known = columns[C_SPREAD], arrays.known
    for a in range(count):  # sqrt(n var) of a symbol with a return on every row, else NaN
        i = held[a]
        variance = squares[a] - sums[a] * sums[a] / rows
        complete = known[t % counts, i] - known[(first - 1) % counts, i] == rows
        spread[a] = (np.sqrt(variance) if variance > 0.0 else 0.0) if complete else np.nan


@lean_fast  # its float error is covered by MARGIN: any order of its sums gives the same verdicts
def _portfolio_bounds(
    close: np.ndarray, t: int, first: int, rows: int, count: int, gross: float,
    threshold: float, arrays: CorrelationArrays,
) -> None:  # fmt: skip
    """Bound each holding's correlated sum without judging its pairs (`C_BOUND`).

    Over the holdings whose window is complete and well conditioned (set B), with z their
    standardised window returns, corr(a, b) = z_a . z_b, and for a in B the others' weighted
    correlations S_a = sum over b in B, b != a, of |w_b| corr(a, b) = z_a . P - |w_a| with
    P = sum over B of |w_b| z_b. Partners found together have a correlation of at least the
    threshold and the rest at least -1, so their weight T_a obeys
    S_a >= (1 + threshold) T_a - G_a (G_a: the weight of B but a), hence
    T_a <= (S_a + G_a) / (1 + threshold); holdings outside B may all be partners and get
    the book's gross. Two passes over the window's rows of every symbol (no gather: the
    rows are contiguous, the others weigh 0); on a book of weakly correlated holdings this
    clears the cap without judging a pair.
    """
    _fill(close, t, arrays)
    returns, known, table, running = arrays.returns, arrays.known, arrays.by_symbol, arrays.running
    window, counts = returns.shape[0], known.shape[0]
    sums, squares, scale, dot = table[Y_SUM], table[Y_SQUARES], table[Y_SCALE], table[Y_DOT]
    scale[:], dot[:] = 0.0, 0.0
    held, size, spread = arrays.held, arrays.columns[C_SIZE], table[Y_SPREAD]
    bounded, offset = 0.0, 0.0
    for a in range(count):  # P's coefficient per symbol (0 outside B)
        i = held[a]
        sums[i] = running[0, t % counts, i] - running[0, (first - 1) % counts, i]
        squares[i] = running[1, t % counts, i] - running[1, (first - 1) % counts, i]
        complete = known[t % counts, i] - known[(first - 1) % counts, i] == rows
        variance = squares[i] - sums[i] * sums[i] / rows
        if complete and variance > CONDITIONED * squares[i]:
            spread[i] = np.sqrt(variance)
            scale[i] = size[a] / spread[i]
            bounded += size[a]
            offset += scale[i] * sums[i] / rows
    total = 0.0
    for r in range(rows):  # P over the window (sum of scale * (x - mean)), then x . P
        line = returns[(first + r) % window]
        value = -offset
        for n in range(line.shape[0]):
            value += line[n] * scale[n]
        total += value
        for n in range(line.shape[0]):
            dot[n] += line[n] * value
    bound, others = arrays.columns[C_BOUND], gross - bounded
    for a in range(count):
        i, bound[a] = held[a], gross
        if scale[i] > 0.0:
            weighted = (dot[i] - sums[i] / rows * total) / spread[i] - size[a]  # S_a
            rest = bounded - size[a]
            partners = (weighted + rest + MARGIN * (gross + 1.0)) / (1.0 + threshold - MARGIN)
            bound[a] = min(gross, size[a] + min(rest, partners) + others)


@lean
def _mirror(arrays: CorrelationArrays, rows: int, count: int) -> None:
    """Copy the block's held columns beside themselves, for `_round`."""
    for r in range(rows):
        line = arrays.block[r]
        for a in range(count):
            line[count + a] = line[a]


@lean
def _round(arrays: CorrelationArrays, rows: int, count: int, distance: int) -> None:
    """Sum each pair (a, a + distance mod count)'s return products over the window."""
    block, product = arrays.block, arrays.columns[C_PRODUCT, :count]
    product[:] = 0.0
    for r in range(rows):
        line = block[r]
        own, other = line[:count], line[distance : distance + count]
        for a in range(count):
            product[a] += own[a] * other[a]


@lean_inline  # judged in the inner loops
def _together(a: int, b: int, threshold: float, first: int, rows: int, min_rows: int,
              arrays: CorrelationArrays) -> bool:  # fmt: skip
    """Whether holdings a and b = a + d mod H (summed by `_round` at d) count as one bet."""
    columns = arrays.columns
    spread_a, spread_b = columns[C_SPREAD, a], columns[C_SPREAD, b]
    if np.isfinite(spread_a) and np.isfinite(spread_b):
        sums = columns[C_SUM]
        covariance = columns[C_PRODUCT, a] - sums[a] * sums[b] / rows
        scale = spread_a * spread_b
        return bool(scale > 0.0 and covariance >= threshold * scale)
    return _together_exactly(a, b, threshold, first, rows, min_rows, arrays)


@lean
def _together_exactly(a: int, b: int, threshold: float, first: int, rows: int, min_rows: int,
                      arrays: CorrelationArrays) -> bool:  # fmt: skip
    """`_together` for a pair with a symbol lacking returns: over the rows both have."""
    x, y = arrays.pair[0, :rows], arrays.pair[1, :rows]
    _window_of(arrays, int(arrays.held[a]), first, rows, x)
    _window_of(arrays, int(arrays.held[b]), first, rows, y)
    return bool(pair_correlation_nb(x, y, min_rows) >= threshold)


@lean
def _window_of(arrays: CorrelationArrays, n: int, first: int, rows: int, out: np.ndarray) -> None:
    """Write symbol n's returns over the window's rows into `out`, NaN where undefined."""
    returns, known = arrays.returns, arrays.known
    window, counts = returns.shape[0], known.shape[0]
    for r in range(rows):
        row = first + r
        defined = known[row % counts, n] > known[(row - 1) % counts, n]
        out[r] = returns[row % window, n] if defined else np.nan


@lean
def _verdict(low: np.ndarray, high: np.ndarray, bound: np.ndarray, slack: float,
             cap: float) -> int:  # fmt: skip
    """Return 0 if every upper bound clears `cap`, 1 if a lower bound breaches it, else -1."""
    highest, lowest = -np.inf, -np.inf
    for a in range(high.shape[0]):
        highest, lowest = max(highest, min(high[a], bound[a])), max(lowest, low[a])
    if highest + 2.0 * slack <= cap:
        return 0
    if lowest - 2.0 * slack > cap * (1.0 + 10.0 * TOLERANCE):
        return 1
    return -1
