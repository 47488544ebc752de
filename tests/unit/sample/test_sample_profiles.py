"""Specifications of the sample universe's parameter profiles and keyed draws."""

from __future__ import annotations

import numpy as np
import pytest

from tetra.model.instruments import AssetClass, Instrument, UniverseGroup
from tetra.sample import profiles
from tetra.sample.members import keyed_rng


def _instrument(
    symbol: str, asset_class: AssetClass, group: UniverseGroup, *themes: str
) -> Instrument:
    return Instrument(symbol, symbol, asset_class, group, "XNAS", themes=themes)


@pytest.mark.parametrize(
    ("instrument", "expected"),
    [
        (
            _instrument("AAA", AssetClass.EQUITY, UniverseGroup.LARGEST_STOCKS),
            profiles.LARGE_STOCK,
        ),
        (
            _instrument("GRW", AssetClass.EQUITY, UniverseGroup.GROWTH_STOCKS),
            profiles.GROWTH_STOCK,
        ),
        (
            _instrument("TLT", AssetClass.ETF, UniverseGroup.LARGEST_ETFS, "treasury_bonds"),
            profiles.BOND_ETF,
        ),
        (
            _instrument("GLD", AssetClass.ETF, UniverseGroup.THEMED_ETFS, "gold"),
            profiles.REAL_ASSET_ETF,
        ),
        (
            _instrument("SPY", AssetClass.ETF, UniverseGroup.LARGEST_ETFS, "broad_market"),
            profiles.BROAD_ETF,
        ),
        (
            _instrument("SMH", AssetClass.ETF, UniverseGroup.THEMED_ETFS, "semiconductors"),
            profiles.THEMED_ETF,
        ),
        (
            _instrument("BTC-USD", AssetClass.CRYPTO, UniverseGroup.CRYPTO),
            profiles.MAJOR_CRYPTO,
        ),
        (
            _instrument("NEWC", AssetClass.CRYPTO, UniverseGroup.CRYPTO),
            profiles.CRYPTO_COIN,
        ),
    ],
)
def test_profile_of_picks_the_profile_of_the_asset_class_and_tags(
    instrument: Instrument, expected: profiles.Profile
) -> None:
    assert profiles.profile_of(instrument) is expected


def test_level_range_pins_known_coins_near_their_real_prices() -> None:
    doge = _instrument("DOGEUSDT", AssetClass.CRYPTO, UniverseGroup.CRYPTO)

    assert profiles.level_range(doge) == (0.05, 0.4)


def test_level_range_of_other_instruments_is_their_profiles() -> None:
    stock = _instrument("AAA", AssetClass.EQUITY, UniverseGroup.LARGEST_STOCKS)

    assert profiles.level_range(stock) == profiles.LARGE_STOCK.level


def test_keyed_rng_depends_only_on_seed_and_key() -> None:
    first, again = (
        keyed_rng(7, "instrument:AAA").random(4),
        keyed_rng(7, "instrument:AAA").random(4),
    )
    other = keyed_rng(7, "instrument:BBB").random(4)

    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
