"""How holdings move together: returns, covariance, correlation, clusters and beta.

Series of different calendars share one row index (equities skip weekends, crypto does
not), so every statistic here is *pairwise complete*: a pair uses the rows where both have
a return. `returns_from_closes` measures each symbol's return from its own previous close.
The matrix forms are a few BLAS products, fast enough for 151 symbols over 10 years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

from tetra.core.errors import ValidationError


def returns_from_closes(close: np.ndarray) -> np.ndarray:
    """Return simple returns (T, N) from closes (T, N), each from the symbol's previous close.

    Rows where a symbol has no close, and its first close, are NaN.
    """
    close = np.asarray(close, dtype=np.float64)
    valid = np.isfinite(close) & (close > 0)
    index = np.where(valid, np.arange(close.shape[0])[:, None], -1)
    last = np.maximum.accumulate(index, axis=0)
    previous_row = np.vstack([np.full((1, close.shape[1]), -1), last[:-1]])
    columns = np.arange(close.shape[1])[None, :]
    previous = np.where(previous_row >= 0, close[np.maximum(previous_row, 0), columns], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        returns = close / previous - 1.0
    return np.where(valid & np.isfinite(previous), returns, np.nan)


@dataclass(frozen=True, slots=True)
class _PairSums:
    count: np.ndarray  # n_ij
    sum_i: np.ndarray  # sum of x_i over rows where j is present
    sum_sq_i: np.ndarray
    cross: np.ndarray  # sum of x_i x_j over common rows


def _pair_sums(returns: np.ndarray) -> _PairSums:
    x = np.asarray(returns, dtype=np.float64)
    if x.ndim != 2:
        raise ValidationError(f"returns must be a (T, N) array, got shape {x.shape}")
    present = np.isfinite(x).astype(np.float64)
    x0 = np.where(present > 0, x, 0.0)
    return _PairSums(present.T @ present, x0.T @ present, (x0 * x0).T @ present, x0.T @ x0)


def pairwise_covariance(returns: np.ndarray) -> np.ndarray:
    """Return the (N, N) sample covariance over pairwise-complete rows (NaN if < 2 rows)."""
    return _covariance(_pair_sums(returns))


def covariance_and_correlation(
    returns: np.ndarray, min_periods: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """Return `pairwise_covariance` and `correlation_matrix` from one pass over the data."""
    sums = _pair_sums(returns)
    return _covariance(sums), _correlation(sums, min_periods)


def _covariance(s: _PairSums) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (s.cross - s.sum_i * s.sum_i.T / s.count) / (s.count - 1)
    return np.where(s.count >= 2, cov, np.nan)


def correlation_matrix(returns: np.ndarray, min_periods: int = 20) -> np.ndarray:
    """Return the (N, N) Pearson correlation over pairwise-complete rows.

    Pairs with fewer than `min_periods` common rows, or a flat series, are NaN; the diagonal
    is 1 for every symbol with enough returns.
    """
    return _correlation(_pair_sums(returns), min_periods)


def _correlation(s: _PairSums, min_periods: int) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = s.cross - s.sum_i * s.sum_i.T / s.count
        var_i = s.sum_sq_i - s.sum_i**2 / s.count
        corr = cov / np.sqrt(var_i * var_i.T)
    corr = np.where((s.count >= min_periods) & (var_i > 0) & (var_i.T > 0), corr, np.nan)
    return np.clip(corr, -1.0, 1.0)


def rolling_correlation(
    returns: np.ndarray, window: int, *, every: int = 21, min_periods: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return (rows, matrices): the correlation over the `window` rows ending at each row.

    One matrix every `every` rows (monthly for daily bars), ending at the last row, so a
    10-year, 151-symbol history stays small. `rows` are the end rows, `matrices` (M, N, N).
    """
    if window < 2 or every < 1:
        raise ValidationError("window must be at least 2 and every at least 1")
    x = np.asarray(returns, dtype=np.float64)
    ends = np.arange(x.shape[0] - 1, window - 2, -every)[::-1]
    need = min_periods if min_periods is not None else max(2, window // 2)
    matrices = [correlation_matrix(x[end - window + 1 : end + 1], need) for end in ends]
    shape = (0, x.shape[1], x.shape[1])
    return ends, np.stack(matrices) if matrices else np.empty(shape)


@dataclass(frozen=True, slots=True)
class Clusters:
    """Holdings grouped by hierarchical clustering of their correlations.

    `labels[i]` is the cluster (1..k) of symbol i; `order` lists the symbols' indices so
    that clusters sit together (the dendrogram's leaf order, for heatmaps).
    """

    symbols: tuple[str, ...]
    labels: np.ndarray
    order: np.ndarray

    def groups(self) -> list[list[str]]:
        """Return the clusters as lists of symbols, largest first."""
        found: dict[int, list[str]] = {}
        for index in self.order:
            found.setdefault(int(self.labels[index]), []).append(self.symbols[index])
        return sorted(found.values(), key=len, reverse=True)


def cluster_holdings(
    correlation: np.ndarray, symbols: Sequence[str], *, max_distance: float = 0.5
) -> Clusters:
    """Cluster symbols by average linkage on the distance √(½(1 - ρ)).

    Clusters are cut at `max_distance` (0.5 groups pairs correlated above about 0.5).
    Unknown correlations count as zero correlation.
    """
    n = len(symbols)
    if correlation.shape != (n, n):
        raise ValidationError(f"correlation has shape {correlation.shape}, not ({n}, {n})")
    if n < 2:
        return Clusters(tuple(symbols), np.ones(n, dtype=np.int64), np.arange(n))
    rho = np.nan_to_num(correlation, nan=0.0)
    distance = np.sqrt(np.clip(0.5 * (1.0 - rho), 0.0, 1.0))
    np.fill_diagonal(distance, 0.0)
    tree = hierarchy.linkage(squareform(distance, checks=False), method="average")
    labels = hierarchy.fcluster(tree, t=max_distance, criterion="distance")
    return Clusters(tuple(symbols), labels.astype(np.int64), hierarchy.leaves_list(tree))


def beta(asset: np.ndarray, benchmark: np.ndarray, min_periods: int = 20) -> float:
    """Return cov(asset, benchmark) / var(benchmark) over common finite rows (NaN if too few)."""
    a, b = np.asarray(asset, dtype=np.float64), np.asarray(benchmark, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValidationError(f"asset {a.shape} and benchmark {b.shape} must be equal 1-D shapes")
    both = np.isfinite(a) & np.isfinite(b)
    if both.sum() < min_periods:
        return float("nan")
    a, b = a[both], b[both]
    variance = float(np.var(b, ddof=1))
    return float(np.cov(a, b, ddof=1)[0, 1] / variance) if variance > 0 else float("nan")


def betas(returns: np.ndarray, benchmark: np.ndarray, min_periods: int = 20) -> np.ndarray:
    """Return each column's beta to `benchmark` (N,)."""
    return np.array([beta(column, benchmark, min_periods) for column in np.asarray(returns).T])
