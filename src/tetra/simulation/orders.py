"""The simulated exchange's cost and trading-rule configs, as the kernels take them.

Order and size kinds are the strategy vocabulary's: `tetra.market.orders`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tetra.core.errors import ValidationError
from tetra.simulation import exchange as x


@dataclass(frozen=True, slots=True)
class Commission:
    """Fees per order: none, per share (with a minimum), basis points of value, or fixed."""

    per_share: float = 0.0
    minimum: float = 0.0
    basis_points: float = 0.0
    fixed: float = 0.0

    def __post_init__(self) -> None:
        chosen = [v for v in (self.per_share, self.basis_points, self.fixed) if v]
        if len(chosen) > 1:
            raise ValidationError("choose one commission model: per_share, basis_points or fixed")
        if min(self.per_share, self.minimum, self.basis_points, self.fixed) < 0:
            raise ValidationError("commissions cannot be negative")

    @property
    def model(self) -> int:
        if self.per_share:
            return x.PER_SHARE
        if self.basis_points:
            return x.BASIS_POINTS
        return x.FIXED_FEE if self.fixed else x.NO_COMMISSION


@dataclass(frozen=True, slots=True)
class Slippage:
    """Price moved against the trader: fixed amount, basis points, or a share of bar volume.

    `impact` is the fractional price move when an order trades the whole bar's volume;
    smaller orders move the price in proportion to their participation.
    """

    fixed: float = 0.0
    basis_points: float = 0.0
    impact: float = 0.0

    def __post_init__(self) -> None:
        if len([v for v in (self.fixed, self.basis_points, self.impact) if v]) > 1:
            raise ValidationError("choose one slippage model: fixed, basis_points or impact")
        if min(self.fixed, self.basis_points, self.impact) < 0:
            raise ValidationError("slippage cannot be negative")

    @property
    def model(self) -> int:
        if self.fixed:
            return x.FIXED_SLIPPAGE
        if self.basis_points:
            return x.BPS_SLIPPAGE
        return x.VOLUME_SHARE if self.impact else x.NO_SLIPPAGE


@dataclass(frozen=True, slots=True)
class Costs:
    """Commission and slippage together, as the kernels take them."""

    commission: Commission = Commission()
    slippage: Slippage = Slippage()

    def as_array(self) -> np.ndarray:
        costs = np.zeros(x.COSTS_SIZE)
        c, s = self.commission, self.slippage
        costs[x.C_COMMISSION], costs[x.C_PER_SHARE], costs[x.C_MINIMUM] = (
            c.model,
            c.per_share,
            c.minimum,
        )
        costs[x.C_BPS], costs[x.C_FIXED] = c.basis_points, c.fixed
        costs[x.C_SLIPPAGE], costs[x.C_SLIP_FIXED] = s.model, s.fixed
        costs[x.C_SLIP_BPS], costs[x.C_IMPACT] = s.basis_points, s.impact
        return costs


@dataclass(frozen=True, slots=True)
class TradingRules:
    """What the account may do: fractional units, short selling, spending beyond its cash.

    `fractional_symbols` trade in fractions even when `fractional` is off (crypto beside
    stocks and ETFs, which trade in whole shares).
    """

    fractional: bool = False
    allow_short: bool = True
    allow_leverage: bool = False
    fractional_symbols: frozenset[str] = frozenset()

    def as_array(self) -> np.ndarray:
        return np.array([self.fractional, self.allow_short, self.allow_leverage], dtype=np.float64)

    def per_symbol(self, symbols: Sequence[str]) -> np.ndarray:
        """Return the rules as one `as_array` row per symbol, (N, 3), as the kernels take them."""
        rows = np.tile(self.as_array(), (len(symbols), 1))
        fractional = [n for n, s in enumerate(symbols) if s in self.fractional_symbols]
        rows[fractional, x.R_FRACTIONAL] = 1.0
        return rows
