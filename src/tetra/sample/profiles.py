"""Parameter profiles of the sample universe: the ranges that keep each asset class realistic.

Map of the module:
- `Profile` holds the ranges an instrument's traits are drawn from; `profile_of` picks one from
  the instrument's asset class, group, themes and sector.
- `level_range` gives the range of the last close, with known coins pinned near their real prices.
- `MARKET`, `RATES` and `CRYPTO` name the core factors a profile can load on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tetra.model.instruments import AssetClass, Instrument, UniverseGroup

MARKET, RATES, CRYPTO = "market", "rates", "crypto"
CORE_FACTORS = (MARKET, RATES, CRYPTO)

_BOND_TAGS = ("bond", "treasur", "fixed_income", "municipal", "aggregate", "credit")
_REAL_ASSET_TAGS = ("gold", "silver", "precious", "commodit")
_MAJOR_COINS = {"BTC": (30_000.0, 100_000.0), "ETH": (1_500.0, 4_500.0)}
_COIN_LEVELS = {
    "BNB": (250.0, 700.0),
    "SOL": (20.0, 250.0),
    "XRP": (0.3, 2.5),
    "ADA": (0.25, 1.0),
    "DOGE": (0.05, 0.4),
    "SHIB": (5e-6, 3e-5),
}


@dataclass(frozen=True, slots=True)
class Profile:
    """Ranges of an asset class's traits; levels and dollar volumes are drawn log-uniformly."""

    level: tuple[float, float]
    volatility: tuple[float, float]
    drift: tuple[float, float]
    market_beta: tuple[float, float]
    group_loading: tuple[float, float]
    dollar_volume: tuple[float, float]
    broad_factor: str | None = None
    broad_loading: tuple[float, float] = (0.0, 0.0)
    dividend_probability: float = 0.0
    dividend_yield: tuple[float, float] = (0.0, 0.0)
    payments_per_year: int = 4
    idiosyncratic_floor: float = 0.25  # own volatility as a share of the target, at least
    # Student-t degrees of freedom of its own shocks: a basket's news averages out, so funds'
    # own shocks are nearly normal while a single stock's earnings surprises are not
    tail_freedom: tuple[float, float] = (8.0, 12.0)


_BASKET_TAILS = (12.0, 20.0)
_SPECULATIVE_TAILS = (7.0, 10.0)


# Positional ranges: level, volatility, drift, market beta, group loading, dollar volume.
LARGE_STOCK = Profile(
    (20, 600),
    (0.2, 0.38),
    (0.03, 0.14),
    (0.75, 1.35),
    (0.4, 0.9),
    (5e8, 1.5e10),
    dividend_probability=0.75,
    dividend_yield=(0.005, 0.035),
)
GROWTH_STOCK = Profile(
    (5, 400),
    (0.45, 0.8),
    (-0.05, 0.3),
    (1.1, 1.8),
    (0.6, 1.2),
    (3e7, 2e9),
    dividend_probability=0.1,
    dividend_yield=(0.002, 0.01),
    tail_freedom=_SPECULATIVE_TAILS,
)
BROAD_ETF = Profile(
    (30, 600),
    (0.1, 0.15),  # below the market's own: nearly all of it is the market factor
    (0.04, 0.1),
    (0.95, 1.05),
    (0.05, 0.2),
    (1e9, 3e10),
    dividend_probability=1.0,
    dividend_yield=(0.01, 0.022),
    idiosyncratic_floor=0.1,
    tail_freedom=_BASKET_TAILS,
)
THEMED_ETF = Profile(
    (15, 300),
    (0.22, 0.38),
    (0.0, 0.12),
    (0.9, 1.3),
    (0.7, 1.1),
    (2e7, 1e9),
    dividend_probability=0.9,
    dividend_yield=(0.001, 0.012),
    tail_freedom=_BASKET_TAILS,
)
BOND_ETF = Profile(
    (40, 120),
    (0.05, 0.14),
    (0.015, 0.045),
    (-0.1, 0.1),
    (0.05, 0.15),
    (2e8, 3e9),
    RATES,
    (0.7, 1.6),
    1.0,
    (0.02, 0.04),
    payments_per_year=12,
    tail_freedom=_BASKET_TAILS,
)
REAL_ASSET_ETF = Profile(
    (20, 250),
    (0.13, 0.22),
    (0.0, 0.08),
    (0.0, 0.2),
    (0.8, 1.1),
    (1e8, 2e9),
    tail_freedom=_BASKET_TAILS,
)
MAJOR_CRYPTO = Profile(
    (1, 10), (0.55, 0.75), (0.05, 0.3), (0.0, 0.0), (0.2, 0.4), (5e9, 3e10), CRYPTO, (0.9, 1.1)
)
CRYPTO_COIN = Profile(
    (0.02, 40), (0.65, 0.9), (-0.05, 0.3), (0.0, 0.0), (0.2, 0.5), (2e7, 2e9), CRYPTO, (0.8, 1.2)
)


def profile_of(instrument: Instrument) -> Profile:
    """Return the profile whose ranges `instrument`'s traits are drawn from."""
    if instrument.asset_class is AssetClass.CRYPTO:
        return MAJOR_CRYPTO if _coin(instrument.symbol) in _MAJOR_COINS else CRYPTO_COIN
    if instrument.asset_class is AssetClass.EQUITY:
        return GROWTH_STOCK if instrument.group is UniverseGroup.GROWTH_STOCKS else LARGE_STOCK
    if _tagged(instrument, _BOND_TAGS):
        return BOND_ETF
    if _tagged(instrument, _REAL_ASSET_TAGS):
        return REAL_ASSET_ETF
    return BROAD_ETF if instrument.group is UniverseGroup.LARGEST_ETFS else THEMED_ETF


def level_range(instrument: Instrument) -> tuple[float, float]:
    """Return the range of `instrument`'s last close; known coins keep their real ranges."""
    coin = _coin(instrument.symbol)
    if instrument.asset_class is AssetClass.CRYPTO and coin in {**_MAJOR_COINS, **_COIN_LEVELS}:
        return {**_MAJOR_COINS, **_COIN_LEVELS}[coin]
    return profile_of(instrument).level


def _tagged(instrument: Instrument, fragments: tuple[str, ...]) -> bool:
    tags = (*instrument.themes, instrument.sector or "")
    return any(fragment in tag.lower() for tag in tags for fragment in fragments)


def _coin(symbol: str) -> str:
    return re.sub(r"[-./]?(USDT|USDC|USD)$", "", symbol)
