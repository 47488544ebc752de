"""Position sizing: small policies that turn signals into target weights, and weights into units.

Each sizer is a frozen dataclass called with a `SizingInputs` (equity, prices, a signal per
symbol, a window of past returns, optional stop prices) and returns signed target weights
(position value over equity). Only symbols with a non-zero, finite signal get a weight; the
signal's sign gives the side. They compose: `Capped(VolatilityTargetBook(InverseVolatility(),
0.10), max_weight=0.2)`. `to_quantities` turns weights into whole shares for stocks and ETFs
and fractional units for crypto, always rounding toward zero so a target is never exceeded.

Volatilities are annualised from the returns window (sample standard deviation, NaNs
skipped) with `periods_per_year` (252 for daily bars).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tetra.core.errors import ValidationError
from tetra.data.universe import Universe
from tetra.model.instruments import AssetClass
from tetra.risk.dependence import pairwise_covariance

CRYPTO_STEP = 1e-8  # the smallest crypto unit we trade (a satoshi for BTC)


@dataclass(frozen=True)
class SizingInputs:
    """What a sizer may look at, for N symbols at one decision time."""

    equity: float
    prices: np.ndarray  # (N,)
    signal: np.ndarray  # (N,): sign = side, 0 or NaN = no position
    returns: np.ndarray | None = None  # (W, N) simple returns up to now
    stops: np.ndarray | None = None  # (N,) stop prices, for fixed-risk sizing
    periods_per_year: int = 252

    def __post_init__(self) -> None:
        if not (np.isfinite(self.equity) and self.equity > 0):
            raise ValidationError(f"equity must be positive and finite, got {self.equity}")
        n = self.prices.shape[0]
        for name in ("signal", "stops"):
            array = getattr(self, name)
            if array is not None and array.shape != (n,):
                raise ValidationError(f"{name} has shape {array.shape}, not ({n},)")
        if self.returns is not None and (self.returns.ndim != 2 or self.returns.shape[1] != n):
            raise ValidationError(f"returns have shape {self.returns.shape}, not (W, {n})")

    @property
    def active(self) -> np.ndarray:
        """Return a boolean mask of symbols with a non-zero, finite signal and a price."""
        signal = np.nan_to_num(self.signal, nan=0.0)
        mask: np.ndarray = (signal != 0.0) & np.isfinite(self.prices) & (self.prices > 0)
        return mask

    @property
    def side(self) -> np.ndarray:
        """Return +1, -1 or 0 per symbol."""
        return np.where(self.active, np.sign(np.nan_to_num(self.signal)), 0.0)

    def volatility(self) -> np.ndarray:
        """Return each symbol's annualised volatility from `returns` (NaN if unknowable)."""
        returns = self.history()
        counts = np.sum(np.isfinite(returns), axis=0)
        vol = np.full(returns.shape[1], np.nan)
        enough = counts >= 2
        vol[enough] = np.nanstd(returns[:, enough], axis=0, ddof=1)
        return np.asarray(vol * np.sqrt(self.periods_per_year), dtype=np.float64)

    def covariance(self) -> np.ndarray:
        """Return the annualised covariance of returns (pairwise-complete rows, N x N)."""
        return pairwise_covariance(self.history()) * self.periods_per_year

    def history(self) -> np.ndarray:
        """Return the window of past returns, or raise: the sizer needs them."""
        if self.returns is None:
            raise ValidationError("this sizer needs a window of past returns")
        return self.returns


class Sizer(Protocol):
    """Turns `SizingInputs` into signed target weights (N,)."""

    def __call__(self, inputs: SizingInputs) -> np.ndarray: ...


@dataclass(frozen=True)
class EqualWeight:
    """Split `gross` equally among the signalled symbols."""

    gross: float = 1.0

    def __call__(self, inputs: SizingInputs) -> np.ndarray:
        count = int(inputs.active.sum())
        return inputs.side * (self.gross / count) if count else np.zeros_like(inputs.prices)


@dataclass(frozen=True)
class FixedFractional:
    """Put `fraction` of equity in each signalled symbol."""

    fraction: float

    def __call__(self, inputs: SizingInputs) -> np.ndarray:
        return inputs.side * self.fraction


@dataclass(frozen=True)
class FixedRisk:
    """Size so that a fill at the stop loses `risk` of equity: w = risk * price / |price - stop|."""

    risk: float

    def __call__(self, inputs: SizingInputs) -> np.ndarray:
        if inputs.stops is None:
            raise ValidationError("fixed-risk sizing needs a stop price per symbol")
        distance = np.abs(inputs.prices - inputs.stops)
        usable = inputs.active & np.isfinite(distance) & (distance > 0)
        weights = np.zeros_like(inputs.prices)
        weights[usable] = self.risk * inputs.prices[usable] / distance[usable]
        return np.asarray(weights * inputs.side, dtype=np.float64)


@dataclass(frozen=True)
class VolatilityTarget:
    """Per position: weight = target / the symbol's annualised volatility."""

    target: float

    def __call__(self, inputs: SizingInputs) -> np.ndarray:
        vol = inputs.volatility()
        usable = inputs.active & np.isfinite(vol) & (vol > 0)
        weights = np.zeros_like(inputs.prices)
        weights[usable] = self.target / vol[usable]
        return np.asarray(weights * inputs.side, dtype=np.float64)


