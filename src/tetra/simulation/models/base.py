"""What every market model shares: the fitted-model protocol, parameters, correlation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tetra.market import MarketData
from tetra.simulation.models.history import HistoryInfo

_FLOOR = 1e-10


@dataclass(frozen=True, slots=True)
class Parameter:
    """One fitted number: per symbol, or ``symbol="*"`` for the whole panel."""

    symbol: str
    name: str
    value: float


class FittedModel(Protocol):
    """A model calibrated on a history, ready to generate paths that continue it.

    `simulate` must draw only from `rng`, in a fixed order, so that the same generator
    state gives the same panel bit for bit; it returns `bars` rows after the history's last
    date with consistent OHLC, split ratio 1 and dividend 0.
    """

    @property
    def model(self) -> str:
        """Return the model's name (gbm, merton, garch, bootstrap, regime)."""
        ...

    @property
    def info(self) -> HistoryInfo:
        """Return where the calibration came from."""
        ...

    def parameters(self) -> list[Parameter]:
        """Return the fitted parameters, for reports and storage."""
        ...

    def simulate(self, bars: int, rng: np.random.Generator) -> MarketData:
        """Return one path of `bars` bars drawn from `rng`."""
        ...


def per_symbol(
    symbols: Iterable[str], named: dict[str, np.ndarray] | Iterable[tuple[str, np.ndarray]]
) -> Iterator[Parameter]:
    """Yield one `Parameter` per symbol and name from per-symbol arrays."""
    items = named.items() if isinstance(named, dict) else named
    columns = list(symbols)
    for name, values in items:
        for symbol, value in zip(columns, np.asarray(values, dtype=np.float64), strict=True):
            yield Parameter(symbol, name, float(value))


def reported(
    symbols: Iterable[str], named: dict[str, np.ndarray], correlation: np.ndarray
) -> list[Parameter]:
    """Return per-symbol parameters plus the panel's mean pairwise correlation."""
    found = list(per_symbol(symbols, named))
    found.append(Parameter("*", "mean_correlation", mean_correlation(correlation)))
    return found


def correlation_of(values: np.ndarray) -> np.ndarray:
    """Return the correlation matrix of the columns (1 on the diagonal even if constant)."""
    if values.shape[1] == 1:
        return np.ones((1, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.corrcoef(values, rowvar=False)
    correlation: np.ndarray = np.nan_to_num(raw, nan=0.0)
    np.fill_diagonal(correlation, 1.0)
    return correlation


def correlation_factor(correlation: np.ndarray) -> np.ndarray:
    """Return L with ``L @ L.T`` the nearest valid correlation matrix to `correlation`.

    A sample correlation of near-duplicates (SPY and IVV) or of more symbols than rows is
    only positive semi-definite; its negative or zero eigenvalues are lifted to a small
    floor and the diagonal rescaled to one before the Cholesky factorisation.
    """
    try:
        return np.asarray(np.linalg.cholesky(correlation), dtype=np.float64)
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(correlation)
        repaired = (vectors * np.maximum(values, _FLOOR)) @ vectors.T
        scale = np.sqrt(np.diag(repaired))
        repaired = repaired / np.outer(scale, scale)
        return np.linalg.cholesky(repaired + _FLOOR * np.eye(len(repaired)))


def covariance_factor(covariance: np.ndarray) -> np.ndarray:
    """Return a Cholesky factor of `covariance`, repaired through its correlation."""
    scale = np.sqrt(np.maximum(np.diag(covariance), 0.0))
    safe = np.where(scale > 0, scale, 1.0)
    correlation = covariance / np.outer(safe, safe)
    np.fill_diagonal(correlation, 1.0)
    factor: np.ndarray = scale[:, np.newaxis] * correlation_factor(correlation)
    return factor


def correlated_normals(rng: np.random.Generator, steps: int, factor: np.ndarray) -> np.ndarray:
    """Draw (steps, symbols) standard normals whose columns carry ``factor @ factor.T``."""
    draws: np.ndarray = rng.standard_normal((steps, factor.shape[0])) @ factor.T
    return draws


def mean_correlation(correlation: np.ndarray) -> float:
    """Return the average pairwise correlation (0 for a single symbol)."""
    n = correlation.shape[0]
    if n < 2:
        return 0.0
    return float((correlation.sum() - n) / (n * (n - 1)))
