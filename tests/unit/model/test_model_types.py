"""The model's shared identities and vocabulary validate themselves."""

from __future__ import annotations

import pytest

from tetra.core.errors import ValidationError
from tetra.model.instruments import AssetClass, Instrument, UniverseGroup
from tetra.model.news import article_id_for


def test_article_id_ignores_query_and_fragment() -> None:
    assert article_id_for("https://x.com/a?utm=1#top") == article_id_for("https://X.com/a/")


def test_instrument_checks_symbol_and_group() -> None:
    with pytest.raises(ValidationError, match="invalid symbol"):
        Instrument("aapl", "Apple", AssetClass.EQUITY, UniverseGroup.LARGEST_STOCKS, "NASDAQ")
    with pytest.raises(ValidationError, match="does not fit"):
        Instrument("BTC", "Bitcoin", AssetClass.CRYPTO, UniverseGroup.LARGEST_STOCKS, "CRYPTO")
    coin = Instrument("BTC", "Bitcoin", AssetClass.CRYPTO, UniverseGroup.CRYPTO, "CRYPTO")
    assert coin.trades_every_day