@dataclass(frozen=True)
class InverseVolatility:
    """Weights proportional to 1 / volatility, summing to `gross` in absolute value."""

    gross: float = 1.0

    def __call__(self, inputs: SizingInputs) -> np.ndarray:
        return _normalised(VolatilityTarget(1.0)(inputs), self.gross)


@dataclass(frozen=True)
class RiskParity:
    """Equal risk contribution among the signalled symbols, summing to `gross` in |weight|.

    Solves the convex program min ½ wᵀΣw - Σ log wᵢ by cyclical coordinate descent over
    the side-adjusted covariance, then rescales; each holding then contributes the same
    share of the book's volatility.
    """

    gross: float = 1.0
    tolerance: float = 1e-10
    max_iterations: int = 500

    def __call__(self, inputs: SizingInputs) -> np.ndarray:
        active = np.flatnonzero(inputs.active)
        weights = np.zeros_like(inputs.prices)
        if active.size == 0:
            return weights
        side = inputs.side[active]
        cov = inputs.covariance()[np.ix_(active, active)] * np.outer(side, side)
        weights[active] = _equal_risk(cov, self.tolerance, self.max_iterations) * side
        return _normalised(weights, self.gross)


@dataclass(frozen=True)
class CappedKelly:
    """A fraction of the Kelly weights Σ⁻¹μ (μ, Σ annualised from returns), each capped.

    The signal picks the symbols; Kelly picks the side from the mean, so a signalled symbol
    with a negative mean return is shorted. `ridge` stabilises a near-singular covariance.
    """

    fraction: float = 0.5
    cap: float = 0.25
    ridge: float = 1e-6

    def __call__(self, inputs: SizingInputs) -> np.ndarray:
        active = np.flatnonzero(inputs.active)
        weights = np.zeros_like(inputs.prices)
        if active.size == 0:
            return weights
        mean = np.nanmean(inputs.history()[:, active], axis=0) * inputs.periods_per_year
        cov = inputs.covariance()[np.ix_(active, active)]
        cov = cov + self.ridge * np.eye(active.size)
        kelly = np.linalg.solve(cov, np.nan_to_num(mean))
        weights[active] = np.clip(self.fraction * kelly, -self.cap, self.cap)
        return weights


@dataclass(frozen=True)
class VolatilityTargetBook:
    """Scale an inner sizer's weights so the book's annualised volatility is `target`.

    `max_gross` bounds the scaled book's gross leverage.
    """

    inner: Sizer
    target: float
    max_gross: float = 1.0

    def __call__(self, inputs: SizingInputs) -> np.ndarray:
        weights = self.inner(inputs)
        book_vol = float(np.sqrt(weights @ np.nan_to_num(inputs.covariance()) @ weights))
        if book_vol <= 0 or not np.isfinite(book_vol):
            return weights
        scaled = weights * (self.target / book_vol)
        gross = float(np.abs(scaled).sum())
        return scaled * (self.max_gross / gross) if gross > self.max_gross else scaled


@dataclass(frozen=True)
class Capped:
    """Clip an inner sizer's weights to `max_weight` each, then scale to `max_gross` if over."""

    inner: Sizer
    max_weight: float | None = None
    max_gross: float | None = None

    def __call__(self, inputs: SizingInputs) -> np.ndarray:
        weights = self.inner(inputs)
        if self.max_weight is not None:
            weights = np.clip(weights, -self.max_weight, self.max_weight)
        gross = float(np.abs(weights).sum())
        if self.max_gross is not None and gross > self.max_gross:
            weights = weights * (self.max_gross / gross)
        return weights


def to_quantities(
    weights: np.ndarray, equity: float, prices: np.ndarray, fractional: np.ndarray
) -> np.ndarray:
    """Turn weights into units: whole units where `fractional` is False, else `CRYPTO_STEP`s.

    Rounds toward zero so no position exceeds its target; no price, no quantity.
    """
    value = np.nan_to_num(weights) * equity
    with np.errstate(invalid="ignore", divide="ignore"):
        units = np.where(np.isfinite(prices) & (prices > 0), value / prices, 0.0)
    step = np.where(fractional, CRYPTO_STEP, 1.0)
    return np.trunc(np.round(units / step, 6)) * step


def fractional_units(symbols: Sequence[str], universe: Universe | None = None) -> np.ndarray:
    """Return True for symbols traded in fractions (crypto), False for stocks and ETFs."""
    from tetra.risk.policy import packaged_universe  # policy imports sizing: import late

    known = universe or packaged_universe()
    return np.array(
        [s in known and known.get(s).asset_class is AssetClass.CRYPTO for s in symbols], dtype=bool
    )


def _normalised(weights: np.ndarray, gross: float) -> np.ndarray:
    total = float(np.abs(weights).sum())
    return weights * (gross / total) if total > 0 else weights


def _equal_risk(cov: np.ndarray, tolerance: float, max_iterations: int) -> np.ndarray:
    n = cov.shape[0]
    diag = np.diag(cov).copy()
    if np.any(diag <= 0) or not np.all(np.isfinite(cov)):
        raise ValidationError("risk parity needs a positive, finite variance for every holding")
    weights = 1.0 / np.sqrt(diag)
    for _ in range(max_iterations):
        previous = weights.copy()
        for i in range(n):
            others = cov[i] @ weights - diag[i] * weights[i]
            weights[i] = (-others + np.sqrt(others * others + 4.0 * diag[i])) / (2.0 * diag[i])
        if np.max(np.abs(weights - previous)) < tolerance * np.max(weights):
            break
    return weights
