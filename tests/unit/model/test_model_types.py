"""Domain types validate themselves on construction."""

from __future__ import annotations

import datetime as dt

import pytest

from tetra.core.errors import ValidationError
from tetra.model.corporate_actions import Dividend, Split
from tetra.model.economic import EconomicObservation
from tetra.model.events import EarningsEvent, EconomicEvent
from tetra.model.instruments import AssetClass, Instrument, UniverseGroup
from tetra.model.news import NewsArticle, SentimentScore, article_id_for

DAY = dt.date(2024, 1, 2)
NOW = dt.datetime(2024, 1, 2, 14, 30, tzinfo=dt.UTC)


def test_split_ratio_is_new_shares_over_old() -> None:
    assert Split("NVDA", DAY, split_from=1, split_to=10, source="test").ratio == 10


def test_one_for_one_split_is_refused() -> None:
    with pytest.raises(ValidationError, match="no split"):
        Split("X", DAY, split_from=2, split_to=2, source="test")


def test_dividend_paid_before_ex_date_is_refused() -> None:
    with pytest.raises(ValidationError, match="pay date"):
        Dividend("X", DAY, 0.5, "test", pay_date=DAY - dt.timedelta(days=1))


def test_missing_economic_value_is_none_not_nan() -> None:
    observation = EconomicObservation("GDP", DAY, DAY, None, "fred")
    assert observation.value is None
    with pytest.raises(ValidationError, match="not finite"):
        EconomicObservation("GDP", DAY, DAY, float("nan"), "fred")


def test_vintage_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValidationError, match="vintage"):
        EconomicObservation("GDP", DAY, DAY, 1.0, "fred", realtime_end=DAY - dt.timedelta(1))


def test_article_id_ignores_query_and_fragment() -> None:
    assert article_id_for("https://x.com/a?utm=1#top") == article_id_for("https://X.com/a/")


def test_article_needs_aware_time_and_http_url() -> None:
    NewsArticle("https://x.com/a", "Title", NOW, "newsapi")
    with pytest.raises(ValidationError, match="timezone-aware"):
        NewsArticle("https://x.com/a", "Title", NOW.replace(tzinfo=None), "newsapi")
    with pytest.raises(ValidationError, match="http"):
        NewsArticle("ftp://x.com/a", "Title", NOW, "newsapi")


def test_sentiment_outside_unit_range_is_refused() -> None:
    with pytest.raises(ValidationError, match="outside"):
        SentimentScore("id", "AAPL", "vader", 1.5, "local")


def test_events_validate_their_fields() -> None:
    with pytest.raises(ValidationError, match="negative"):
        EarningsEvent("AAPL", DAY, "test", revenue_actual=-1.0)
    with pytest.raises(ValidationError, match="timezone-aware"):
        EconomicEvent("CPI", NOW.replace(tzinfo=None), "test")


def test_instrument_checks_symbol_and_group() -> None:
    with pytest.raises(ValidationError, match="invalid symbol"):
        Instrument("aapl", "Apple", AssetClass.EQUITY, UniverseGroup.LARGEST_STOCKS, "NASDAQ")
    with pytest.raises(ValidationError, match="does not fit"):
        Instrument("BTC", "Bitcoin", AssetClass.CRYPTO, UniverseGroup.LARGEST_STOCKS, "CRYPTO")
    coin = Instrument("BTC", "Bitcoin", AssetClass.CRYPTO, UniverseGroup.CRYPTO, "CRYPTO")
    assert coin.trades_every_day
