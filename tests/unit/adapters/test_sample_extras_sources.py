"""The sample's macro and news sources honour the source ports, like a vendor's adapters."""

from __future__ import annotations

import asyncio
import datetime as dt

import pandas as pd
import pytest

from tetra.adapters.sources.sample import SampleSource
from tetra.adapters.sources.sample_extras import (
    SampleMacroSource,
    SampleNewsSource,
    score_sample_articles,
)
from tetra.core.errors import SourceError
from tetra.data.batches import prepare_batch
from tetra.data.migrations import table
from tetra.data.sources import EconomicSource, EventSource, Fetched, NewsSource, Window
from tetra.data.universe import load_universe
from tetra.sample.history import SampleSpec

SPEC = SampleSpec(years=3)
DECEMBER = Window(dt.date(2025, 12, 1), dt.date(2025, 12, 31))
SYMBOLS = ("SPY", "NVDA", "BTC", "IVV")


@pytest.fixture(scope="module")
def macro() -> SampleMacroSource:
    return SampleMacroSource(SPEC)


@pytest.fixture(scope="module")
def news() -> SampleNewsSource:
    universe = load_universe()
    return SampleNewsSource(SampleSource([universe.get(s) for s in SYMBOLS], SPEC))


def valid(fetched: Fetched) -> None:
    """Fail unless every row conforms to its catalog table."""
    prepare_batch(table(fetched.dataset), fetched.rows)


def test_sources_implement_their_ports(macro: SampleMacroSource, news: SampleNewsSource) -> None:
    assert isinstance(macro, EconomicSource)
    assert isinstance(macro, EventSource)
    assert isinstance(news, NewsSource)


def test_observations_are_the_series_values_dated_in_the_window(
    macro: SampleMacroSource,
) -> None:
    fetched = asyncio.run(macro.observations("DGS10", DECEMBER))

    assert fetched.dataset == "economic_data.indicators"
    assert set(fetched.rows["series_id"]) == {"DGS10"}
    assert fetched.rows["date"].min() >= DECEMBER.start
    assert fetched.rows["date"].max() <= DECEMBER.end
    assert len(fetched.rows) == 21  # December's sessions but the 31st, released in January
    valid(fetched)


def test_unknown_series_is_a_source_error_naming_the_known_ones(
    macro: SampleMacroSource,
) -> None:
    with pytest.raises(SourceError, match="CPIAUCSL"):
        asyncio.run(macro.observations("NOPE", DECEMBER))


def test_events_are_the_series_metadata_as_releases(macro: SampleMacroSource) -> None:
    (fetched,) = asyncio.run(macro.events([], Window(dt.date(2023, 1, 1), DECEMBER.end)))

    assert fetched.dataset == "economic_data.releases"
    assert len(fetched.rows) == 8
    assert (fetched.rows["source"] == "sample").all()
    valid(fetched)


def test_news_is_about_the_asked_symbols_inside_the_window(news: SampleNewsSource) -> None:
    articles, sentiment = asyncio.run(news.news(["NVDA", "BTC", "IVV"], DECEMBER))

    published = articles.rows["published_at"]
    assert articles.dataset == "news.articles"
    assert set(articles.rows["symbols"]) == {'["NVDA"]', '["BTC"]'}  # no news about IVV
    assert published.min() >= pd.Timestamp(DECEMBER.start, tz="UTC")
    assert published.max() < pd.Timestamp(dt.date(2026, 1, 1), tz="UTC")
    assert sentiment.dataset == "news.sentiment"
    assert sentiment.rows.empty
    valid(articles)


def test_local_scores_are_labelled_sample(news: SampleNewsSource) -> None:
    articles, _ = asyncio.run(news.news(["SPY"], DECEMBER))

    scored = score_sample_articles(articles)

    assert scored is not None
    assert scored.dataset == "news.sentiment"
    assert set(scored.rows["source"]) == {"sample"}
    assert set(scored.rows["method"]) == {"vader", "finance_lexicon"}
    assert len(scored.rows) == 4 * len(articles.rows)  # two methods, for SPY and for '*'
    valid(scored)


def test_no_articles_means_no_scores() -> None:
    empty = Fetched(
        "news.articles", pd.DataFrame(columns=list(table("news.articles").column_names))
    )

    assert score_sample_articles(empty) is None
