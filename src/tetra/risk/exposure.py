"""A book of holdings and its exposures by universe group, asset class and theme.

`Book` holds quantities, prices and cash (or is built from weights); `exposures` sums the
long and short weights of the holdings per group, per asset class and per theme, the
numbers the exposure bars and group caps are about. A symbol outside the universe is
reported under ``unclassified``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from tetra.core.errors import ValidationError
from tetra.data.universe import Universe
from tetra.risk.policy import packaged_universe

UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class Book:
    """Holdings (signed quantities at prices) plus cash; weights are value over equity."""

    symbols: tuple[str, ...]
    quantities: np.ndarray
    prices: np.ndarray
    cash: float

    def __post_init__(self) -> None:
        n = len(self.symbols)
        if len(set(self.symbols)) != n:
            raise ValidationError("a book lists each symbol once")
        for name in ("quantities", "prices"):
            if getattr(self, name).shape != (n,):
                raise ValidationError(f"{name} has shape {getattr(self, name).shape}, not ({n},)")
        held = self.quantities != 0
        if not np.all(np.isfinite(self.quantities)) or not np.isfinite(self.cash):
            raise ValidationError("quantities and cash must be finite")
        if np.any(held & ~(np.isfinite(self.prices) & (self.prices > 0))):
            raise ValidationError("every holding needs a positive, finite price")
        if not self.equity > 0:
            raise ValidationError(f"the book's equity is {self.equity:,.2f}; it must be positive")

    @classmethod
    def from_weights(cls, weights: Mapping[str, float], equity: float = 1_000_000.0) -> Book:
        """Build a book worth `equity` holding `weights` (price 1 per unit: only weights matter)."""
        symbols = tuple(weights)
        values = np.array([float(weights[s]) for s in symbols], dtype=np.float64)
        if not np.all(np.isfinite(values)):
            raise ValidationError("weights must be finite numbers")
        return cls(symbols, values * equity, np.ones(len(symbols)), equity * (1 - values.sum()))

    @property
    def values(self) -> np.ndarray:
        """Return each holding's signed market value."""
        return np.where(self.quantities != 0, self.quantities * self.prices, 0.0)

    @property
    def equity(self) -> float:
        """Return cash plus the holdings' value."""
        return float(self.cash + self.values.sum())

    @property
    def weights(self) -> np.ndarray:
        """Return signed weights (value over equity)."""
        return np.asarray(self.values / self.equity, dtype=np.float64)

    def held(self) -> Book:
        """Return the book without its flat lines."""
        keep = self.quantities != 0
        return Book(
            tuple(s for s, k in zip(self.symbols, keep, strict=True) if k),
            self.quantities[keep], self.prices[keep], self.cash,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Exposure:
    """Long, short, gross and net weight of the holdings in one bucket."""

    kind: str  # group, asset_class or theme
    name: str
    long: float
    short: float
    symbols: tuple[str, ...] = field(default=())

    @property
    def gross(self) -> float:
        return self.long + self.short

    @property
    def net(self) -> float:
        return self.long - self.short


def exposures(book: Book, universe: Universe | None = None) -> list[Exposure]:
    """Return exposures by group, asset class, then theme; each kind largest gross first."""
    known = universe or packaged_universe()
    rows: list[Exposure] = []
    for kind in ("group", "asset_class", "theme"):
        buckets: dict[str, list[tuple[str, float]]] = {}
        for symbol, weight in zip(book.symbols, book.weights, strict=True):
            if weight:
                for name in _bucket_names(kind, symbol, known):
                    buckets.setdefault(name, []).append((symbol, float(weight)))
        rows += sorted((_exposure(kind, n, held) for n, held in buckets.items()),
                       key=lambda e: -e.gross)  # fmt: skip
    return rows


def _bucket_names(kind: str, symbol: str, universe: Universe) -> Iterable[str]:
    if symbol not in universe:
        return (UNCLASSIFIED,)
    instrument = universe.get(symbol)
    if kind == "group":
        return (str(instrument.group),)
    if kind == "asset_class":
        return (str(instrument.asset_class),)
    return instrument.themes


def _exposure(kind: str, name: str, held: Sequence[tuple[str, float]]) -> Exposure:
    long = sum(w for _, w in held if w > 0)
    short = -sum(w for _, w in held if w < 0)
    return Exposure(kind, name, long, short, tuple(s for s, _ in held))
